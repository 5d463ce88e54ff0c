//! A browser WebSocket that owns its listeners and removes them on drop.

use crate::core::{Message, PROTOCOL_MARK};
use js_sys::{Array, Function};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, WebSocket};

/// What a socket reports.
pub(crate) enum SocketEvent {
    Open,
    /// The event's `data`, as the browser gave it, and what it is.
    Message(JsValue, Incoming),
    Close {
        code: u16,
        reason: String,
        was_clean: bool,
    },
    Error,
}

/// What a received value is, as `glue.js`'s `listen` sorted it (a text
/// for the application or an ArrayBuffer takes the plain path instead, see
/// [`Socket::open`]).
#[derive(Clone, Copy)]
pub(crate) enum Incoming {
    /// A text that may be a protocol frame (it contains the ack mark, or
    /// equals the heartbeat reply): the core reads it.
    Protocol,
    /// A `sw.msg` frame of `reliableInbound`, read by `glue.js` (with the
    /// browser's `JSON.parse`): the value is the frame's object, whose `data`
    /// the shell keeps for the app; the core gets its `id` and `dup`.
    Inbound,
    /// Neither (binaryType is "arraybuffer": never).
    Other,
}

#[wasm_bindgen]
extern "C" {
    /// A `sw.msg` frame as `JSON.parse` read it (see [`Incoming::Inbound`]):
    /// `glue.js` hands over only objects whose `id` is a whole number above 0.
    pub(crate) type InboundFrame;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn id(this: &InboundFrame) -> f64;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn dup(this: &InboundFrame) -> JsValue;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn data(this: &InboundFrame) -> JsValue;
}

type Handler = Rc<dyn Fn(SocketEvent)>;

/// One `web_sys::WebSocket` and the closure listening on it.
pub(crate) struct Socket {
    ws: WebSocket,
    _listener: Closure<dyn FnMut(u32, JsValue, u32)>,
    _plain: Closure<dyn FnMut() -> bool>,
    /// Removes the listeners (`glue.js`'s `listen`).
    stop: Function,
}

impl Socket {
    /// The browser's socket.
    pub(crate) fn ws(&self) -> &WebSocket {
        &self.ws
    }

    /// Opens a socket, or takes the one opened early for `early` ("area:key",
    /// see `openSocket` in `glue.js`) to the same URL and protocols, with
    /// the events it had; `handler` receives its events until the socket is
    /// dropped, except plain messages (a text that cannot be a protocol
    /// frame, an ArrayBuffer): `plain()` is called for each without its
    /// value, which stays in JS, and says whether the app gets it; `glue.js`
    /// then dispatches it on `target` itself, after the call (see
    /// `Connection::handle_message_in_place`). A received text equal to `reply` is
    /// sorted as a protocol frame; with `inbound`, `sw.msg` frames come as
    /// [`Incoming::Inbound`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn open(
        early: &str,
        url: &str,
        protocols: &[String],
        reply: Option<&str>,
        inbound: bool,
        handler: Handler,
        plain: impl FnMut() -> bool + 'static,
        target: &JsValue,
    ) -> Result<Socket, String> {
        let list: Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
        let ws = open_socket(early, url, &list).map_err(|e| describe(&e))?;
        // One closure for the four event types: `kind` is their index in
        // `listen`'s list; a message comes as its data and what it is.
        let listener =
            Closure::<dyn FnMut(u32, JsValue, u32)>::new(move |kind, e: JsValue, what| {
                handler(match kind {
                    0 => SocketEvent::Open,
                    1 => SocketEvent::Message(
                        e,
                        match what {
                            2 => Incoming::Protocol,
                            4 => Incoming::Inbound,
                            _ => Incoming::Other,
                        },
                    ),
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
        let plain = Closure::<dyn FnMut() -> bool>::new(plain);
        let stop = listen(
            &ws,
            &listener,
            &plain,
            target,
            PROTOCOL_MARK,
            reply,
            inbound,
        )
        .map_err(|e| describe(&e))?;
        Ok(Socket {
            ws,
            _listener: listener,
            _plain: plain,
            stop,
        })
    }

    /// Sends a message; the browser copies it before this returns.
    pub(crate) fn send(&self, message: &Message) -> Result<(), String> {
        match message {
            Message::Text(text) | Message::Json(text) => self.ws.send_with_str(text),
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
    /// Adds `listener(kind, event, 0)` for `ws`'s open (0), close (2) and
    /// error (3) events, and `listener(1, data, what)` for its messages
    /// (`what`: see [`Incoming`]), but `plain()` for plain ones (see
    /// [`Plain`]); the function it returns removes them.
    /// A new browser socket (binaryType "arraybuffer"), or the early one.
    #[wasm_bindgen(js_name = openSocket, catch)]
    fn open_socket(early: &str, url: &str, protocols: &Array) -> Result<WebSocket, JsValue>;
    #[wasm_bindgen(catch)]
    fn listen(
        ws: &WebSocket,
        listener: &Closure<dyn FnMut(u32, JsValue, u32)>,
        plain: &Closure<dyn FnMut() -> bool>,
        target: &JsValue,
        mark: &str,
        reply: Option<&str>,
        inbound: bool,
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
