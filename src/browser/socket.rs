//! A browser WebSocket that owns its listeners and removes them on drop.

use crate::core::Message;
use js_sys::Array;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

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

/// One `web_sys::WebSocket` and the four closures listening on it.
pub(crate) struct Socket {
    ws: WebSocket,
    on_open: Closure<dyn FnMut(Event)>,
    on_message: Closure<dyn FnMut(MessageEvent)>,
    on_close: Closure<dyn FnMut(CloseEvent)>,
    on_error: Closure<dyn FnMut(Event)>,
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

        let h = handler.clone();
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| h(SocketEvent::Open));
        let h = handler.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            h(SocketEvent::Message(e.data()))
        });
        let h = handler.clone();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            h(SocketEvent::Close {
                code: e.code(),
                reason: e.reason(),
                was_clean: e.was_clean(),
            })
        });
        let h = handler;
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| h(SocketEvent::Error));

        let socket = Socket {
            ws,
            on_open,
            on_message,
            on_close,
            on_error,
        };
        for (name, f) in socket.listeners() {
            socket
                .ws
                .add_event_listener_with_callback(name, f)
                .map_err(|e| describe(&e))?;
        }
        Ok(socket)
    }

    fn listeners(&self) -> [(&'static str, &js_sys::Function); 4] {
        [
            ("open", self.on_open.as_ref().unchecked_ref()),
            ("message", self.on_message.as_ref().unchecked_ref()),
            ("close", self.on_close.as_ref().unchecked_ref()),
            ("error", self.on_error.as_ref().unchecked_ref()),
        ]
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
        for (name, f) in self.listeners() {
            let _ = self.ws.remove_event_listener_with_callback(name, f);
        }
        if self.ws.ready_state() <= WebSocket::OPEN {
            let _ = self.ws.close();
        }
    }
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
