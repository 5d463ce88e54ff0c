//! # sw-websocket
//!
//! A WebSocket for Chrome MV3 extension service workers, in Rust compiled to
//! WebAssembly. Chrome stops an idle extension worker after 30 s; since
//! Chrome 116 WebSocket data messages reset that timer. sw-websocket sends an
//! application keepalive only when no data moved for `keepaliveMs` (20 s by
//! default), so a connected worker stays alive without extra traffic.
//!
//! The crate has two halves:
//! - [`core`]: a sans-IO state machine (`handle_*` in, `poll_*` out, time
//!   passed in) that builds and tests natively;
//! - `browser` (wasm32 only): the shell around `web_sys::WebSocket` and the
//!   `SwWebSocket` class exported to JS.
//!
//! ## From JS
//!
//! Most users take the built npm package: its `worker.js` entry point
//! (`start({storageKey, url})`) is the whole service-worker side; see the
//! README's "Use it in your extension".
//!
//! ## From another Rust crate (wasm32)
//!
//! The `rlib` exports the same `SwWebSocket` (and `set_storage_areas`) that JS
//! sees, with the same methods in snake case: `SwWebSocket::new(settings)`,
//! `resume()` (a `Promise`), `add_event_listener("message", f)`, `connect(url,
//! options)`, `send(data, options)` (a `Promise`), `close(code, reason)`,
//! `status()`, `handle_alarm(alarm)`. Options, events and statuses are plain JS
//! objects, as documented in the README. `examples/from_rust.rs` is a
//! complete use that `./build.sh test` compiles for `wasm32-unknown-unknown`.
//! Your worker's JS must still forward `chrome.alarms.onAlarm` events to
//! `handle_alarm`, at its top level.
//!
//! ## The core, natively
//!
//! ```
//! use sw_websocket::core::{Action, Connection, Options, Timestamp};
//!
//! let mut conn = Connection::new();
//! conn.connect(Timestamp(0), "ws://127.0.0.1:8080/ws", Options::default())
//!     .expect("a loopback ws:// URL is allowed");
//! // The shell sets the watchdog alarm, then opens the socket.
//! assert!(matches!(conn.poll_action(), Some(Action::Watchdog(Some(_)))));
//! assert!(matches!(conn.poll_action(), Some(Action::Open { .. })));
//! conn.handle_open(Timestamp(10));
//! // 20 s of silence later the core asks for the keepalive message.
//! conn.handle_timeout(Timestamp(20_010));
//! assert!(matches!(conn.poll_action(), Some(Action::Send(_))));
//! ```

#![deny(missing_docs)]
// A panic kills the wasm instance for the rest of the worker's life.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod core;

#[cfg(target_arch = "wasm32")]
mod browser;

#[cfg(target_arch = "wasm32")]
pub use browser::{set_storage_areas, SwWebSocket};
