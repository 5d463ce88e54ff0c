//! Where a socket's state lives in chrome.storage, and how it is read back.

use crate::browser::glue;
use crate::core::codec::encode;
use crate::core::{Loaded, Snapshot};
use js_sys::{Promise, Reflect};
use wasm_bindgen::JsValue;

/// The storage keys of one `SwWebSocket`: `KEY` in the chosen area for the
/// snapshot, `KEY:secret` in `session` for the auth token, `KEY:quarantine`
/// for a snapshot that could not be read.
#[derive(Clone, Debug)]
pub(crate) struct Keys {
    pub(crate) area: String,
    pub(crate) key: String,
}

impl Keys {
    /// Whether state is stored at all (`storageArea: "none"` keeps it in memory).
    pub(crate) fn enabled(&self) -> bool {
        self.area != "none"
    }

    pub(crate) fn secret(&self) -> String {
        format!("{}:secret", self.key)
    }

    pub(crate) fn quarantine(&self) -> String {
        format!("{}:quarantine", self.key)
    }

    /// The name of the socket opened early for these keys (`socket.js`).
    pub(crate) fn early(&self) -> String {
        format!("{}:{}", self.area, self.key)
    }

    pub(crate) fn alarm(&self, which: &str) -> String {
        format!("{}:{which}", self.key)
    }

    /// Reads the snapshot and the secret, then runs `then` with what was
    /// found and the stored value as it is (to quarantine); the promise
    /// resolves with what `then` returns.
    pub(crate) fn load(&self, then: impl FnOnce(Loaded, JsValue) -> JsValue + 'static) -> Promise {
        glue::load(&self.area, &self.key, &self.secret()).then(|read| {
            let pair = match read {
                Ok(pair) => pair,
                Err(error) => return then(Loaded::Failed(error), JsValue::UNDEFINED),
            };
            let item = |i: f64| Reflect::get(&pair, &i.into()).unwrap_or(JsValue::UNDEFINED);
            let (raw, secret) = (item(0.0), item(1.0).as_string());
            let found = if raw.is_undefined() || raw.is_null() {
                Loaded::Nothing
            } else {
                match Snapshot::from_stored(&raw) {
                    Ok(snapshot) => Loaded::Snapshot(Box::new(snapshot), secret),
                    Err(why) => Loaded::Corrupt {
                        why,
                        next_id: Snapshot::salvage_next_id(&raw),
                    },
                }
            };
            then(found, raw)
        })
    }

    /// Keeps an unreadable snapshot aside, with when and why.
    pub(crate) fn quarantine_value(&self, raw: &JsValue, why: &str) -> glue::Call {
        let record = crate::browser::js::convert::object(&[
            ("at", js_sys::Date::now().into()),
            ("why", why.into()),
            ("value", raw.clone()),
        ]);
        glue::set(&self.area, &self.quarantine(), &record)
    }

    /// Writes the snapshot, and the secret when it changed.
    pub(crate) fn write(
        &self,
        mut snapshot: Snapshot,
        secret: Option<&Option<String>>,
    ) -> glue::Call {
        let secret = match secret {
            Some(Some(token)) => JsValue::from_str(token),
            Some(None) => JsValue::NULL,
            None => JsValue::UNDEFINED,
        };
        glue::write(
            &self.area,
            &self.key,
            &encode(&mut snapshot),
            &self.secret(),
            &secret,
        )
    }
}
