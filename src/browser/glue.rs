//! Bindings to `glue.js`: chrome.storage and chrome.alarms, with typed errors.

use crate::browser::socket::describe;
use crate::core::Error;
use js_sys::Promise;
use std::future::Future;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/browser/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = storageGet, catch)]
    fn storage_get(area: &str, key: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = storageSet, catch)]
    fn storage_set(area: &str, key: &str, value: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = storageRemove, catch)]
    fn storage_remove(area: &str, key: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = alarmEvery, catch)]
    fn alarm_every(name: &str, period_ms: f64) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = alarmAt, catch)]
    fn alarm_at(name: &str, when: f64) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = alarmClear, catch)]
    fn alarm_clear(name: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = useStorageAreas)]
    pub(crate) fn use_storage_areas(areas: &JsValue);
    /// Calls `changed` on the global scope's `online`/`offline` events (the
    /// listeners themselves are added when the glue module is first
    /// evaluated, as Chrome wants); the function it returns stops it.
    #[wasm_bindgen(js_name = watchOnline)]
    pub(crate) fn watch_online(changed: &Closure<dyn FnMut(bool)>) -> Option<js_sys::Function>;
    #[wasm_bindgen(js_name = isOnline)]
    pub(crate) fn is_online() -> bool;
    /// `{type: "message", data, binary}`, the object message listeners get.
    #[wasm_bindgen(js_name = messageEvent)]
    pub(crate) fn message_event(data: &JsValue, binary: bool) -> JsValue;
    /// A promise resolved with `{queued: false}`: what `send` returns when
    /// the open socket took the message.
    #[wasm_bindgen(js_name = sentNow)]
    pub(crate) fn sent_now() -> Promise;
}

/// The promise's outcome as a typed result. Observed from the call on, not
/// from the first poll: a failure is never an unhandled rejection, and two
/// calls made one after the other run at once.
fn settle(promise: Result<Promise, JsValue>) -> impl Future<Output = Result<JsValue, Error>> {
    let started = promise.map(JsFuture::from);
    async move {
        started
            .map_err(|e| Error::Storage(describe(&e)))?
            .await
            .map_err(|e| Error::Storage(describe(&e)))
    }
}

/// The stored value (`undefined` when absent).
pub(crate) fn get(area: &str, key: &str) -> impl Future<Output = Result<JsValue, Error>> {
    settle(storage_get(area, key))
}

pub(crate) async fn set(area: &str, key: &str, value: &JsValue) -> Result<(), Error> {
    settle(storage_set(area, key, value)).await.map(drop)
}

pub(crate) async fn remove(area: &str, key: &str) -> Result<(), Error> {
    settle(storage_remove(area, key)).await.map(drop)
}

pub(crate) async fn every(name: &str, period_ms: u64) -> Result<(), Error> {
    settle(alarm_every(name, period_ms as f64)).await.map(drop)
}

pub(crate) async fn at(name: &str, when_ms: u64) -> Result<(), Error> {
    settle(alarm_at(name, when_ms as f64)).await.map(drop)
}

pub(crate) async fn clear(name: &str) -> Result<(), Error> {
    settle(alarm_clear(name)).await.map(drop)
}
