//! The app's calls, as typed Rust functions: each checks its arguments, runs
//! the core, and fails with a [`core::Error`](Error). The JS class (`api.rs`)
//! and the demo protocol (`commands.rs`) both call these.

use super::Driver;
use crate::browser::clock::now;
use crate::browser::glue;
use crate::browser::js::args::{close_args, connect_args};
use crate::browser::js::convert::object;
use crate::core::codec::encode;
use crate::core::{Error, Message, SendOptions, Sent};
use js_sys::{Array, Function, Promise};
use wasm_bindgen::JsValue;

impl Driver {
    /// Reads the stored state, if the core wants it read, and restores it;
    /// resolves to the status.
    pub(crate) fn resume(&self) -> Promise {
        let driver = self.clone();
        // From a microtask, as an async method would: a connect() made right
        // after the call comes first, and listeners added right after see the
        // events.
        glue::later(move || {
            let loading = match driver.with(|inner| inner.conn.resume(now())) {
                Ok(true) => driver.read(|inner| inner.loading.clone()).ok().flatten(),
                _ => None,
            };
            loading.map_or_else(|| driver.status(), JsValue::from)
        })
    }

    /// `connect(url, options)`, or with `keep` `keepConnected(url, options)`
    /// (see `Connection::keep_connected`): one body for both.
    pub(crate) fn connect(&self, url: &JsValue, options: JsValue, keep: bool) -> Result<(), Error> {
        let (url, options) = connect_args(url, options)?;
        self.with(|inner| match keep {
            true => inner.conn.keep_connected(now(), &url, options),
            false => inner.conn.connect(now(), &url, options),
        })?
    }

    /// Sends `data` (a value `payload::sendable` sized at `len` bytes) as it
    /// is when the core lets it go to the socket now; `Ok(false)`: it must
    /// take the checked path ([`send`](Self::send) with a copied message).
    pub(crate) fn send_in_place(
        &self,
        data: &JsValue,
        len: usize,
        how: &SendOptions,
    ) -> Result<bool, Error> {
        self.with(|inner| {
            // A string's size is an upper bound: near the limit, measure exactly.
            if len > inner.conn.config().max_message()
                || !inner.conn.send_in_place(now(), len, how)?
            {
                return Ok(false);
            }
            inner.hand_to_socket(|s| s.send_value(data));
            Ok(true)
        })?
    }

    /// Sends `message`: the promise resolves `{queued: false}` at once when
    /// the socket took it, `{queued: true, id}` once the core settles it as
    /// stored, or rejects when the core takes it back.
    pub(crate) fn send(&self, message: Message, how: SendOptions) -> Result<Promise, Error> {
        let mut slot: Option<(Function, Function)> = None;
        let promise = Promise::new(&mut |resolve, reject| slot = Some((resolve, reject)));
        self.with(|inner| {
            match inner.conn.send(now(), message, how)? {
                Sent::Queued { seq, .. } | Sent::Reliable { seq, .. } => {
                    if let Some((resolve, reject)) = slot {
                        inner.waiting.push((seq, resolve, reject));
                    }
                }
                _ => {
                    if let Some((resolve, _)) = slot {
                        let sent = object(&[("queued", false.into())]);
                        let _ = resolve.call1(&JsValue::UNDEFINED, &sent);
                    }
                }
            }
            Ok(promise)
        })?
    }

    /// `close(code, reason)`.
    pub(crate) fn close(&self, code: &JsValue, reason: &JsValue) -> Result<(), Error> {
        let (code, reason) = close_args(code, reason)?;
        self.with(|inner| inner.conn.close(now(), code, reason.as_deref()))?
    }

    /// Drops every message in the outbox; how many.
    pub(crate) fn clear_outbox(&self) -> Result<usize, Error> {
        self.with(|inner| inner.conn.clear_outbox())
    }

    /// Hands a `chrome.alarms` alarm to the core; whether it was one of its own.
    pub(crate) fn alarm(&self, name: String) -> Result<bool, Error> {
        self.with(|inner| {
            let ours = name == inner.keys.alarm("watchdog") || name == inner.keys.alarm("wake");
            if ours {
                inner.conn.handle_timeout(now());
            }
            ours
        })
    }

    /// The `EventTarget` events are dispatched on.
    pub(crate) fn target(&self) -> Result<web_sys::EventTarget, Error> {
        self.read(|inner| inner.target.clone())
    }

    /// The browser's `WebSocket` of the connection, if there is one.
    pub(crate) fn browser_socket(&self) -> JsValue {
        self.read(|inner| inner.socket.as_ref().map(|s| s.ws().clone().into()))
            .ok()
            .flatten()
            .unwrap_or(JsValue::NULL)
    }

    /// The status as JS sees it (`null` while a call is running).
    pub(crate) fn status(&self) -> JsValue {
        self.read(|inner| encode(&mut inner.conn.status()))
            .unwrap_or(JsValue::NULL)
    }

    /// The outbox: `[{id, type, bytes, reliable}]`, in order.
    pub(crate) fn outbox(&self) -> Array {
        self.read(|inner| {
            inner
                .conn
                .outbox()
                .map(|e| {
                    object(&[
                        ("id", (e.id as f64).into()),
                        ("type", e.message.kind().into()),
                        ("bytes", (e.message.len() as f64).into()),
                        ("reliable", e.reliable.into()),
                    ])
                })
                .collect()
        })
        .unwrap_or_default()
    }
}
