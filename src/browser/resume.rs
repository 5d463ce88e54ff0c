//! `resume()`: the state read back from storage at worker start.

use crate::browser::api::status;
use crate::browser::clock::now;
use crate::browser::driver::Driver;
use crate::browser::glue;
use crate::browser::store::{Keys, Loaded};
use crate::core::Error;
use js_sys::Promise;
use wasm_bindgen::JsValue;

/// Reads the stored state and restores it; resolves to the status.
pub(crate) fn resume(driver: &Driver) -> Promise {
    let driver = driver.clone();
    // From a microtask, as an async method would: a connect() made right
    // after the call comes first, and listeners added right after see the
    // events.
    glue::later(move || {
        let keys = match driver.read(|i| (i.resumed, i.keys.clone())) {
            Ok((false, keys)) => keys,
            _ => return status(&driver),
        };
        if !keys.enabled() {
            return restore(&driver, &keys, Ok((Loaded::Nothing, None)));
        }
        keys.clone()
            .load(move |loaded| restore(&driver, &keys, loaded))
            .into()
    })
}

/// Restores what `resume` read; resolves to the status, after the write
/// that quarantines an unreadable snapshot.
fn restore(
    driver: &Driver,
    keys: &Keys,
    loaded: Result<(Loaded, Option<String>), Error>,
) -> JsValue {
    let quarantine = driver.with(|inner| {
        if inner.resumed {
            return None; // connect() came first: its state wins
        }
        let now = now();
        let mut quarantine = None;
        match loaded {
            Err(error) => {
                // Unreadable storage: run in memory, keep what is stored.
                inner.conn.report(error);
                inner.conn.handle_worker_start();
                return None;
            }
            Ok((Loaded::Nothing, _)) => {}
            Ok((Loaded::Found { snapshot, raw }, secret)) => {
                if let Err(error) = inner.conn.restore(now, *snapshot, secret) {
                    quarantine = Some((raw, error.to_string()));
                    inner.conn.report(error);
                }
            }
            Ok((Loaded::Corrupt { raw, why }, _)) => {
                inner.conn.handle_corrupt_snapshot(&why);
                quarantine = Some((raw, why));
            }
        }
        inner.resumed = true;
        inner.conn.handle_worker_start();
        quarantine
    });
    let Ok(Some((raw, why))) = quarantine else {
        return status(driver);
    };
    let driver = driver.clone();
    let written = keys.quarantine_value(&raw, &why).then(move |result| {
        if let Err(error) = result {
            let _ = driver.with(|inner| inner.conn.report(error));
        }
        status(&driver)
    });
    written.into()
}

/// After a connect() that came before any restore: reads the stored
/// `nextId` and hands it to the core, so that ids go on from the last life's
/// (some of which may have reached the wire), then lets the writes start.
/// An unreadable store has no ids to give: the writes start all the same.
pub(crate) fn read_ids(driver: &Driver) {
    let Ok(keys) = driver.read(|i| i.keys.clone()) else {
        return;
    };
    let driver = driver.clone();
    let _ = keys.load(move |loaded| {
        let stored = match loaded {
            Ok((Loaded::Found { snapshot, .. }, _)) => Some(snapshot.next_id),
            _ => None,
        };
        apply_stored_ids(driver, stored);
        JsValue::UNDEFINED
    });
}

fn apply_stored_ids(driver: Driver, stored: Option<u64>) {
    let applied = driver.with(|inner| {
        if let Some(stored) = stored {
            let moved = inner.conn.handle_stored_next_id(stored);
            for pending in &mut inner.pending {
                pending.id = pending.id.saturating_add(moved);
            }
        }
        inner.ids_unread = false;
    });
    if applied.is_err() {
        // A call is running: once it is done (never leave the writes held).
        let _ = glue::later(move || {
            apply_stored_ids(driver, stored);
            JsValue::UNDEFINED
        });
    }
}
