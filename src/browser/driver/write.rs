//! Writing the snapshot: coalesced (one write in flight, the next one takes
//! every change made meanwhile). What a write's outcome means (which sends
//! settle how, when to try again) is the core's: the shell reports it back.

use super::{drive, Inner};
use crate::browser::clock::now;
use crate::browser::glue;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;

impl Inner {
    /// Starts the write loop if the core has something to write and no
    /// write is under way.
    pub(super) fn schedule_write(&mut self, cell: &Rc<RefCell<Inner>>) {
        if self.writing || !self.keys.enabled() || self.conn.poll_persist().is_none() {
            return;
        }
        self.writing = true;
        let weak = Rc::downgrade(cell);
        // The first write starts in a microtask: a burst of sends made in the
        // same turn lands in one write.
        let _ = glue::later(move || {
            write_next(weak);
            JsValue::UNDEFINED
        });
    }
}

/// Writes the state if it changed since the last write, then goes on with
/// the changes made meanwhile; stops when nothing changed or a write failed.
fn write_next(weak: Weak<RefCell<Inner>>) {
    let Some(cell) = weak.upgrade() else { return };
    let (seq, snapshot, keys, secret) = {
        let Ok(mut inner) = cell.try_borrow_mut() else {
            // Busy (a call is running): try again after it, never stall
            // with `writing` still set.
            let _ = glue::later(move || {
                write_next(weak);
                JsValue::UNDEFINED
            });
            return;
        };
        let Some(seq) = inner.conn.poll_persist() else {
            inner.writing = false;
            return;
        };
        let secret = inner.conn.secret().map(str::to_owned);
        let changed = (inner.written_secret.as_ref() != Some(&secret)).then_some(secret);
        (seq, inner.conn.snapshot(), inner.keys.clone(), changed)
    };
    let next_id = snapshot.next_id;
    // Outside the borrow: a storage area may call back. `cell` lives until
    // the write is done.
    let _ = keys.write(snapshot, secret.as_ref()).then(move |result| {
        let written = match cell.try_borrow_mut() {
            Err(_) => return JsValue::UNDEFINED,
            Ok(mut inner) => match result {
                Ok(_) => {
                    inner.conn.handle_persisted(now(), seq, next_id);
                    if let Some(secret) = secret {
                        inner.written_secret = Some(secret);
                    }
                    true
                }
                Err(error) => {
                    // The core tries again at the next change.
                    inner.conn.handle_write_failed(now(), seq, error);
                    inner.writing = false;
                    false
                }
            },
        };
        drive(&cell);
        if written {
            write_next(weak);
        }
        JsValue::UNDEFINED
    });
}
