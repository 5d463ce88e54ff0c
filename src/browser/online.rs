//! The worker's `online` and `offline` events, listened to for as long as the
//! watch lives.

use crate::browser::glue;
use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

/// Listeners on the global scope (added by `glue.js`), removed on drop.
pub(crate) struct OnlineWatch {
    _changed: Closure<dyn FnMut(bool)>,
    stop: Function,
}

impl OnlineWatch {
    /// Calls `changed(true | false)` on each event; `None` without a global scope.
    pub(crate) fn new(changed: impl Fn(bool) + 'static) -> Option<OnlineWatch> {
        let changed = Closure::<dyn FnMut(bool)>::new(changed);
        let stop = glue::watch_online(&changed)?;
        Some(OnlineWatch {
            _changed: changed,
            stop,
        })
    }
}

impl Drop for OnlineWatch {
    fn drop(&mut self) {
        let _ = self.stop.call0(&JsValue::UNDEFINED);
    }
}
