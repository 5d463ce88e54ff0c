//! A browser WebSocket that owns its listeners and removes them on drop.

use crate::core::Message;
use js_sys::{Array, Function};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

/// What a socket reports.
pub(crate) enum SocketEvent {
    Open,
    /// The event's `data`, as the browser gave it.
    Message(JsValue),
    Close {
        code: u16,
        reason: String,
        was_clean: bool,
    },
    Error,
}

type Handler = Rc<dyn Fn(SocketEvent)>;

/// One `web_sys::WebSocket` and the closure listening on it.
pub(crate) struct Socket {
    ws: WebSocket,
    _listener: Closure<dyn FnMut(u32, JsValue)>,
    /// Removes the listeners (`glue.js`'s `listen`).
    stop: Function,
}

impl Socket {
    /// Opens a socket; `handler` receives its events until the socket is dropped.
    pub(crate) fn open(
        url: &str,
        protocols: &[String],
        handler: Handler,
    ) -> Result<Socket, String> {
        let ws = if protocols.is_empty() {
            WebSocket::new(url)
        } else {
            let list: Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
            WebSocket::new_with_str_sequence(url, &list)
        }
        .map_err(|e| describe(&e))?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        // One closure for the four event types: `kind` is their index in
        // `listen`'s list.
        let listener = Closure::<dyn FnMut(u32, JsValue)>::new(move |kind, e: JsValue| {
            handler(match kind {
                0 => SocketEvent::Open,
                1 => SocketEvent::Message(e.unchecked_into::<MessageEvent>().data()),
                2 => {
                    let e = e.unchecked_into::<CloseEvent>();
                    SocketEvent::Close {
                        code: e.code(),
                        reason: e.reason(),
                        was_clean: e.was_clean(),
                    }
                }
                _ => SocketEvent::Error,
            })
        });
        let stop = listen(&ws, &listener).map_err(|e| describe(&e))?;
        Ok(Socket {
            ws,
            _listener: listener,
            stop,
        })
    }

    /// Sends a message; the browser copies it before this returns.
    pub(crate) fn send(&self, message: &Message) -> Result<(), String> {
        match message {
            Message::Text(text) => self.ws.send_with_str(text),
            Message::Binary(bytes) => self.ws.send_with_u8_array(bytes),
        }
        .map_err(|e| describe(&e))
    }

    /// Sends a string, ArrayBuffer or view as it is (see `payload::sendable`).
    pub(crate) fn send_value(&self, data: &JsValue) -> Result<(), String> {
        self.ws
            .unchecked_ref::<AnySend>()
            .send(data)
            .map_err(|e| describe(&e))
    }

    /// Starts the closing handshake.
    pub(crate) fn close(&self, code: u16, reason: &str) -> Result<(), String> {
        self.ws
            .close_with_code_and_reason(code, reason)
            .map_err(|e| describe(&e))
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        let _ = self.stop.call0(&JsValue::UNDEFINED);
        if self.ws.ready_state() <= WebSocket::OPEN {
            let _ = self.ws.close();
        }
    }
}

#[wasm_bindgen(module = "/src/browser/glue.js")]
extern "C" {
    /// Adds `listener(kind, event)` for `ws`'s open (0), message (1), close
    /// (2) and error (3) events; the function it returns removes them.
    #[wasm_bindgen(catch)]
    fn listen(
        ws: &WebSocket,
        listener: &Closure<dyn FnMut(u32, JsValue)>,
    ) -> Result<Function, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// A WebSocket seen through one method: `send` with any value (web-sys
    /// has one method per type).
    type AnySend;
    #[wasm_bindgen(method, catch, js_name = send)]
    fn send(this: &AnySend, data: &JsValue) -> Result<(), JsValue>;
}

/// A readable description of a thrown JS value.
pub(crate) fn describe(error: &JsValue) -> String {
    if let Some(e) = error.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    error
        .as_string()
        .unwrap_or_else(|| "unknown browser error".into())
}
