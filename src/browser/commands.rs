//! The demo extension's runtime message protocol, answered by an `SwWebSocket`.
//!
//! Requests: `{cmd: "status" | "connect" | "send" | "close" | "received", ...}`.
//! Replies: `{ok: true, ...}` or `{ok: false, error: {kind, message}}`.

use crate::browser::api::{json_text, SwWebSocket};
use crate::browser::convert::{error_object, object};
use crate::core::{Error, Message};
use js_sys::Reflect;
use wasm_bindgen::JsValue;

fn field(request: &JsValue, key: &str) -> JsValue {
    Reflect::get(request, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Answers one request; never throws.
pub(crate) fn handle(socket: &SwWebSocket, request: &JsValue) -> JsValue {
    match answer(socket, request) {
        Ok(extra) => {
            let reply = object(&[("ok", true.into())]);
            let _ = js_sys::Object::assign(&reply.clone().into(), &extra.into());
            reply
        }
        Err(error) => object(&[("ok", false.into()), ("error", error_object(&error))]),
    }
}

fn answer(socket: &SwWebSocket, request: &JsValue) -> Result<JsValue, Error> {
    if !request.is_object() {
        return Err(Error::InvalidCommand(
            "a request must be an object with a cmd".into(),
        ));
    }
    let cmd = field(request, "cmd").as_string().unwrap_or_default();
    match cmd.as_str() {
        "status" => Ok(object(&[("status", socket.status_value())])),
        "connect" => {
            socket.try_connect(&field(request, "url"), field(request, "options"))?;
            Ok(object(&[]))
        }
        "send" => {
            if field(request, "reliable").is_truthy() {
                return Err(Error::InvalidOption(
                    "reliable mode is not available in this version".into(),
                ));
            }
            let data = field(request, "data");
            let message = match data.as_string() {
                Some(text) => Message::Text(text),
                None if data.is_undefined() => {
                    return Err(Error::InvalidMessage("send needs data".into()))
                }
                None => json_text(&data)?,
            };
            socket.send_message(message)
        }
        "close" => {
            socket.try_close(&field(request, "code"), &field(request, "reason"))?;
            Ok(object(&[]))
        }
        "received" => {
            let limit = field(request, "limit")
                .as_f64()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map(|n| n.min(u32::MAX as f64) as u32);
            Ok(object(&[("messages", socket.received(limit).into())]))
        }
        "" => Err(Error::InvalidCommand("the request has no cmd".into())),
        other => Err(Error::InvalidCommand(format!(
            "unknown cmd {other:?}; use status, connect, send, close or received"
        ))),
    }
}
