//! Bindings to `glue.js`: chrome.storage and chrome.alarms, with typed errors.

use crate::browser::socket::describe;
use crate::core::Error;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use web_sys::EventTarget;

#[wasm_bindgen(module = "/src/browser/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = storageLoad, catch)]
    fn storage_load(area: &str, key: &str, secret_key: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = storageSet, catch)]
    fn storage_set(area: &str, key: &str, value: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = storageWrite, catch)]
    fn storage_write(
        area: &str,
        key: &str,
        value: &JsValue,
        secret_key: &str,
        secret: &JsValue,
    ) -> Result<Promise, JsValue>;
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
    /// `target`, or a new `EventTarget` if it is `undefined`.
    #[wasm_bindgen(js_name = eventTarget)]
    pub(crate) fn event_target(target: &JsValue) -> EventTarget;
    /// A promise resolved with `{queued: false}`: what `send` returns when
    /// the open socket took the message.
    #[wasm_bindgen(js_name = sentNow)]
    pub(crate) fn sent_now() -> Promise;
    /// `promise.then(v => done(v, true), e => done(e, false))`.
    fn settled(promise: &Promise, done: &JsValue) -> Promise;
}

/// Bindings to `fire.js`: the events dispatched on a socket's `EventTarget`.
#[wasm_bindgen(module = "/src/browser/fire.js")]
extern "C" {
    /// Dispatches an event of `type` on `target`: a `MessageEvent`,
    /// `CloseEvent` or `ErrorEvent` for those types, else an `Event`, with
    /// `fields` as its init dictionary and as properties it lacks.
    pub(crate) fn fire(target: &EventTarget, kind: &str, fields: &JsValue);
    /// Dispatches inbound message `id` (`data` its value) as a `message`
    /// event with `id`, `dup` and `waitUntil(promise)`; calls `done(id)`
    /// once every listener returned and every promise given settled, or
    /// `done(id, why)` if one threw or rejected.
    #[wasm_bindgen(js_name = fireInbound)]
    pub(crate) fn fire_inbound(
        target: &EventTarget,
        id: f64,
        dup: bool,
        data: &JsValue,
        done: &JsValue,
    );
    /// Dispatches a received message: a `MessageEvent` with `data` and `binary`.
    #[wasm_bindgen(js_name = fireMessage)]
    pub(crate) fn fire_message(target: &EventTarget, data: &JsValue, binary: bool);
}

/// What runs once a promise settles, with its value or what it rejected
/// with; the promise [`after`] returns resolves with what it returns. One
/// boxed type for every wait: one closure shim in the module.
pub(crate) type Then = Box<dyn FnOnce(Result<JsValue, JsValue>) -> JsValue>;

/// Runs `then` once `promise` settles. Observed from the call on: a failure
/// is never an unhandled rejection.
pub(crate) fn after(promise: &Promise, then: Then) -> Promise {
    let done = Closure::once_into_js(move |value: JsValue, fulfilled: bool| {
        then(if fulfilled { Ok(value) } else { Err(value) })
    });
    settled(promise, &done)
}

/// Runs `f` in a microtask: after the current call, before any other
/// event. The promise resolves with what `f` returns.
pub(crate) fn later(f: impl FnOnce() -> JsValue + 'static) -> Promise {
    after(
        &Promise::resolve(&JsValue::UNDEFINED),
        Box::new(move |_| f()),
    )
}

/// A storage or alarms call: runs `then` with its outcome once it settles,
/// a failure (thrown or rejected) as [`Error::Storage`].
pub(crate) struct Call(Result<Promise, JsValue>);

impl Call {
    pub(crate) fn then(
        self,
        then: impl FnOnce(Result<JsValue, Error>) -> JsValue + 'static,
    ) -> Promise {
        // A call that threw is a rejected promise: `then` still runs later,
        // never inside the caller.
        let promise = self.0.unwrap_or_else(|thrown| Promise::reject(&thrown));
        after(
            &promise,
            Box::new(move |r| then(r.map_err(|e| Error::Storage(describe(&e))))),
        )
    }
}

/// `[snapshot, secret]` as stored (`undefined` when absent); both reads start at once.
pub(crate) fn load(area: &str, key: &str, secret_key: &str) -> Call {
    Call(storage_load(area, key, secret_key))
}

pub(crate) fn set(area: &str, key: &str, value: &JsValue) -> Call {
    Call(storage_set(area, key, value))
}

/// Writes the snapshot, then the secret: a string sets it, `null` removes
/// it, `undefined` leaves it as it is.
pub(crate) fn write(
    area: &str,
    key: &str,
    value: &JsValue,
    secret_key: &str,
    secret: &JsValue,
) -> Call {
    Call(storage_write(area, key, value, secret_key, secret))
}

pub(crate) fn every(name: &str, period_ms: u64) -> Call {
    Call(alarm_every(name, period_ms as f64))
}

pub(crate) fn at(name: &str, when_ms: u64) -> Call {
    Call(alarm_at(name, when_ms as f64))
}

pub(crate) fn clear(name: &str) -> Call {
    Call(alarm_clear(name))
}
