//! `SwWebSocket`, the class JS callers use.

use crate::browser::args::{close_args, connect_args, json_text, keys_from, send_options};
use crate::browser::clock::now;
use crate::browser::convert::{js_error, message_from_js, object};
use crate::browser::driver::{Driver, RECENT_TEXT_CHARS};
use crate::browser::glue;
use crate::browser::payload::sendable;
use crate::browser::persist::Pending;
use crate::core::codec::encode;
use crate::core::{Error, Message, SendOptions, Sent};
use js_sys::{Array, Function, JsString, Promise};
use wasm_bindgen::prelude::*;

/// A WebSocket that keeps an extension service worker alive while connected.
///
/// Every method that can fail throws (or rejects with) an `Error` whose
/// `name` is `"SwWebSocketError"` and whose `kind` says what went wrong.
#[wasm_bindgen]
pub struct SwWebSocket {
    driver: Driver,
}

#[wasm_bindgen]
impl SwWebSocket {
    /// A new, idle socket. Create one per worker, at the top level, then call
    /// `resume()`. `settings`: `{storageKey = "sw-websocket", storageArea =
    /// "local" | "session" | "none"}`; "none" keeps everything in memory.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "SwWebSocketSettings")] settings: JsValue,
    ) -> Result<SwWebSocket, JsValue> {
        crate::browser::panic::install_hook();
        let keys = keys_from(&settings).map_err(|e| js_error(&e))?;
        Ok(SwWebSocket {
            driver: Driver::new(keys),
        })
    }

    /// Restores the stored state and reconnects if the caller's last word was
    /// `connect`. Call it once at worker start; resolves the status. A corrupt
    /// snapshot becomes an error event, is kept under `KEY:quarantine` and is
    /// replaced; nothing throws.
    #[wasm_bindgen(unchecked_return_type = "Promise<SwWebSocketStatus>")]
    pub fn resume(&self) -> Promise {
        crate::browser::resume::resume(&self.driver)
    }

    /// Opens a connection to `url` (`wss://`, or `ws://` to loopback) with
    /// `options` (see the README): throws on a bad URL or option.
    pub fn connect(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SwWebSocketOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        self.try_connect(&url, options).map_err(|e| js_error(&e))
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
        self.driver
            .read(|inner| {
                inner
                    .conn
                    .outbox()
                    .map(|e| {
                        object(&[
                            ("id", (e.id as f64).into()),
                            ("type", e.message.kind().into()),
                            ("bytes", (e.message.len() as f64).into()),
                            ("reliable", e.reliable.into()),
                        ])
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Drops every message in the outbox; returns how many.
    #[wasm_bindgen(js_name = clearOutbox)]
    pub fn clear_outbox(&self) -> Result<u32, JsValue> {
        self.driver
            .with(|inner| inner.conn.clear_outbox() as u32)
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
        self.driver
            .with(|inner| {
                let ours = name == inner.keys.alarm("watchdog") || name == inner.keys.alarm("wake");
                if ours {
                    inner.conn.handle_timeout(now());
                }
                ours
            })
            .unwrap_or(false)
    }

    /// Closes with `code` (1000 or 3000-4999, default 1000) and a `reason` of
    /// at most 123 UTF-8 bytes; throws before anything happens if either is bad.
    pub fn close(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] code: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] reason: JsValue,
    ) -> Result<(), JsValue> {
        self.try_close(&code, &reason).map_err(|e| js_error(&e))
    }

    /// The state, counters, last error and last close, as a plain object.
    #[wasm_bindgen(unchecked_return_type = "SwWebSocketStatus")]
    pub fn status(&self) -> JsValue {
        status(&self.driver)
    }

    /// Adds a listener for "open", "message", "close", "error", "state",
    /// "ack" or "gave_up"; the same function twice is kept once.
    #[wasm_bindgen(js_name = addEventListener, skip_typescript)]
    pub fn add_event_listener(&self, kind: &str, listener: Function) -> Result<(), JsValue> {
        self.driver
            .with(|inner| inner.listeners.add(kind, listener))
            .and_then(|r| r)
            .map_err(|e| js_error(&e))
    }

    /// Removes a listener added with `addEventListener`.
    #[wasm_bindgen(js_name = removeEventListener, skip_typescript)]
    pub fn remove_event_listener(&self, kind: &str, listener: Function) -> Result<(), JsValue> {
        self.driver
            .with(|inner| inner.listeners.remove(kind, &listener))
            .and_then(|r| r)
            .map_err(|e| js_error(&e))
    }

    /// The last received messages (at most `limit`, newest last), each
    /// `{at, type: "text", data, length}` (the first 1000 UTF-16 units of
    /// `data`; `length` of the whole) or `{at, type: "binary", bytes}`.
    #[wasm_bindgen(unchecked_return_type = "SwWebSocketReceived[]")]
    pub fn received(&self, limit: Option<u32>) -> Array {
        let limit = limit.unwrap_or(u32::MAX) as usize;
        self.driver
            .read(|inner| {
                let skip = inner.recent.len().saturating_sub(limit);
                inner
                    .recent
                    .iter()
                    .skip(skip)
                    .map(|r| {
                        let at = JsValue::from_f64(r.at.as_millis() as f64);
                        let length = JsValue::from_f64(r.length as f64);
                        match &r.text {
                            Some(text) => object(&[
                                ("at", at),
                                ("type", "text".into()),
                                ("data", head(text)),
                                ("length", length),
                            ]),
                            None => {
                                object(&[("at", at), ("type", "binary".into()), ("bytes", length)])
                            }
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Answers one request of the demo message protocol (see the README):
    /// resolves `{ok: true, ...}` or `{ok: false, error: {kind, message}}`.
    #[wasm_bindgen(js_name = handleCommand, unchecked_return_type = "Promise<SwWebSocketReply>")]
    pub fn handle_command(
        &self,
        #[wasm_bindgen(unchecked_param_type = "unknown")] request: JsValue,
    ) -> Promise {
        crate::browser::commands::handle(self, &request)
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
    pub(crate) fn try_connect(&self, url: &JsValue, options: JsValue) -> Result<(), Error> {
        let (url, options) = connect_args(url, options)?;
        self.driver.with(|inner| {
            inner.conn.connect(now(), &url, options)?;
            // Without resume(), the first connect starts from a fresh state,
            // but its ids go on from the stored ones: the writes wait until
            // they are read (persist::schedule starts the read).
            inner.ids_unread |= !inner.resumed && inner.keys.enabled();
            inner.resumed = true;
            Ok(())
        })?
    }

    /// Sends, resolving at once when the socket took it and after the write
    /// that holds it when it was queued.
    pub(crate) fn send_message(&self, message: Message, how: SendOptions) -> Promise {
        let mut slot: Option<(Function, Function)> = None;
        let promise = Promise::new(&mut |resolve, reject| slot = Some((resolve, reject)));
        let Some((resolve, reject)) = slot else {
            return promise;
        };
        let outcome = self.driver.with(|inner| {
            let sent = inner.conn.send(now(), message, how)?;
            match sent {
                Sent::Queued { id, seq } | Sent::Reliable { id, seq } => {
                    inner.pending.push(Pending {
                        seq,
                        id,
                        resolve: resolve.clone(),
                        reject: reject.clone(),
                    })
                }
                _ => {
                    let _ =
                        resolve.call1(&JsValue::UNDEFINED, &object(&[("queued", false.into())]));
                }
            }
            Ok::<(), Error>(())
        });
        if let Err(error) = outcome.and_then(|r| r) {
            let _ = reject.call1(&JsValue::UNDEFINED, &js_error(&error));
        }
        promise
    }

    pub(crate) fn try_close(&self, code: &JsValue, reason: &JsValue) -> Result<(), Error> {
        let (code, reason) = close_args(code, reason)?;
        self.driver
            .with(|inner| inner.conn.close(now(), code, reason.as_deref()))?
    }
}

/// The status as JS sees it (`null` while a call is running).
pub(crate) fn status(driver: &Driver) -> JsValue {
    driver
        .read(|inner| encode(&mut inner.conn.status()))
        .unwrap_or(JsValue::NULL)
}

/// The first `RECENT_TEXT_CHARS` UTF-16 units of a remembered text.
fn head(text: &JsValue) -> JsValue {
    text.unchecked_ref::<JsString>()
        .substring(0, RECENT_TEXT_CHARS as u32)
        .into()
}
