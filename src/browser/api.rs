//! `SwWebSocket`, the class JS callers use.

use crate::browser::clock::now;
use crate::browser::convert::{js_error, message_from_js, message_to_js, object, to_js, type_name};
use crate::browser::driver::Driver;
use crate::core::{Error, Message, Options};
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

/// A WebSocket that keeps an extension service worker alive while connected.
///
/// Every method that can fail throws (or rejects with) an `Error` whose
/// `name` is `"SwWebSocketError"` and whose `kind` says what went wrong.
#[wasm_bindgen]
pub struct SwWebSocket {
    driver: Driver,
}

impl Default for SwWebSocket {
    fn default() -> Self {
        SwWebSocket::new()
    }
}

#[wasm_bindgen]
impl SwWebSocket {
    /// A new, idle socket. Create one per worker, at the top level.
    #[wasm_bindgen(constructor)]
    pub fn new() -> SwWebSocket {
        SwWebSocket {
            driver: Driver::new(),
        }
    }

    /// Opens a connection to `url` (`wss://`, or `ws://` to loopback) with
    /// `options` (see the README): throws on a bad URL or option.
    pub fn connect(&self, url: JsValue, options: JsValue) -> Result<(), JsValue> {
        self.try_connect(&url, options).map_err(|e| js_error(&e))
    }

    /// Sends a string, ArrayBuffer or typed array; resolves `{queued: false}`
    /// once the browser socket has it, rejects with a typed error otherwise.
    pub fn send(&self, data: JsValue) -> Promise {
        settle(message_from_js(&data).and_then(|m| self.send_message(m)))
    }

    /// Sends `JSON.stringify(value)` as a text message.
    #[wasm_bindgen(js_name = sendJson)]
    pub fn send_json(&self, value: JsValue) -> Promise {
        settle(json_text(&value).and_then(|m| self.send_message(m)))
    }

    /// Closes with `code` (1000 or 3000-4999, default 1000) and a `reason` of
    /// at most 123 UTF-8 bytes; throws before anything happens if either is bad.
    pub fn close(&self, code: JsValue, reason: JsValue) -> Result<(), JsValue> {
        self.try_close(&code, &reason).map_err(|e| js_error(&e))
    }

    /// The state, counters, last error and last close, as a plain object.
    pub fn status(&self) -> JsValue {
        self.driver
            .read(|inner| to_js(&inner.conn.status()))
            .unwrap_or(JsValue::NULL)
    }

    /// Adds a listener for "open", "message", "close", "error" or "state".
    #[wasm_bindgen(js_name = addEventListener)]
    pub fn add_event_listener(&self, kind: &str, listener: Function) -> Result<(), JsValue> {
        self.driver
            .with(|inner| inner.listeners.add(kind, listener))
            .and_then(|r| r)
            .map_err(|e| js_error(&e))
    }

    /// Removes a listener added with `addEventListener`.
    #[wasm_bindgen(js_name = removeEventListener)]
    pub fn remove_event_listener(&self, kind: &str, listener: Function) -> Result<(), JsValue> {
        self.driver
            .with(|inner| inner.listeners.remove(kind, &listener))
            .and_then(|r| r)
            .map_err(|e| js_error(&e))
    }

    /// The last received messages (at most `limit`, newest last), each
    /// `{at, type: "text", data}` or `{at, type: "binary", bytes}`.
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
                        match &r.message {
                            Message::Text(_) => object(&[
                                ("at", at),
                                ("type", "text".into()),
                                ("data", message_to_js(&r.message)),
                                ("bytes", (r.bytes as f64).into()),
                            ]),
                            Message::Binary(_) => object(&[
                                ("at", at),
                                ("type", "binary".into()),
                                ("bytes", (r.bytes as f64).into()),
                            ]),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Answers one request of the demo message protocol (see the README):
    /// resolves `{ok: true, ...}` or `{ok: false, error: {kind, message}}`.
    #[wasm_bindgen(js_name = handleCommand)]
    pub fn handle_command(&self, request: JsValue) -> Promise {
        Promise::resolve(&crate::browser::commands::handle(self, &request))
    }
}

impl SwWebSocket {
    pub(crate) fn try_connect(&self, url: &JsValue, options: JsValue) -> Result<(), Error> {
        let url = url.as_string().ok_or_else(|| {
            Error::InvalidUrl(format!("the URL must be a string, not {}", type_name(url)))
        })?;
        let options: Options = if options.is_undefined() || options.is_null() {
            Options::default()
        } else if !options.is_object() || js_sys::Array::is_array(&options) {
            return Err(Error::InvalidOption(format!(
                "options must be an object, not {}",
                type_name(&options)
            )));
        } else {
            serde_wasm_bindgen::from_value(options)
                .map_err(|e| Error::InvalidOption(e.to_string()))?
        };
        let config = options.into_config()?;
        self.driver
            .with(|inner| inner.conn.connect(now(), &url, config))?
    }

    pub(crate) fn send_message(&self, message: Message) -> Result<JsValue, Error> {
        self.driver
            .with(|inner| inner.conn.send(now(), message))??;
        Ok(object(&[("queued", false.into())]))
    }

    pub(crate) fn try_close(&self, code: &JsValue, reason: &JsValue) -> Result<(), Error> {
        let code = match code.as_f64() {
            None if code.is_undefined() || code.is_null() => None,
            Some(n) if n.fract() == 0.0 && (0.0..=65535.0).contains(&n) => Some(n as u16),
            _ => {
                return Err(Error::InvalidOption(format!(
                    "the close code must be a whole number (1000 or 3000-4999), not {}",
                    describe_value(code)
                )))
            }
        };
        let reason = match reason.as_string() {
            None if reason.is_undefined() || reason.is_null() => None,
            Some(reason) => Some(reason),
            None => {
                return Err(Error::InvalidOption(format!(
                    "the close reason must be a string, not {}",
                    type_name(reason)
                )))
            }
        };
        self.driver
            .with(|inner| inner.conn.close(now(), code, reason.as_deref()))?
    }

    pub(crate) fn status_value(&self) -> JsValue {
        self.status()
    }
}

fn describe_value(value: &JsValue) -> String {
    match value.as_f64() {
        Some(n) => n.to_string(),
        None => type_name(value),
    }
}

/// `JSON.stringify(value)` as a text message, or a typed error.
pub(crate) fn json_text(value: &JsValue) -> Result<Message, Error> {
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        Error::InvalidMessage(format!(
            "JSON.stringify failed: {}",
            super::socket::describe(&e)
        ))
    })?;
    text.as_string()
        .map(Message::Text)
        .ok_or_else(|| Error::InvalidMessage(format!("{} has no JSON form", type_name(value))))
}

fn settle(result: Result<JsValue, Error>) -> Promise {
    match result {
        Ok(value) => Promise::resolve(&value),
        Err(error) => Promise::reject(&js_error(&error)),
    }
}
