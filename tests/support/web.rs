//! Helpers shared by the wasm-bindgen tests: waiting on events, the test
//! server's stats, sockets in memory.
#![allow(dead_code)]

use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use sw_websocket::SwWebSocket;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

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
    pub fn within(promise: &Promise, ms: u32, what: &str) -> Promise;
    pub fn sleep(ms: u32) -> Promise;
    #[wasm_bindgen(js_name = getJson)]
    pub fn get_json(url: &str) -> Promise;
    pub fn field(value: &JsValue, path: &str) -> JsValue;
}

pub fn server() -> String {
    match option_env!("SW_TEST_SERVER") {
        Some(url) => url.to_owned(),
        None => panic!("build with SW_TEST_SERVER=ws://127.0.0.1:PORT/ws (./build.sh test does)"),
    }
}

pub fn url(tag: &str) -> String {
    format!("{}?tag={tag}", server())
}

pub async fn stats(tag: &str) -> JsValue {
    let base = server()
        .replace("ws://", "http://")
        .replace("/ws", "/stats");
    JsFuture::from(get_json(&format!("{base}?tag={tag}")))
        .await
        .expect("stats")
}

pub async fn wait(promise: Promise, what: &str) -> JsValue {
    JsFuture::from(within(&promise, 5_000, what))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
}

/// The next event of `kind`.
pub fn next(sw: &SwWebSocket, kind: &str) -> Promise {
    Promise::new(&mut |resolve: Function, _| {
        sw.add_event_listener(kind, &resolve).expect("known type");
    })
}

/// Collects every received message's data.
pub fn collect(sw: &SwWebSocket) -> Rc<RefCell<Vec<JsValue>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        sink.borrow_mut().push(field(&e, "data"));
    });
    sw.add_event_listener("message", listener.as_ref().unchecked_ref())
        .expect("known type");
    listener.forget(); // one per test
    seen
}

/// A socket that keeps its state in memory only.
pub fn memory_socket() -> SwWebSocket {
    let settings = js_sys::JSON::parse(r#"{"storageArea": "none"}"#).expect("json");
    SwWebSocket::new(settings).expect("valid settings")
}

pub async fn open(tag: &str, options: JsValue) -> SwWebSocket {
    let sw = memory_socket();
    let opened = next(&sw, "open");
    sw.connect(url(tag).into(), options).expect("valid url");
    wait(opened, "open").await;
    sw
}

/// The typed error a call gave, checked to be an `SwWebSocketError`.
pub fn kind_of(what: &str, result: Result<(), JsValue>) -> String {
    let err = match result {
        Ok(()) => panic!("{what}: accepted, expected an error"),
        Err(err) => err,
    };
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "{what}: not an Error"
    );
    assert_eq!(field(&err, "name"), "SwWebSocketError", "{what}");
    let message = field(&err, "message").as_string().unwrap_or_default();
    assert!(!message.is_empty(), "{what}: no message");
    field(&err, "kind").as_string().unwrap_or_default()
}

pub async fn until(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        JsFuture::from(sleep(50)).await.expect("sleep");
    }
    panic!("timed out waiting for {what}");
}
