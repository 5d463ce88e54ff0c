//! `SwWebSocket`, the class JS callers use.

use crate::browser::driver::Driver;
use crate::browser::glue;
use crate::browser::js::args::{json_text, keys_from, send_options};
use crate::browser::js::convert::{js_error, message_from_js};
use crate::browser::js::payload::sendable;
use crate::core::{Message, SendOptions};
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::EventTarget;

/// The engine of a WebSocket that keeps an extension service worker alive
/// while connected: the core and its I/O. JS code uses the `SwWebSocket`
/// class of `worker.js`, an `EventTarget` built on this one (JS name
/// `SwWebSocketEngine`); Rust code uses this type directly.
///
/// Every method that can fail throws (or rejects with) an `Error` whose
/// `name` is `"SwWebSocketError"` and whose `kind` says what went wrong.
#[wasm_bindgen(js_name = SwWebSocketEngine)]
pub struct SwWebSocket {
    driver: Driver,
}

#[wasm_bindgen(js_class = SwWebSocketEngine)]
impl SwWebSocket {
    /// [`new`](Self::new), its events dispatched on `target` (an
    /// `EventTarget`; a new one if it is `undefined`). In JS this is the
    /// constructor: `new SwWebSocketEngine(settings, target)`.
    #[wasm_bindgen(constructor)]
    pub fn with_target(
        #[wasm_bindgen(unchecked_optional_param_type = "SwWebSocketSettings")] settings: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "EventTarget")] target: JsValue,
    ) -> Result<SwWebSocket, JsValue> {
        crate::browser::panic::install_hook();
        let keys = keys_from(&settings).map_err(|e| js_error(&e))?;
        Ok(SwWebSocket {
            driver: Driver::new(keys, glue::event_target(&target)),
        })
    }

    /// Restores the stored state and reconnects if the caller's last word was
    /// `connect`. Call it once at worker start; resolves the status. A corrupt
    /// snapshot becomes an error event, is kept under `KEY:quarantine` and is
    /// replaced; nothing throws.
    #[wasm_bindgen(unchecked_return_type = "Promise<SwWebSocketStatus>")]
    pub fn resume(&self) -> Promise {
        self.driver.resume()
    }

    /// Opens a connection to `url` (`wss://`, or `ws://` to loopback) with
    /// `options` (see the README): throws on a bad URL or option.
    pub fn connect(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SwWebSocketOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        self.driver
            .connect(&url, options, false)
            .map_err(|e| js_error(&e))
    }

    /// What `start({url, options})` does at every worker start, before
    /// `resume()`: keeps the connection going to `url` with `options`.
    /// Nothing happens when the restored connection goes there with the
    /// same settings (the token included); a stored one with others is
    /// restored with these instead (no socket opens with the old ones);
    /// called once the state is known, what runs is closed with 1000 and a
    /// connection with these starts. Throws on a bad URL or option,
    /// changing nothing.
    #[wasm_bindgen(js_name = keepConnected)]
    pub fn keep_connected(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SwWebSocketOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        self.driver
            .connect(&url, options, true)
            .map_err(|e| js_error(&e))
    }

    /// Sends a string, ArrayBuffer or typed array. Resolves `{queued: false}`
    /// once the open socket has it, or `{queued: true, id}` once it is in the
    /// outbox in storage; rejects with a typed error otherwise. `options`:
    /// `{reliable}` overrides the connection's reliable mode for this message.
    #[wasm_bindgen(unchecked_return_type = "Promise<SwWebSocketSendResult>")]
    pub fn send(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SwWebSocketData")] data: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SwWebSocketSendOptions")] options: JsValue,
    ) -> Promise {
        let how = match send_options(&options) {
            Ok(how) => how,
            Err(e) => return Promise::reject(&js_error(&e)),
        };
        // The common case: the open socket takes the value as it is.
        if let Some(len) = sendable(&data) {
            match self.driver.send_in_place(&data, len, &how) {
                Ok(true) => return glue::sent_now(),
                Ok(false) => {}
                Err(e) => return Promise::reject(&js_error(&e)),
            }
        }
        match message_from_js(&data) {
            Ok(message) => self.send_message(message, how),
            Err(e) => Promise::reject(&js_error(&e)),
        }
    }

    /// Sends `JSON.stringify(value)` as a text message (embedded as JSON in
    /// reliable frames).
    #[wasm_bindgen(js_name = sendJson, unchecked_return_type = "Promise<SwWebSocketSendResult>")]
    pub fn send_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SwWebSocketSendOptions")] options: JsValue,
    ) -> Promise {
        match (json_text(&value), send_options(&options)) {
            (Ok(message), Ok(how)) => self.send_message(message, how),
            (Err(e), _) | (_, Err(e)) => Promise::reject(&js_error(&e)),
        }
    }

    /// The outbox: `[{id, type, bytes, reliable}]`, in order.
    #[wasm_bindgen(unchecked_return_type = "SwWebSocketOutboxEntry[]")]
    pub fn outbox(&self) -> Array {
        self.driver.outbox()
    }

    /// Drops every message in the outbox; returns how many.
    #[wasm_bindgen(js_name = clearOutbox)]
    pub fn clear_outbox(&self) -> Result<u32, JsValue> {
        self.driver
            .clear_outbox()
            .map(|cleared| cleared as u32)
            .map_err(|e| js_error(&e))
    }

    /// Hands a `chrome.alarms` alarm to the socket; `true` if it was one of its
    /// own (the watchdog or a reconnect wake-up).
    #[wasm_bindgen(js_name = handleAlarm)]
    pub fn handle_alarm(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ name: string }")] alarm: JsValue,
    ) -> bool {
        let name = js_sys::Reflect::get(&alarm, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .or_else(|| alarm.as_string())
            .unwrap_or_default();
        self.driver.alarm(name).unwrap_or(false)
    }

    /// Closes with `code` (1000 or 3000-4999, default 1000) and a `reason` of
    /// at most 123 UTF-8 bytes; throws before anything happens if either is bad.
    pub fn close(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] code: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] reason: JsValue,
    ) -> Result<(), JsValue> {
        self.driver.close(&code, &reason).map_err(|e| js_error(&e))
    }

    /// The state, counters, last error and last close, as a plain object.
    #[wasm_bindgen(unchecked_return_type = "SwWebSocketStatus")]
    pub fn status(&self) -> JsValue {
        self.driver.status()
    }

    /// The browser's `WebSocket` of the connection, or `null`: for its
    /// `protocol`, `extensions` and `bufferedAmount`. Sending or closing
    /// through it bypasses the engine; don't.
    #[wasm_bindgen(js_name = browserSocket, unchecked_return_type = "WebSocket | null")]
    pub fn browser_socket(&self) -> JsValue {
        self.driver.browser_socket()
    }

    /// Answers one request of the demo message protocol (see the README):
    /// resolves `{ok: true, ...}` or `{ok: false, error: {kind, message}}`.
    #[wasm_bindgen(js_name = handleCommand, unchecked_return_type = "Promise<SwWebSocketReply>")]
    pub fn handle_command(
        &self,
        #[wasm_bindgen(unchecked_param_type = "unknown")] request: JsValue,
    ) -> Promise {
        crate::browser::commands::handle(&self.driver, &request)
    }
}

/// Replaces `chrome.storage` with `{local, session}` objects that have
/// `get/set/remove` like a storage area: for tests and pages without the
/// extension APIs. Pass `null` to go back to `chrome.storage`.
#[wasm_bindgen(js_name = setStorageAreas)]
pub fn set_storage_areas(
    #[wasm_bindgen(unchecked_param_type = "{ local?: unknown; session?: unknown } | null")]
    areas: JsValue,
) {
    crate::browser::glue::use_storage_areas(&areas);
}

impl SwWebSocket {
    /// Sends a checked message; a refusal is a rejected promise.
    fn send_message(&self, message: Message, how: SendOptions) -> Promise {
        self.driver
            .send(message, how)
            .unwrap_or_else(|e| Promise::reject(&js_error(&e)))
    }
}

/// For Rust callers: creating the engine and listening on its
/// `EventTarget` (JS code listens on the `SwWebSocket` of `worker.js`, which
/// is the target).
impl SwWebSocket {
    /// A new, idle socket. Create one per worker, at the top level, then call
    /// `resume()`. `settings`: `{storageKey = "sw-websocket", storageArea =
    /// "local" | "session" | "none"}`; "none" keeps everything in memory.
    pub fn new(settings: JsValue) -> Result<SwWebSocket, JsValue> {
        Self::with_target(settings, JsValue::UNDEFINED)
    }

    /// The `EventTarget` its events are dispatched on.
    pub fn target(&self) -> Result<EventTarget, JsValue> {
        self.driver.target().map_err(|e| js_error(&e))
    }

    /// Adds `listener` for events of `kind` ("open", "message", "close",
    /// "error", "state", "ack", "gaveup").
    pub fn add_event_listener(&self, kind: &str, listener: &Function) -> Result<(), JsValue> {
        self.target()?
            .add_event_listener_with_callback(kind, listener)
    }

    /// Removes a listener added with `add_event_listener`.
    pub fn remove_event_listener(&self, kind: &str, listener: &Function) -> Result<(), JsValue> {
        self.target()?
            .remove_event_listener_with_callback(kind, listener)
    }
}
