//! Conversions at the JS boundary: values in, typed errors and plain objects out.

use crate::browser::js::payload::bytes_of;
use crate::core::{Error, Event, Message};
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// The JS form of `error`: an `Error` with `name` "SwWebSocketError", a
/// `kind` to branch on and the message. Every error the module throws,
/// rejects with or dispatches in an `error` event is built here, and the plain
/// `{kind, message}` of a command reply is read from one (`commands.rs`).
pub(crate) fn js_error(error: &Error) -> JsValue {
    let e = js_sys::Error::new(&error.to_string());
    e.set_name("SwWebSocketError");
    let _ = Reflect::set(&e, &"kind".into(), &error.kind().into());
    e.into()
}

/// A plain object from key/value pairs.
pub(crate) fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&obj, &JsValue::from_str(key), value);
    }
    obj.into()
}

/// A message from what JS passed to `send`: a string, an ArrayBuffer or a view.
pub(crate) fn message_from_js(data: &JsValue) -> Result<Message, Error> {
    if let Some(text) = data.as_string() {
        return Ok(Message::Text(text));
    }
    let bytes = bytes_of(data);
    if let Some(bytes) = bytes.dyn_ref::<Uint8Array>() {
        return Ok(Message::Binary(bytes.to_vec()));
    }
    Err(Error::InvalidMessage(if bytes.is_null() {
        "views over a SharedArrayBuffer cannot be sent; copy them first".into()
    } else {
        format!(
            "send takes a string, an ArrayBuffer or a typed array, not {}",
            type_name(data)
        )
    }))
}

/// A short name of a JS value's type, for error messages.
pub(crate) fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        return "null".into();
    }
    if value.is_object() {
        let name = Reflect::get(value, &"constructor".into())
            .ok()
            .and_then(|c| Reflect::get(&c, &"name".into()).ok())
            .and_then(|n| n.as_string())
            .filter(|n| !n.is_empty());
        if let Some(name) = name {
            return name;
        }
    }
    value.js_typeof().as_string().unwrap_or_default()
}

/// A message as JS sees it: a string or an ArrayBuffer.
pub(crate) fn message_to_js(message: &Message) -> JsValue {
    match message {
        Message::Text(text) | Message::Json(text) => JsValue::from_str(text),
        Message::Binary(bytes) => Uint8Array::from(bytes.as_slice()).buffer().into(),
    }
}

/// The event's type and its fields (the init dictionary of its DOM event);
/// `None` for a message, which the driver dispatches itself, and for a
/// settled send, whose promise the driver settles.
pub(crate) fn event_to_js(event: &Event) -> Option<(&'static str, JsValue)> {
    Some(match event {
        Event::State(state) => ("state", object(&[("state", state.as_str().into())])),
        Event::Open => ("open", object(&[])),
        Event::Message(_) | Event::Settled { .. } | Event::Inbound { .. } => return None,
        Event::Gap { after, next } => (
            "gap",
            object(&[
                ("after", (*after as f64).into()),
                ("next", (*next as f64).into()),
            ]),
        ),
        Event::Close(info) => (
            "close",
            object(&[
                ("code", info.code.into()),
                ("reason", info.reason.as_str().into()),
                ("wasClean", info.was_clean.into()),
            ]),
        ),
        Event::Ack(id) => ("ack", object(&[("id", (*id as f64).into())])),
        Event::GaveUp(close) => (
            "gaveup",
            object(&[
                (
                    "code",
                    close.as_ref().map_or(JsValue::NULL, |c| c.code.into()),
                ),
                (
                    "reason",
                    close
                        .as_ref()
                        .map_or(JsValue::NULL, |c| c.reason.as_str().into()),
                ),
            ]),
        ),
        Event::Error(error) => (
            "error",
            object(&[
                ("error", js_error(error)),
                ("message", error.to_string().into()),
            ]),
        ),
    })
}
