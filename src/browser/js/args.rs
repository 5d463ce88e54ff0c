//! The arguments JS passes, checked into typed values or typed errors.

use crate::browser::js::convert::type_name;
use crate::browser::socket::describe;
use crate::browser::storage::Keys;
use crate::core::codec::decode;
use crate::core::{Error, Message, Options, SendOptions};
use wasm_bindgen::JsValue;

/// `connect(url, options)`: a string URL and an options object (or nothing).
pub(crate) fn connect_args(url: &JsValue, options: JsValue) -> Result<(String, Options), Error> {
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
        decode(&options).map_err(Error::InvalidOption)?
    };
    Ok((url, options))
}

/// `close(code, reason)`: a whole-number code and a string reason, each optional.
pub(crate) fn close_args(
    code: &JsValue,
    reason: &JsValue,
) -> Result<(Option<u16>, Option<String>), Error> {
    let code = match code.as_f64() {
        None if code.is_undefined() || code.is_null() => None,
        Some(n) if n.fract() == 0.0 && (0.0..=65535.0).contains(&n) => Some(n as u16),
        Some(n) => return Err(Error::InvalidCloseCodeValue(crate::core::text::number(n))),
        None => {
            return Err(Error::InvalidOption(format!(
                "the close code must be a number (1000 or 3000-4999), not {}",
                type_name(code)
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
    Ok((code, reason))
}

/// `JSON.stringify(value)` as a JSON message, or a typed error.
pub(crate) fn json_text(value: &JsValue) -> Result<Message, Error> {
    let text = js_sys::JSON::stringify(value)
        .map_err(|e| Error::InvalidMessage(format!("JSON.stringify failed: {}", describe(&e))))?;
    text.as_string()
        .map(Message::Json)
        .ok_or_else(|| Error::InvalidMessage(format!("{} has no JSON form", type_name(value))))
}

/// `{reliable}` from a send options object (or a demo-protocol request).
pub(crate) fn send_options(options: &JsValue) -> Result<SendOptions, Error> {
    if options.is_undefined() || options.is_null() {
        return Ok(SendOptions::default());
    }
    let reliable = js_sys::Reflect::get(options, &"reliable".into()).unwrap_or(JsValue::UNDEFINED);
    let reliable = match reliable.as_bool() {
        Some(b) => Some(b),
        None if reliable.is_undefined() => None,
        None => {
            return Err(Error::InvalidOption(format!(
                "reliable must be true or false, not {}",
                type_name(&reliable)
            )))
        }
    };
    Ok(SendOptions { reliable })
}

/// The constructor's `{storageKey, storageArea}`.
pub(crate) fn keys_from(settings: &JsValue) -> Result<Keys, Error> {
    let get = |key: &str| {
        if settings.is_object() {
            js_sys::Reflect::get(settings, &key.into()).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    };
    if !(settings.is_undefined() || settings.is_null() || settings.is_object()) {
        return Err(Error::InvalidOption("settings must be an object".into()));
    }
    let key = match get("storageKey") {
        v if v.is_undefined() => "sw-websocket".to_owned(),
        v => v
            .as_string()
            .filter(|k| !k.is_empty() && k.len() <= 200)
            .ok_or_else(|| Error::InvalidOption("storageKey must be a non-empty string".into()))?,
    };
    let area = match get("storageArea") {
        v if v.is_undefined() => "local".to_owned(),
        v => v
            .as_string()
            .filter(|a| matches!(a.as_str(), "local" | "session" | "none"))
            .ok_or_else(|| {
                Error::InvalidOption(
                    "storageArea must be \"local\", \"session\" or \"none\"".into(),
                )
            })?,
    };
    Ok(Keys { area, key })
}
