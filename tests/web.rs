//! Browser tests: the real `SwWebSocket` in a service worker of headless
//! Chromium, against the test server that `build.sh test` starts
//! (`SW_TEST_SERVER`). The server's own stats are the witness.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Promise, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use sw_websocket::SwWebSocket;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

#[wasm_bindgen(inline_js = r#"
export function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
export function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
export async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}
export function field(value, path) {
  return path.split('.').reduce((v, key) => (v == null ? undefined : v[key]), value);
}
"#)]
extern "C" {
    fn within(promise: &Promise, ms: u32, what: &str) -> Promise;
    fn sleep(ms: u32) -> Promise;
    #[wasm_bindgen(js_name = getJson)]
    fn get_json(url: &str) -> Promise;
    fn field(value: &JsValue, path: &str) -> JsValue;
}

fn server() -> String {
    match option_env!("SW_TEST_SERVER") {
        Some(url) => url.to_owned(),
        None => panic!("build with SW_TEST_SERVER=ws://127.0.0.1:PORT/ws (./build.sh test does)"),
    }
}

fn url(tag: &str) -> String {
    format!("{}?tag={tag}", server())
}

async fn stats(tag: &str) -> JsValue {
    let base = server()
        .replace("ws://", "http://")
        .replace("/ws", "/stats");
    JsFuture::from(get_json(&format!("{base}?tag={tag}")))
        .await
        .expect("stats")
}

async fn wait(promise: Promise, what: &str) -> JsValue {
    JsFuture::from(within(&promise, 5_000, what))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
}

/// The next event of `kind`.
fn next(sw: &SwWebSocket, kind: &str) -> Promise {
    Promise::new(&mut |resolve: Function, _| {
        sw.add_event_listener(kind, resolve).expect("known type");
    })
}

/// Collects every received message's data.
fn collect(sw: &SwWebSocket) -> Rc<RefCell<Vec<JsValue>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        sink.borrow_mut().push(field(&e, "data"));
    });
    sw.add_event_listener("message", listener.as_ref().clone().unchecked_into())
        .expect("known type");
    listener.forget(); // one per test
    seen
}

async fn open(tag: &str, options: JsValue) -> SwWebSocket {
    let sw = SwWebSocket::new();
    let opened = next(&sw, "open");
    sw.connect(url(tag).into(), options).expect("valid url");
    wait(opened, "open").await;
    sw
}

async fn until(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        JsFuture::from(sleep(50)).await.expect("sleep");
    }
    panic!("timed out waiting for {what}");
}

#[wasm_bindgen_test]
async fn text_echo_is_byte_exact() {
    let sw = open("text", JsValue::UNDEFINED).await;
    assert_eq!(field(&sw.status(), "state"), "open");
    let seen = collect(&sw);
    let texts = ["hello", "", "ünïcödé ✓ 𝄞 \u{0}", &"x".repeat(70_000)];
    for text in texts {
        JsFuture::from(sw.send(text.into())).await.expect("sent");
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
    JsFuture::from(sw.send(view.clone().into()))
        .await
        .expect("view");
    JsFuture::from(sw.send(view.buffer().into()))
        .await
        .expect("buffer");
    // A view on part of a buffer sends only its bytes.
    let part = Uint8Array::new_with_byte_offset_and_length(&view.buffer(), 10, 5);
    JsFuture::from(sw.send(part.into())).await.expect("part");
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
async fn json_echo_round_trips() {
    let sw = open("json", JsValue::UNDEFINED).await;
    let seen = collect(&sw);
    let value =
        js_sys::JSON::parse(r#"{"a":[1,2.5,"three",null,true],"b":{"c":"ü"}}"#).expect("json");
    JsFuture::from(sw.send_json(value.clone()))
        .await
        .expect("sent");
    until("echo", || seen.borrow().len() == 1).await;
    let echoed = seen.borrow()[0].as_string().expect("text");
    let want = js_sys::JSON::stringify(&value).expect("stringify");
    assert_eq!(echoed, String::from(want));
    // undefined has no JSON form: a typed rejection, nothing sent.
    let err = JsFuture::from(sw.send_json(JsValue::UNDEFINED))
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
async fn bad_input_is_rejected_with_typed_errors() {
    let sw = SwWebSocket::new();
    let cases: [(&str, JsValue); 5] = [
        ("invalid_url", "/relative".into()),
        ("invalid_url", "http://127.0.0.1/ws".into()),
        ("invalid_url", 42.into()),
        ("insecure_url", "ws://example.com/ws".into()),
        ("insecure_url", "ws://192.168.0.1/ws".into()),
    ];
    for (kind, url) in cases {
        let err = sw.connect(url.clone(), JsValue::UNDEFINED).unwrap_err();
        assert_eq!(field(&err, "kind"), kind, "{url:?}");
        assert_eq!(field(&err, "name"), "SwWebSocketError");
        assert!(err.is_instance_of::<js_sys::Error>());
    }
    let options = js_sys::JSON::parse(r#"{"keepaliveMs": 30000}"#).expect("json");
    let err = sw.connect(url("x").into(), options).unwrap_err();
    assert_eq!(field(&err, "kind"), "invalid_option");
    let err = sw.close(1001.into(), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(field(&err, "kind"), "invalid_close_code");
    let err = sw
        .close(JsValue::UNDEFINED, "r".repeat(124).into())
        .unwrap_err();
    assert_eq!(field(&err, "kind"), "close_reason_too_long");
    let err = JsFuture::from(sw.send("x".into())).await.unwrap_err();
    assert_eq!(field(&err, "kind"), "not_open");
    let err = JsFuture::from(sw.send(Array::new().into()))
        .await
        .unwrap_err();
    assert_eq!(field(&err, "kind"), "invalid_message");
    assert_eq!(field(&sw.status(), "state"), "idle");
    assert_eq!(field(&sw.status(), "connects"), 0);
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
