//! Connect options from and to plain JS objects, in the layout of the serde
//! derives of [`Options`] (camelCase keys, unknown keys refused, `authToken`
//! never written).

use crate::browser::convert::object;
use crate::browser::reader::{boolean, number, string, Reader};
use crate::core::{Options, Protocols};
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

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
pub(crate) fn options_from_js(r: &Reader) -> Options {
    r.only(&KEYS);
    let flag = |key| r.opt(key, boolean, BOOL);
    let num = |key| r.opt(key, number, NUMBER);
    let text = |key| r.opt(key, string, STRING);
    Options {
        keepalive: flag("keepalive"),
        keepalive_ms: num("keepaliveMs"),
        keepalive_message: text("keepaliveMessage"),
        heartbeat_reply: text("heartbeatReply"),
        heartbeat_timeout_ms: num("heartbeatTimeoutMs"),
        connect_timeout_ms: num("connectTimeoutMs"),
        close_timeout_ms: num("closeTimeoutMs"),
        max_message_bytes: num("maxMessageBytes"),
        protocols: protocols(r),
        reconnect: flag("reconnect"),
        backoff_base_ms: num("backoffBaseMs"),
        backoff_max_ms: num("backoffMaxMs"),
        min_uptime_ms: num("minUptimeMs"),
        max_retries: num("maxRetries"),
        fatal_close_codes: r.list("fatalCloseCodes", |item| item.read(number, NUMBER)),
        watchdog: flag("watchdog"),
        watchdog_ms: num("watchdogMs"),
        max_outbox_messages: num("maxOutboxMessages"),
        max_outbox_bytes: num("maxOutboxBytes"),
        reliable: flag("reliable"),
        auth_token: text("authToken"),
        auth_query_param: text("authQueryParam"),
    }
}

/// One string, or a list of strings.
fn protocols(r: &Reader) -> Option<Protocols> {
    let value = r.get("protocols")?;
    if let Some(one) = value.as_string() {
        return Some(Protocols::One(one));
    }
    let many = value
        .dyn_ref::<Array>()
        .and_then(|list| list.iter().map(|p| p.as_string()).collect());
    if many.is_none() {
        r.wrong("protocols", "a string or a list of strings", &value);
    }
    many.map(Protocols::Many)
}

/// The options as stored: the fields that are set, without `authToken`.
pub(crate) fn options_to_js(o: &Options) -> JsValue {
    let flag = |b: Option<bool>| b.map(JsValue::from_bool);
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
        flag(o.keepalive),
        num(o.keepalive_ms),
        text(&o.keepalive_message),
        text(&o.heartbeat_reply),
        num(o.heartbeat_timeout_ms),
        num(o.connect_timeout_ms),
        num(o.close_timeout_ms),
        num(o.max_message_bytes),
        protocols,
        flag(o.reconnect),
        num(o.backoff_base_ms),
        num(o.backoff_max_ms),
        num(o.min_uptime_ms),
        num(o.max_retries),
        codes,
        flag(o.watchdog),
        num(o.watchdog_ms),
        num(o.max_outbox_messages),
        num(o.max_outbox_bytes),
        flag(o.reliable),
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
