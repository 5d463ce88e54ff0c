//! The JS listeners of an `SwWebSocket`, by event type.

use crate::core::json::quote;
use crate::core::text::comma_list;
use crate::core::Error;
use js_sys::Function;
use std::rc::Rc;

/// The event types an `SwWebSocket` dispatches.
pub(crate) const EVENT_TYPES: [&str; 7] = [
    "open", "message", "close", "error", "state", "ack", "gave_up",
];

/// Listener functions of one event type: shared by the dispatches under way,
/// replaced (never changed) when a listener is added or removed.
pub(crate) type ListenerList = Rc<Vec<Function>>;

/// Listener functions by event type, each at most once (as in the DOM).
#[derive(Default)]
pub(crate) struct Listeners {
    by_type: [ListenerList; EVENT_TYPES.len()],
}

fn index_of(kind: &str) -> Result<usize, Error> {
    EVENT_TYPES.iter().position(|t| *t == kind).ok_or_else(|| {
        Error::InvalidOption(format!(
            "unknown event type {}; use one of {}",
            quote(kind),
            comma_list(&EVENT_TYPES)
        ))
    })
}

impl Listeners {
    pub(crate) fn add(&mut self, kind: &str, f: Function) -> Result<(), Error> {
        let index = index_of(kind)?;
        if let Some(list) = self.by_type.get_mut(index) {
            if !list.iter().any(|g| g == &f) {
                let mut more = Vec::clone(list);
                more.push(f);
                *list = Rc::new(more);
            }
        }
        Ok(())
    }

    pub(crate) fn remove(&mut self, kind: &str, f: &Function) -> Result<(), Error> {
        let index = index_of(kind)?;
        if let Some(list) = self.by_type.get_mut(index) {
            let mut fewer = Vec::clone(list);
            fewer.retain(|g| g != f);
            *list = Rc::new(fewer);
        }
        Ok(())
    }

    /// The listeners of `kind` as they are now: calling them is safe while
    /// the set changes (a change makes a new list).
    pub(crate) fn of(&self, kind: &str) -> ListenerList {
        index_of(kind)
            .ok()
            .and_then(|i| self.by_type.get(i))
            .cloned()
            .unwrap_or_default()
    }
}
