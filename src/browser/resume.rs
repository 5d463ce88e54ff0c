//! `resume()`: the state read back from storage at worker start.

use crate::browser::api::status;
use crate::browser::clock::now;
use crate::browser::driver::Driver;
use crate::browser::glue;
use crate::browser::store::{Keys, Loaded};
use crate::core::codec::whole;
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
        // After a connect() that came first, only the stored ids are wanted.
        let keys = match driver.read(|i| (i.resumed && !i.ids_unread, i.keys.clone())) {
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
    // Ids below it may be on the wire: a fresh state goes on from there.
    let stored = stored_next_id(&loaded);
    let quarantine = driver.with(|inner| {
        if inner.resumed {
            // connect() came first: its state wins, but its ids go on from
            // the stored ones (ids below them may be on the wire). Storage
            // that could not be read tells nothing: the writes keep waiting,
            // and the next change reads again.
            inner.ids_reading = false;
            match (inner.ids_unread, loaded) {
                (true, Err(error)) => {
                    inner.ids_failed_at = inner.conn.poll_persist();
                    inner.conn.report(error);
                }
                (true, Ok(_)) => {
                    inner.ids_unread = false;
                    let moved = inner.conn.handle_stored_next_id(stored.unwrap_or(1));
                    for pending in &mut inner.pending {
                        pending.id += moved;
                    }
                }
                _ => {}
            }
            return None;
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
        if quarantine.is_some() {
            inner.conn.handle_stored_next_id(stored.unwrap_or(1));
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

/// The `nextId` of a snapshot that could not be read, if it has a usable one.
fn next_id_of(raw: &JsValue) -> Option<u64> {
    js_sys::Reflect::get(raw, &"nextId".into())
        .ok()?
        .as_f64()
        .and_then(whole)
}

/// The `nextId` of what was read, readable or not.
fn stored_next_id(loaded: &Result<(Loaded, Option<String>), Error>) -> Option<u64> {
    match loaded {
        Ok((Loaded::Found { snapshot, .. }, _)) => Some(snapshot.next_id),
        Ok((Loaded::Corrupt { raw, .. }, _)) => next_id_of(raw),
        _ => None,
    }
}
