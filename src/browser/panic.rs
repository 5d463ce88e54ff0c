//! A panic hook that says what happened before the wasm instance dies.
//!
//! With `panic = "abort"` a panic ends the instance: every later call into it
//! fails until the worker restarts. No panic is reachable from JS input (the
//! lints in `lib.rs` and the fuzz targets keep it so); should one happen
//! anyway, it is written to the console with its message and place, instead
//! of a bare `RuntimeError: unreachable`.

use std::sync::Once;

static INSTALL: Once = Once::new();

/// Installs the hook, once per instance.
pub(crate) fn install_hook() {
    INSTALL.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let text = format!(
                "sw-websocket: an internal error stopped the module until the worker restarts \
                 (please report it): {info}"
            );
            web_sys::console::error_1(&text.into());
        }));
    });
}
