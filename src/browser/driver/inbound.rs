//! Inbound messages (`reliableInbound`) on their way to the app: the data of
//! the frames `glue.js` read in place, kept until the core hands their id
//! over, and the one callback through which the app's handling comes back.

use super::{drive, Inner};
use crate::browser::clock::now;
use crate::core::Error;
use std::cell::RefCell;
use std::rc::Weak;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

/// What the shell holds for inbound delivery.
pub(super) struct Inbound {
    /// The data of messages the core queued in place, by id, in arrival order.
    kept: Vec<(u64, JsValue)>,
    /// `done(id, why)`: made once (no closure per message).
    done: Closure<dyn FnMut(f64, JsValue)>,
}

impl Inbound {
    pub(super) fn new(weak: Weak<RefCell<Inner>>) -> Inbound {
        let done = Closure::<dyn FnMut(f64, JsValue)>::new(move |id: f64, failure: JsValue| {
            let Some(cell) = weak.upgrade() else { return };
            let result = match failure.as_string() {
                Some(why) => Err(Error::HandlerFailed(why)),
                None => Ok(()),
            };
            if let Ok(mut inner) = cell.try_borrow_mut() {
                inner.conn.handle_inbound_done(now(), id as u64, result);
            }
            drive(&cell);
        });
        Inbound {
            kept: Vec::new(),
            done,
        }
    }

    /// Keeps the data of message `id`, which the core queued (a resend of
    /// the same id after a reconnect replaces the one kept before).
    pub(super) fn keep(&mut self, id: u64, data: JsValue) {
        self.kept.retain(|(k, _)| *k != id);
        self.kept.push((id, data));
    }

    /// The data of message `id`, now handed over: `data` when the core
    /// carried it (JSON text), else the one kept. What is kept for lower ids
    /// goes too: the core dropped those (a reconnect cleared its queue).
    pub(super) fn take(&mut self, id: u64, data: Option<String>) -> JsValue {
        let kept = self.kept.iter().position(|(k, _)| *k == id);
        let value = kept.map(|at| self.kept.remove(at).1);
        self.kept.retain(|(k, _)| *k > id);
        match data {
            Some(json) => js_sys::JSON::parse(&json).unwrap_or_else(|_| JsValue::from_str(&json)),
            None => value.unwrap_or(JsValue::NULL),
        }
    }

    /// The callback `glue.js`'s `fireInbound` reports through.
    pub(super) fn done(&self) -> JsValue {
        self.done.as_ref().clone()
    }
}
