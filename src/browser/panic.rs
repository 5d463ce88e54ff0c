//! A panic hook that says what happened before the wasm instance dies.
//!
//! With `panic = "abort"` a panic ends the instance: every later call into it
//! fails until the worker restarts. No panic is reachable from JS input (the
//! lints in `lib.rs` and the fuzz targets keep it so); should one happen
//! anyway, the console says so, with the source file and line, instead
//! of a bare `RuntimeError: unreachable`.

use std::sync::Once;

static INSTALL: Once = Once::new();

/// Installs the hook, once per instance.
pub(crate) fn install_hook() {
    INSTALL.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            // The location only: formatting the payload would link more of
            // `core::fmt` into every build for a path that should never run.
            let at = info
                .location()
                .map(|l| (l.file(), l.line()))
                .unwrap_or(("?", 0));
            web_sys::console::error_3(
                &"sw-websocket stopped until the worker restarts: a panic at".into(),
                &at.0.into(),
                &at.1.into(),
            );
        }));
    });
}
