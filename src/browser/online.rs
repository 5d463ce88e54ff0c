//! The worker's `online` and `offline` events, listened to for as long as the
//! watch lives.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

/// Listeners on the global scope, removed on drop.
pub(crate) struct OnlineWatch {
    target: EventTarget,
    on_online: Closure<dyn FnMut()>,
    on_offline: Closure<dyn FnMut()>,
}

impl OnlineWatch {
    /// Calls `changed(true | false)` on each event; `None` without a global scope.
    pub(crate) fn new(changed: impl Fn(bool) + 'static) -> Option<OnlineWatch> {
        let target: EventTarget = js_sys::global().dyn_into().ok()?;
        let changed = std::rc::Rc::new(changed);
        let up = changed.clone();
        let on_online = Closure::<dyn FnMut()>::new(move || up(true));
        let down = changed;
        let on_offline = Closure::<dyn FnMut()>::new(move || down(false));
        target
            .add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref())
            .ok()?;
        target
            .add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref())
            .ok()?;
        Some(OnlineWatch {
            target,
            on_online,
            on_offline,
        })
    }
}

impl Drop for OnlineWatch {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback("online", self.on_online.as_ref().unchecked_ref());
        let _ = self.target.remove_event_listener_with_callback(
            "offline",
            self.on_offline.as_ref().unchecked_ref(),
        );
    }
}
