//! Reading the stored state when the core asks ([`Action::Load`]): what was
//! found goes to the core, which decides what it means; a stored value the
//! core cannot restore is kept aside (quarantined) as it is. A `resume()`
//! resolves with the status once that is done.
//!
//! [`Action::Load`]: crate::core::Action::Load

use super::{Driver, Inner};
use crate::browser::clock::now;
use crate::browser::storage::Keys;
use crate::core::Loaded;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

impl Inner {
    /// Starts the read the core asked for; `resume()` waits for it.
    pub(super) fn load(&mut self, cell: &Rc<RefCell<Inner>>) {
        let driver = Driver {
            inner: cell.clone(),
        };
        let keys = self.keys.clone();
        // Started inside the borrow (unlike a write: a microtask cost 120 B
        // gzip); a storage area that calls back gets `reentrant`.
        let read = self
            .keys
            .load(move |found, raw| loaded(&driver, &keys, found, &raw));
        self.loading = Some(read);
    }
}

/// Hands what was read to the core; resolves to the status, after the
/// quarantine write when the core asks for one.
fn loaded(driver: &Driver, keys: &Keys, found: Loaded, raw: &JsValue) -> JsValue {
    let Ok(Some(why)) = driver.with(|inner| inner.conn.handle_loaded(now(), found)) else {
        return driver.status();
    };
    let driver = driver.clone();
    let written = keys.quarantine_value(raw, &why).then(move |result| {
        if let Err(error) = result {
            let _ = driver.with(|inner| inner.conn.handle_storage_error(now(), error));
        }
        driver.status()
    });
    written.into()
}
