//! sw-websocket from another Rust crate compiled to wasm32.
//!
//! The `rlib` exports the same `SwWebSocket` that JS sees; its methods take
//! and give `JsValue`s (options objects, events) and `Promise`s. This example
//! exports one function to the worker's JS: it restores the socket, listens,
//! connects and sends.
//!
//! Build it with
//! `cargo build --example from_rust --target wasm32-unknown-unknown`
//! (`./build.sh test` does), then run wasm-bindgen on the result.
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Object, Reflect};
use std::cell::RefCell;
use sw_websocket::SwWebSocket;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A JS-callable listener of one event.
type Listener = Closure<dyn Fn(JsValue)>;

thread_local! {
    /// The message listener lives as long as the socket: it is kept here
    /// instead of being leaked with `Closure::forget`.
    static ON_MESSAGE: RefCell<Option<Listener>> = const { RefCell::new(None) };
}

/// Restores the socket kept under `storageKey` "rust-consumer", logs every
/// message, connects to `url` unless the stored state already wants to be
/// connected, and sends one greeting. Resolves with the socket.
#[wasm_bindgen]
pub async fn start_socket(url: String) -> Result<SwWebSocket, JsValue> {
    let settings = Object::new();
    Reflect::set(&settings, &"storageKey".into(), &"rust-consumer".into())?;
    let socket = SwWebSocket::new(settings.into())?;
    let status = JsFuture::from(socket.resume()).await?;

    let on_message: Listener = Closure::new(|event: JsValue| {
        let data = Reflect::get(&event, &"data".into()).unwrap_or(JsValue::UNDEFINED);
        web_sys::console::log_2(&"message:".into(), &data);
    });
    let listener: &Function = on_message.as_ref().unchecked_ref();
    socket.add_event_listener("message", listener)?;
    ON_MESSAGE.with(|slot| slot.replace(Some(on_message)));

    let intent = Reflect::get(&status, &"intent".into())?;
    if intent.as_string().as_deref() != Some("open") {
        let options = Object::new();
        Reflect::set(&options, &"keepaliveMs".into(), &20_000.into())?;
        socket.connect(url.into(), options.into())?;
    }
    // Resolves {queued: false} once the socket has it, or {queued: true, id}
    // once it is in the outbox in chrome.storage; rejects with a typed error.
    let sent = JsFuture::from(socket.send("hello from Rust".into(), JsValue::UNDEFINED)).await?;
    web_sys::console::log_2(&"sent:".into(), &sent);
    Ok(socket)
}
