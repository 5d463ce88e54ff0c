//! Browser tests: the real `SwWebSocket` in a service worker of headless
//! Chromium, against the test server that `build.sh test` starts
//! (`SW_TEST_SERVER`). The server's own stats are the witness.
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::Uint8Array;
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

#[wasm_bindgen_test]
async fn text_echo_is_byte_exact() {
    let sw = open("text", JsValue::UNDEFINED).await;
    assert_eq!(field(&sw.status(), "state"), "open");
    let seen = collect(&sw);
    let texts = ["hello", "", "ünïcödé ✓ 𝄞 \u{0}", &"x".repeat(70_000)];
    for text in texts {
        JsFuture::from(sw.send(text.into(), JsValue::UNDEFINED))
            .await
            .expect("sent");
    }
    until("4 echoes", || seen.borrow().len() == 4).await;
    for (got, want) in seen.borrow().iter().zip(texts) {
        assert_eq!(got.as_string().as_deref(), Some(want));
    }
    assert_eq!(field(&sw.status(), "sent"), 4);
    assert_eq!(field(&sw.status(), "received"), 4);
}

#[wasm_bindgen_test]
async fn binary_echo_is_byte_exact() {
    let sw = open("binary", JsValue::UNDEFINED).await;
    let seen = collect(&sw);
    let all: Vec<u8> = (0..=255).collect();
    let view = Uint8Array::from(all.as_slice());
    JsFuture::from(sw.send(view.clone().into(), JsValue::UNDEFINED))
        .await
        .expect("view");
    JsFuture::from(sw.send(view.buffer().into(), JsValue::UNDEFINED))
        .await
        .expect("buffer");
    // A view on part of a buffer sends only its bytes.
    let part = Uint8Array::new_with_byte_offset_and_length(&view.buffer(), 10, 5);
    JsFuture::from(sw.send(part.into(), JsValue::UNDEFINED))
        .await
        .expect("part");
    until("3 echoes", || seen.borrow().len() == 3).await;
    let got: Vec<Vec<u8>> = seen
        .borrow()
        .iter()
        .map(|d| Uint8Array::new(d).to_vec())
        .collect();
    assert_eq!(got, vec![all.clone(), all, (10..15).collect()]);
    let stats = stats("binary").await;
    assert_eq!(field(&stats, "perConnection.0.binaryMessages"), 3);
}

#[wasm_bindgen_test]
async fn queued_views_and_long_texts_keep_their_bytes() {
    let sw = memory_socket();
    let seen = collect(&sw);
    let opened = next(&sw, "open");
    sw.connect(url("queued-view").into(), JsValue::UNDEFINED)
        .expect("valid url");
    // Sent before the socket opens: copied into the outbox (the checked path).
    let all: Vec<u8> = (0..=255).collect();
    let buffer = Uint8Array::from(all.as_slice()).buffer();
    let part = Uint8Array::new_with_byte_offset_and_length(&buffer, 10, 5);
    let queued = JsFuture::from(sw.send(part.into(), JsValue::UNDEFINED))
        .await
        .expect("queued");
    assert_eq!(field(&queued, "queued"), true);
    wait(opened, "open").await;
    // Texts longer than the history keeps (1000 UTF-16 units) reach the
    // listeners whole.
    let texts = ["y".repeat(1500), "z".repeat(5000), "short".into()];
    for text in &texts {
        JsFuture::from(sw.send(text.as_str().into(), JsValue::UNDEFINED))
            .await
            .expect("sent");
    }
    until("4 echoes", || seen.borrow().len() == 4).await;
    let echoes = seen.borrow().clone();
    assert_eq!(
        Uint8Array::new(&echoes[0]).to_vec(),
        (10..15).collect::<Vec<u8>>()
    );
    for (got, want) in echoes[1..].iter().zip(&texts) {
        assert_eq!(got.as_string().as_deref(), Some(want.as_str()));
    }
}

#[wasm_bindgen_test]
async fn json_echo_round_trips() {
    let sw = open("json", JsValue::UNDEFINED).await;
    let seen = collect(&sw);
    let value =
        js_sys::JSON::parse(r#"{"a":[1,2.5,"three",null,true],"b":{"c":"ü"}}"#).expect("json");
    JsFuture::from(sw.send_json(value.clone(), JsValue::UNDEFINED))
        .await
        .expect("sent");
    until("echo", || seen.borrow().len() == 1).await;
    let echoed = seen.borrow()[0].as_string().expect("text");
    let want = js_sys::JSON::stringify(&value).expect("stringify");
    assert_eq!(echoed, String::from(want));
    // undefined has no JSON form: a typed rejection, nothing sent.
    let err = JsFuture::from(sw.send_json(JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(field(&err, "kind"), "invalid_message");
}

#[wasm_bindgen_test]
async fn close_with_code_and_reason_reaches_the_server() {
    let sw = open("close", JsValue::UNDEFINED).await;
    let closed = next(&sw, "close");
    sw.close(4001.into(), "done here".into()).expect("valid");
    let event = wait(closed, "close").await;
    assert_eq!(field(&event, "code"), 4001);
    assert_eq!(field(&event, "reason"), "done here");
    assert_eq!(field(&event, "wasClean"), true);
    assert_eq!(field(&sw.status(), "state"), "closed");
    assert_eq!(field(&sw.status(), "intent"), "closed");
    let stats = stats("close").await;
    assert_eq!(field(&stats, "perConnection.0.closeCode"), 4001);
    assert_eq!(field(&stats, "perConnection.0.closeReason"), "done here");
}

#[wasm_bindgen_test]
async fn keepalive_is_seen_by_the_server() {
    let options = js_sys::JSON::parse(r#"{"keepaliveMs": 1000}"#).expect("json");
    let sw = open("keepalive", options).await;
    JsFuture::from(sleep(3_500)).await.expect("sleep");
    let stats = stats("keepalive").await;
    let on_server = field(&stats, "keepalives").as_f64().unwrap_or(0.0);
    assert!(
        (3.0..=4.0).contains(&on_server),
        "server saw {on_server} keepalives"
    );
    let gap = field(&stats, "perConnection.0.maxGapMs")
        .as_f64()
        .unwrap_or(f64::MAX);
    assert!(gap < 1_500.0, "largest gap {gap} ms");
    assert_eq!(field(&sw.status(), "keepalives").as_f64(), Some(on_server));
    assert_eq!(
        field(&stats, "messages"),
        0,
        "keepalives are not app messages"
    );
}

#[wasm_bindgen(
    inline_js = "export function fire(type) { globalThis.dispatchEvent(new Event(type)); }"
)]
extern "C" {
    /// Dispatches a plain event of `kind` on the worker's global scope.
    fn fire(kind: &str);
}

#[wasm_bindgen_test]
async fn coming_back_online_retries_at_once() {
    let sw = memory_socket();
    // Nothing listens on port 1: the next attempt is up to an hour away.
    let options = js_sys::JSON::parse(r#"{"backoffBaseMs": 3600000, "backoffMaxMs": 3600000}"#)
        .expect("json");
    sw.connect("ws://127.0.0.1:1/ws".into(), options)
        .expect("valid");
    until("backoff", || field(&sw.status(), "state") == "backoff").await;
    let attempt = field(&sw.status(), "attempt").as_f64().unwrap_or(0.0);
    fire("offline");
    fire("online");
    until("another attempt", || {
        field(&sw.status(), "attempt").as_f64().unwrap_or(0.0) > attempt
    })
    .await;
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
}
