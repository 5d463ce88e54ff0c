//! Writing the snapshot: coalesced (one write in flight, the next one takes
//! every change made meanwhile), and the queued sends that wait for it.

use crate::browser::clock::now;
use crate::browser::convert::{js_error, object};
use crate::browser::driver::{drive, Driver, Inner};
use crate::browser::glue;
use crate::browser::resume::resume;
use crate::core::Error;
use js_sys::Function;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;

/// A `send` promise waiting for the write that holds its message.
pub(crate) struct Pending {
    pub(crate) seq: u64,
    pub(crate) id: u64,
    pub(crate) resolve: Function,
    pub(crate) reject: Function,
}

/// Starts the write loop if state changed and none is running.
pub(crate) fn schedule(cell: &Rc<RefCell<Inner>>, inner: &mut Inner) {
    let changed = inner.conn.poll_persist() != inner.ids_failed_at;
    if inner.ids_unread && !inner.ids_reading && changed {
        // Read the stored ids first (again after a failed read, once
        // something changed: a failing store is not hammered).
        inner.ids_reading = true;
        let _ = resume(&Driver {
            inner: cell.clone(),
        });
    }
    if !inner.resumed || inner.ids_unread || inner.writing || inner.conn.poll_persist().is_none() {
        return;
    }
    if !inner.keys.enabled() {
        if let Some(seq) = inner.conn.poll_persist() {
            // Nothing survives this worker: no id can come back.
            inner.conn.handle_persisted(now(), seq, u64::MAX);
            settle(inner, seq, None);
        }
        return;
    }
    inner.writing = true;
    let weak = Rc::downgrade(cell);
    // The first write starts in a microtask: a burst of sends made in the
    // same turn lands in one write.
    let _ = glue::later(move || {
        write_next(weak);
        JsValue::UNDEFINED
    });
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
        let failed = match cell.try_borrow_mut() {
            Err(_) => return JsValue::UNDEFINED,
            Ok(mut inner) => match result {
                Ok(_) => {
                    inner.conn.handle_persisted(now(), seq, next_id);
                    if let Some(secret) = secret {
                        inner.written_secret = Some(secret);
                    }
                    settle(&mut inner, seq, None);
                    false
                }
                Err(error) => {
                    settle(&mut inner, seq, Some(&error));
                    inner.conn.report(error);
                    inner.writing = false;
                    true
                }
            },
        };
        drive(&cell);
        // After a failure the next change tries again: a failing store is
        // not hammered.
        if !failed {
            write_next(weak);
        }
        JsValue::UNDEFINED
    });
}

/// Resolves the sends held by write `seq`; on failure, takes back those still
/// in the outbox and rejects them (not stored, not sent), and resolves the
/// ones that already went out on the socket.
fn settle(inner: &mut Inner, seq: u64, error: Option<&Error>) {
    let (done, waiting): (Vec<Pending>, Vec<Pending>) =
        inner.pending.drain(..).partition(|p| p.seq <= seq);
    inner.pending = waiting;
    for pending in done {
        let queued = object(&[("queued", true.into()), ("id", (pending.id as f64).into())]);
        match error {
            Some(error) if inner.conn.remove_from_outbox(pending.id) => {
                let _ = pending.reject.call1(&JsValue::UNDEFINED, &js_error(error));
            }
            _ => {
                let _ = pending.resolve.call1(&JsValue::UNDEFINED, &queued);
            }
        }
    }
}
