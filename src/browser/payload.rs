//! Messages kept as JS values: in the common case a string or a buffer goes
//! from `send` to the socket, and from the socket to the listeners, without
//! being copied into wasm memory and back. The core is told only its size.

use crate::core::{Connection, Message, ACK_MARK};
use js_sys::{ArrayBuffer, JsString, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The size in bytes of a value the socket can take as it is: a string (an
/// upper bound, 3 bytes per UTF-16 unit), an ArrayBuffer, or a view on one.
/// `None`: anything else, which takes the checked path with its clear errors.
pub(crate) fn sendable(data: &JsValue) -> Option<usize> {
    if let Some(text) = data.dyn_ref::<JsString>() {
        return Some(text.length() as usize * 3);
    }
    if let Some(buffer) = data.dyn_ref::<ArrayBuffer>() {
        return Some(buffer.byte_length() as usize);
    }
    if ArrayBuffer::is_view(data) {
        let buffer = Reflect::get(data, &"buffer".into()).ok()?;
        if buffer.is_instance_of::<ArrayBuffer>() {
            let length = Reflect::get(data, &"byteLength".into()).ok()?.as_f64()?;
            return Some(length as usize);
        }
    }
    None
}

/// What a received value is to the core.
pub(crate) enum Incoming {
    /// Application data, kept as it is; `binary` for an ArrayBuffer.
    InPlace { binary: bool },
    /// A text that may be a protocol frame (an ack, the heartbeat reply):
    /// the core reads it.
    Checked(Message),
    /// Not a string or an ArrayBuffer (binaryType is "arraybuffer": never).
    Ignored,
}

/// Sorts a received value: only texts that may be protocol frames are copied.
pub(crate) fn incoming(conn: &Connection, data: &JsValue) -> Incoming {
    if let Some(text) = data.dyn_ref::<JsString>() {
        let protocol = text.includes(ACK_MARK, 0)
            || conn
                .heartbeat_reply()
                .is_some_and(|reply| text.as_string().as_deref() == Some(reply));
        if !protocol {
            return Incoming::InPlace { binary: false };
        }
        return text.as_string().map_or(Incoming::Ignored, |text| {
            Incoming::Checked(Message::Text(text))
        });
    }
    if data.is_instance_of::<ArrayBuffer>() {
        return Incoming::InPlace { binary: true };
    }
    Incoming::Ignored
}
