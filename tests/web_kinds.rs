//! Browser tests of kinds through the JS API: bad input of every sort gets
//! its typed error; each message's kind (text,
//! JSON, binary) in the outbox listing and on the wire, and each error in
//! one shape, an `Error` named "SwWebSocketError" with a `kind`, or in a
//! command reply the same `{kind, message}` as plain data.
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::{Array, Uint8Array};
use support::*;
use sw_websocket::SwWebSocket;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("json")
}

/// The reply to a demo-protocol request written as JSON.
async fn command(sw: &SwWebSocket, request: &str) -> JsValue {
    JsFuture::from(sw.handle_command(json(request)))
        .await
        .expect("replies never reject")
}

/// The `{kind, message}` of a refusing reply, checked to be plain data with
/// just those two fields (it crosses `chrome.runtime.sendMessage`).
fn refusal(request: &str, reply: &JsValue) -> (String, String) {
    assert_eq!(field(reply, "ok"), false, "{request}");
    let error = field(reply, "error");
    assert!(!error.is_instance_of::<js_sys::Error>(), "{request}");
    let kind = field(&error, "kind").as_string().unwrap_or_default();
    let message = field(&error, "message").as_string().unwrap_or_default();
    assert!(!message.is_empty(), "{request}: no message");
    let keys = js_sys::Object::keys(error.unchecked_ref::<js_sys::Object>());
    assert_eq!(keys.join(",").as_string().as_deref(), Some("kind,message"));
    (kind, message)
}

#[wasm_bindgen_test]
async fn a_command_reply_carries_the_error_the_call_gives() {
    let sw = memory_socket();
    // The same refusal as a rejection of the API and as a reply.
    let thrown = JsFuture::from(sw.send("x".into(), JsValue::UNDEFINED))
        .await
        .map(|_| ());
    let message = field(thrown.as_ref().expect_err("refused"), "message");
    assert_eq!(kind_of("send before connect", thrown), "not_open");
    let request = r#"{"swWebSocket": "send", "data": "x"}"#;
    let (kind, said) = refusal(request, &command(&sw, request).await);
    assert_eq!((kind.as_str(), JsValue::from(said)), ("not_open", message));
    // Refused before anything runs.
    for (request, want) in [
        (r#"{"swWebSocket": "nope"}"#, "invalid_command"),
        ("42", "invalid_command"),
        (
            r#"{"swWebSocket": "connect", "url": "http://x/"}"#,
            "invalid_url",
        ),
        (
            r#"{"swWebSocket": "close", "code": 1}"#,
            "invalid_close_code",
        ),
        (
            r#"{"swWebSocket": "send", "data": "x", "reliable": 1}"#,
            "invalid_option",
        ),
    ] {
        let (kind, _) = refusal(request, &command(&sw, request).await);
        assert_eq!(kind, want, "{request}");
    }
    // An error event carries the thrown shape.
    let errored = next(&sw, "error");
    sw.connect(
        "ws://127.0.0.1:9/ws".into(),
        json(r#"{"reconnect": false}"#),
    )
    .expect("valid");
    let event = wait(errored, "error").await;
    assert_eq!(
        kind_of("error event", Err(field(&event, "error"))),
        "socket"
    );
}

#[wasm_bindgen_test]
async fn the_outbox_lists_each_kind_and_reliable_json_goes_out_as_json() {
    let sw = memory_socket();
    // Nothing listens on port 9: everything waits in the outbox.
    sw.connect(
        "ws://127.0.0.1:9/ws".into(),
        json(r#"{"reconnect": false}"#),
    )
    .expect("valid");
    let sends = [
        sw.send("{\"t\":1}".into(), JsValue::UNDEFINED),
        sw.send_json(json(r#"{"j":1}"#), JsValue::UNDEFINED),
        sw.send(Uint8Array::from(&[1u8, 2][..]).into(), JsValue::UNDEFINED),
        sw.send_json("s".into(), json(r#"{"reliable": true}"#)),
        sw.handle_command(json(r#"{"swWebSocket": "send", "data": [1]}"#)),
    ];
    for send in sends {
        JsFuture::from(send).await.expect("queued");
    }
    let listed = js_sys::JSON::stringify(&sw.outbox()).expect("json");
    assert_eq!(
        String::from(listed),
        r#"[{"id":1,"type":"text","bytes":7,"reliable":false},{"id":2,"type":"json","bytes":7,"reliable":false},{"id":3,"type":"binary","bytes":2,"reliable":false},{"id":4,"type":"json","bytes":3,"reliable":true},{"id":5,"type":"json","bytes":3,"reliable":false}]"#
    );

    // On the wire, in reliable mode: JSON embedded as it is, text quoted.
    let sw = open("kinds", json(r#"{"reliable": true}"#)).await;
    for send in [
        sw.send_json(json(r#"{"a":[1,"b"]}"#), JsValue::UNDEFINED),
        sw.send("{\"c\":1}".into(), JsValue::UNDEFINED),
    ] {
        JsFuture::from(send).await.expect("sent");
    }
    until("2 acks", || field(&sw.status(), "outbox") == 0).await;
    let delivered = field(&stats("kinds").await, "reliable.delivered");
    assert_eq!(
        String::from(js_sys::JSON::stringify(&delivered).expect("json")),
        r#"[{"a":[1,"b"]},"{\"c\":1}"]"#
    );
}

/// An options object with one field set to any JS value (NaN included).
fn options(key: &str, value: JsValue) -> JsValue {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &key.into(), &value).expect("set");
    o.into()
}

#[wasm_bindgen_test]
async fn bad_input_through_the_js_api_gets_typed_errors() {
    let sw = memory_socket();
    let nan = JsValue::from_f64(f64::NAN);
    let urls: Vec<(&str, JsValue)> = vec![
        ("invalid_url", 42.into()),
        ("invalid_url", JsValue::NULL),
        ("invalid_url", "".into()),
        ("invalid_url", "/relative".into()),
        ("invalid_url", "example.com/ws".into()),
        ("invalid_url", "http://127.0.0.1/ws".into()),
        ("invalid_url", "https://example.com/ws".into()),
        ("invalid_url", "wss://".into()),
        ("invalid_url", "wss://exa mple.com/".into()),
        ("invalid_url", "wss://example.com:99999/".into()),
        ("invalid_url", "wss://example.com:port/".into()),
        ("invalid_url", "wss://user:secret@example.com/".into()),
        ("invalid_url", "wss://example.com/#top".into()),
        ("invalid_url", "wss://[::1/".into()),
        ("insecure_url", "ws://example.com/ws".into()),
        ("insecure_url", "ws://192.168.0.1/ws".into()),
        ("insecure_url", "ws://10.0.0.1:8080/".into()),
        ("insecure_url", "ws://localhost.example.com/".into()),
    ];
    for (kind, bad) in urls {
        let what = format!("connect({bad:?})");
        assert_eq!(
            kind_of(&what, sw.connect(bad, JsValue::UNDEFINED)),
            kind,
            "{what}"
        );
    }
    let good = || JsValue::from(url("inputs"));
    let bad_options: Vec<(&str, JsValue)> = vec![
        ("an options string", "fast".into()),
        ("keepaliveMs NaN", options("keepaliveMs", nan.clone())),
        ("keepaliveMs -1", options("keepaliveMs", (-1).into())),
        ("keepaliveMs 30000", options("keepaliveMs", 30_000.into())),
        ("keepaliveMs 45000", options("keepaliveMs", 45_000.into())),
        ("keepaliveMs as text", options("keepaliveMs", "5000".into())),
        (
            "keepaliveMs Infinity",
            options("keepaliveMs", f64::INFINITY.into()),
        ),
        (
            "connectTimeoutMs -5",
            options("connectTimeoutMs", (-5).into()),
        ),
        ("closeTimeoutMs NaN", options("closeTimeoutMs", nan.clone())),
        ("backoffBaseMs NaN", options("backoffBaseMs", nan.clone())),
        ("backoffMaxMs -1", options("backoffMaxMs", (-1).into())),
        ("watchdogMs -1", options("watchdogMs", (-1).into())),
        (
            "maxMessageBytes -1",
            options("maxMessageBytes", (-1).into()),
        ),
        ("maxRetries 1.5", options("maxRetries", 1.5.into())),
        ("keepalive 'yes'", options("keepalive", "yes".into())),
        (
            "protocols [1]",
            options("protocols", Array::of1(&1.into()).into()),
        ),
        ("an unknown key", options("keepAliveMs", 5000.into())),
    ];
    for (what, bad) in bad_options {
        assert_eq!(
            kind_of(what, sw.connect(good(), bad)),
            "invalid_option",
            "{what}"
        );
    }
    for code in [999, 1001, 1005, 1006, 1015, 2999, 5000, 65536, -1] {
        let what = format!("close({code})");
        let result = sw.close(code.into(), JsValue::UNDEFINED);
        assert_eq!(kind_of(&what, result), "invalid_close_code", "{what}");
    }
    for code in [nan.clone(), 1000.5.into(), f64::INFINITY.into()] {
        let what = format!("close({code:?})");
        let result = sw.close(code, JsValue::UNDEFINED);
        assert_eq!(kind_of(&what, result), "invalid_close_code", "{what}");
    }
    // A code or reason of the wrong type is a wrong argument.
    let result = sw.close("1000".into(), JsValue::UNDEFINED);
    assert_eq!(kind_of("close(\"1000\")", result), "invalid_option");
    let result = sw.close(1000.into(), 42.into());
    assert_eq!(kind_of("close(1000, 42)", result), "invalid_option");
    for reason in ["r".repeat(124), "é".repeat(62)] {
        let what = format!("close(1000, {} bytes)", reason.len());
        let result = sw.close(1000.into(), reason.into());
        assert_eq!(kind_of(&what, result), "close_reason_too_long", "{what}");
    }
    let send = |sw: &sw_websocket::SwWebSocket, data: JsValue| {
        JsFuture::from(sw.send(data, JsValue::UNDEFINED))
    };
    let before_connect = send(&sw, "x".into()).await.map(|_| ());
    assert_eq!(kind_of("send before connect", before_connect), "not_open");
    for data in [JsValue::from(42), JsValue::NULL, Array::new().into()] {
        let what = format!("send({data:?})");
        let result = send(&sw, data).await.map(|_| ());
        assert_eq!(kind_of(&what, result), "invalid_message", "{what}");
    }
    // Nothing above changed anything.
    assert_eq!(field(&sw.status(), "state"), "idle");
    assert_eq!(field(&sw.status(), "connects"), 0);

    let sw = open("inputs", options("maxMessageBytes", 16.into())).await;
    let too_large = send(&sw, "x".repeat(17).into()).await.map(|_| ());
    assert_eq!(kind_of("17 bytes over 16", too_large), "message_too_large");
    let binary = Uint8Array::new_with_length(17);
    let too_large = send(&sw, binary.into()).await.map(|_| ());
    assert_eq!(
        kind_of("17 binary bytes over 16", too_large),
        "message_too_large"
    );
    let twice = sw.connect(good(), JsValue::UNDEFINED);
    assert_eq!(kind_of("connect twice", twice), "already_connected");
    assert_eq!(
        field(&sw.status(), "state"),
        "open",
        "the socket survived it all"
    );
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("close");
    let after_close = send(&sw, "x".into()).await.map(|_| ());
    assert_eq!(kind_of("send after close", after_close), "not_open");
}
