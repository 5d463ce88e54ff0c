//! Browser tests of kinds through the JS API: each message's kind (text,
//! JSON, binary) in the outbox listing and on the wire, and each error in
//! one shape, an `Error` named "SwWebSocketError" with a `kind`, or in a
//! command reply the same `{kind, message}` as plain data.
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::Uint8Array;
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
    let request = r#"{"cmd": "send", "data": "x"}"#;
    let (kind, said) = refusal(request, &command(&sw, request).await);
    assert_eq!((kind.as_str(), JsValue::from(said)), ("not_open", message));
    // Refused before anything runs.
    for (request, want) in [
        (r#"{"cmd": "nope"}"#, "invalid_command"),
        ("42", "invalid_command"),
        (r#"{"cmd": "connect", "url": "http://x/"}"#, "invalid_url"),
        (r#"{"cmd": "close", "code": 1}"#, "invalid_close_code"),
        (
            r#"{"cmd": "send", "data": "x", "reliable": 1}"#,
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
        sw.handle_command(json(r#"{"cmd": "send", "data": [1]}"#)),
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
