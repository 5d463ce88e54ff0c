//! Connect options from and to plain JS objects, in the layout of the serde
//! derives of [`Options`] (camelCase keys, unknown keys refused, `authToken`
//! never written).

use crate::browser::convert::object;
use crate::browser::reader::{boolean, number, string, wrong, Reader};
use crate::core::{Options, Protocols};
use js_sys::Array;
use wasm_bindgen::JsValue;

/// Every option key, in the order they are written.
const KEYS: [&str; 22] = [
    "keepalive",
    "keepaliveMs",
    "keepaliveMessage",
    "heartbeatReply",
    "heartbeatTimeoutMs",
    "connectTimeoutMs",
    "closeTimeoutMs",
    "maxMessageBytes",
    "protocols",
    "reconnect",
    "backoffBaseMs",
    "backoffMaxMs",
    "minUptimeMs",
    "maxRetries",
    "fatalCloseCodes",
    "watchdog",
    "watchdogMs",
    "maxOutboxMessages",
    "maxOutboxBytes",
    "reliable",
    "authToken",
    "authQueryParam",
];

const BOOL: &str = "true or false";
const NUMBER: &str = "a number";
const STRING: &str = "a string";

/// Reads an options object; `null` and `undefined` fields count as absent.
pub(crate) fn options_from_js(r: &Reader) -> Result<Options, String> {
    r.only(&KEYS)?;
    Ok(Options {
        keepalive: r.opt("keepalive", boolean, BOOL)?,
        keepalive_ms: r.opt("keepaliveMs", number, NUMBER)?,
        keepalive_message: r.opt("keepaliveMessage", string, STRING)?,
        heartbeat_reply: r.opt("heartbeatReply", string, STRING)?,
        heartbeat_timeout_ms: r.opt("heartbeatTimeoutMs", number, NUMBER)?,
        connect_timeout_ms: r.opt("connectTimeoutMs", number, NUMBER)?,
        close_timeout_ms: r.opt("closeTimeoutMs", number, NUMBER)?,
        max_message_bytes: r.opt("maxMessageBytes", number, NUMBER)?,
        protocols: protocols(r)?,
        reconnect: r.opt("reconnect", boolean, BOOL)?,
        backoff_base_ms: r.opt("backoffBaseMs", number, NUMBER)?,
        backoff_max_ms: r.opt("backoffMaxMs", number, NUMBER)?,
        min_uptime_ms: r.opt("minUptimeMs", number, NUMBER)?,
        max_retries: r.opt("maxRetries", number, NUMBER)?,
        fatal_close_codes: r.list("fatalCloseCodes", |value, path| {
            value.as_f64().ok_or_else(|| wrong(path, NUMBER, value))
        })?,
        watchdog: r.opt("watchdog", boolean, BOOL)?,
        watchdog_ms: r.opt("watchdogMs", number, NUMBER)?,
        max_outbox_messages: r.opt("maxOutboxMessages", number, NUMBER)?,
        max_outbox_bytes: r.opt("maxOutboxBytes", number, NUMBER)?,
        reliable: r.opt("reliable", boolean, BOOL)?,
        auth_token: r.opt("authToken", string, STRING)?,
        auth_query_param: r.opt("authQueryParam", string, STRING)?,
    })
}

/// One string, or a list of strings.
fn protocols(r: &Reader) -> Result<Option<Protocols>, String> {
    let value = r.get("protocols");
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if let Some(one) = value.as_string() {
        return Ok(Some(Protocols::One(one)));
    }
    let many = Array::is_array(&value)
        .then(|| Array::from(&value).iter().map(|p| p.as_string()).collect())
        .flatten();
    match many {
        Some(list) => Ok(Some(Protocols::Many(list))),
        None => Err(wrong(
            &r.name("protocols"),
            "a string or a list of strings",
            &value,
        )),
    }
}

/// The options as stored: the fields that are set, without `authToken`.
pub(crate) fn options_to_js(o: &Options) -> JsValue {
    let bool_ = |b: Option<bool>| b.map(JsValue::from_bool);
    let num = |n: Option<f64>| n.map(JsValue::from_f64);
    let text = |s: &Option<String>| s.as_deref().map(JsValue::from_str);
    let protocols = o.protocols.as_ref().map(|p| match p {
        Protocols::One(one) => JsValue::from_str(one),
        Protocols::Many(list) => list
            .iter()
            .map(|p| JsValue::from_str(p))
            .collect::<Array>()
            .into(),
    });
    let codes = o.fatal_close_codes.as_ref().map(|codes| {
        codes
            .iter()
            .map(|c| JsValue::from_f64(*c))
            .collect::<Array>()
            .into()
    });
    let values = [
        bool_(o.keepalive),
        num(o.keepalive_ms),
        text(&o.keepalive_message),
        text(&o.heartbeat_reply),
        num(o.heartbeat_timeout_ms),
        num(o.connect_timeout_ms),
        num(o.close_timeout_ms),
        num(o.max_message_bytes),
        protocols,
        bool_(o.reconnect),
        num(o.backoff_base_ms),
        num(o.backoff_max_ms),
        num(o.min_uptime_ms),
        num(o.max_retries),
        codes,
        bool_(o.watchdog),
        num(o.watchdog_ms),
        num(o.max_outbox_messages),
        num(o.max_outbox_bytes),
        bool_(o.reliable),
        None, // authToken stays in session storage
        text(&o.auth_query_param),
    ];
    let pairs: Vec<(&str, JsValue)> = KEYS
        .iter()
        .zip(values)
        .filter_map(|(key, value)| Some((*key, value?)))
        .collect();
    object(&pairs)
}
