//! The demo extension's runtime message protocol, answered through the
//! driver's typed calls.
//!
//! Requests: `{swWebSocket: "status" | "connect" | "send" | "close" | "outbox" |
//! "clearOutbox", ...}` (`"received"` is answered by `worker.js`, which keeps
//! the history).
//! Replies: `{ok: true, ...}` or `{ok: false, error: {kind, message}}`.

use crate::browser::driver::Driver;
use crate::browser::glue;
use crate::browser::js::args::{json_text, send_options};
use crate::browser::js::convert::{js_error, object};
use crate::core::json::quote;
use crate::core::{Error, Message};
use js_sys::{Promise, Reflect};
use wasm_bindgen::JsValue;

enum Reply {
    Now(JsValue),
    Later(Promise),
}

fn field(request: &JsValue, key: &str) -> JsValue {
    Reflect::get(request, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn ok(extra: &JsValue) -> JsValue {
    let reply = object(&[("ok", true.into())]);
    if extra.is_object() {
        let _ = js_sys::Object::assign(&reply.clone().into(), &extra.clone().into());
    }
    reply
}

/// `{ok: false, error: {kind, message}}` from an error `js_error` built (the
/// only kind the module throws or rejects with): a plain object crosses
/// `sendMessage`, an `Error` does not.
fn failed(error: &JsValue) -> JsValue {
    let info = object(&[
        ("kind", field(error, "kind")),
        ("message", field(error, "message")),
    ]);
    object(&[("ok", false.into()), ("error", info)])
}

/// Answers one request; the promise always resolves, never rejects.
pub(crate) fn handle(driver: &Driver, request: &JsValue) -> Promise {
    match answer(driver, request) {
        Ok(Reply::Now(extra)) => Promise::resolve(&ok(&extra)),
        Ok(Reply::Later(promise)) => glue::after(
            &promise,
            Box::new(|outcome| match outcome {
                Ok(extra) => ok(&extra),
                Err(error) => failed(&error),
            }),
        ),
        Err(error) => Promise::resolve(&failed(&js_error(&error))),
    }
}

fn answer(driver: &Driver, request: &JsValue) -> Result<Reply, Error> {
    if !request.is_object() {
        return Err(Error::InvalidCommand(
            "a request must be an object with a swWebSocket command".into(),
        ));
    }
    let cmd = field(request, "swWebSocket")
        .as_string()
        .unwrap_or_default();
    let now = |extra: JsValue| Ok(Reply::Now(extra));
    match cmd.as_str() {
        "status" => now(object(&[("status", driver.status())])),
        "connect" => {
            driver.connect(&field(request, "url"), field(request, "options"), false)?;
            now(object(&[]))
        }
        "send" => {
            let data = field(request, "data");
            let message = match data.as_string() {
                Some(text) => Message::Text(text),
                None if data.is_undefined() => {
                    return Err(Error::InvalidMessage("send needs data".into()))
                }
                None => json_text(&data)?,
            };
            // The request's own `reliable` field is the send option.
            let how = send_options(request)?;
            Ok(Reply::Later(driver.send(message, how)?))
        }
        "close" => {
            driver.close(&field(request, "code"), &field(request, "reason"))?;
            now(object(&[]))
        }
        "outbox" => now(object(&[("outbox", driver.outbox().into())])),
        "clearOutbox" => {
            let cleared = driver.clear_outbox()? as u32;
            now(object(&[("cleared", cleared.into())]))
        }
        "" => Err(Error::InvalidCommand("the request has no swWebSocket command".into())),
        other => Err(Error::InvalidCommand(format!(
            "unknown swWebSocket command {}; use status, connect, send, close, received, outbox or clearOutbox",
            quote(other)
        ))),
    }
}
