//! Fake `chrome.storage` areas for the browser tests (get/set/remove as
//! chrome.storage has them, counting writes, failing on demand), and a
//! socket resumed on them.
#![allow(dead_code)]

use js_sys::JSON;
use sw_websocket::{set_storage_areas, SwWebSocket};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
// Storage areas with chrome.storage's get/set/remove, counting writes.
function area() {
  const data = new Map();
  return {
    data, writes: 0,
    async get(key) {
      if (this.failingReads) throw new Error(this.failingReads);
      return data.has(key) ? { [key]: structuredClone(data.get(key)) } : {};
    },
    failing: null,
    failingReads: null,
    async set(items) {
      if (this.failing) throw new Error(this.failing);
      this.writes++;
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v)); },
    async remove(key) { data.delete(key); },
  };
}
let areas;
export function fakeAreas() {
  if (!areas) areas = { local: area(), session: area() };
  return areas;
}
export function stored(name, key) { return fakeAreas()[name].data.get(key); }
export function store(name, key, value) { fakeAreas()[name].data.set(key, value); }
export function writes(name) { return fakeAreas()[name].writes; }
export function failWrites(name, message) { fakeAreas()[name].failing = message; }
export function failReads(name, message) { fakeAreas()[name].failingReads = message; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = fakeAreas)]
    pub fn fake_areas() -> JsValue;
    pub fn stored(area: &str, key: &str) -> JsValue;
    pub fn store(area: &str, key: &str, value: &JsValue);
    pub fn writes(area: &str) -> u32;
    #[wasm_bindgen(js_name = failWrites)]
    pub fn fail_writes(area: &str, message: JsValue);
    #[wasm_bindgen(js_name = failReads)]
    pub fn fail_reads(area: &str, message: JsValue);
}

/// A JS value from JSON text.
pub fn json(text: &str) -> JsValue {
    JSON::parse(text).expect("json")
}

/// A socket on the fake storage areas under `key`, resumed.
pub async fn persistent(key: &str) -> SwWebSocket {
    set_storage_areas(fake_areas());
    let sw = SwWebSocket::new(json(&format!(r#"{{"storageKey": "{key}"}}"#))).expect("valid");
    JsFuture::from(sw.resume()).await.expect("resume resolves");
    sw
}
