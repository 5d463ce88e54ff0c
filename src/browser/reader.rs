//! Plain JS objects read field by field, with errors that name the field:
//! the hand-written stand-in for serde at the JS boundary (a fraction of its
//! size in wasm).

use crate::browser::convert::type_name;
use crate::core::json::quote;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// An object being read. `path` names it in errors (`""` for the top level).
pub(crate) struct Reader<'a> {
    value: &'a JsValue,
    path: &'a str,
}

impl<'a> Reader<'a> {
    /// `value` as an object to read: not null, not an array.
    pub(crate) fn new(value: &'a JsValue, path: &'a str) -> Result<Reader<'a>, String> {
        if value.is_object() && !Array::is_array(value) {
            Ok(Reader { value, path })
        } else {
            let name = if path.is_empty() { "the value" } else { path };
            Err(format!(
                "{name} must be an object, not {}",
                type_name(value)
            ))
        }
    }

    /// Refuses an own key that is not in `known`, naming it.
    pub(crate) fn only(&self, known: &[&str]) -> Result<(), String> {
        for key in Object::keys(self.value.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                let place = if self.path.is_empty() {
                    String::new()
                } else {
                    format!(" in {}", self.path)
                };
                return Err(format!(
                    "unknown key {}{place}; expected one of: {}",
                    quote(&key),
                    known.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The field's name in errors: `path.key`.
    pub(crate) fn name(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The raw value at `key` (`undefined` when absent).
    pub(crate) fn get(&self, key: &str) -> JsValue {
        Reflect::get(self.value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// The value at `key` through `read`; `None` when absent or null, an error
    /// saying what was `expected` when `read` refuses it.
    pub(crate) fn opt<T>(
        &self,
        key: &str,
        read: fn(&JsValue) -> Option<T>,
        expected: &str,
    ) -> Result<Option<T>, String> {
        let value = self.get(key);
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        match read(&value) {
            Some(v) => Ok(Some(v)),
            None => Err(wrong(&self.name(key), expected, &value)),
        }
    }

    /// Like [`Reader::opt`], but the field must be there.
    pub(crate) fn req<T>(
        &self,
        key: &str,
        read: fn(&JsValue) -> Option<T>,
        expected: &str,
    ) -> Result<T, String> {
        match self.opt(key, read, expected)? {
            Some(v) => Ok(v),
            None => Err(format!("{} is missing", self.name(key))),
        }
    }

    /// The list at `key`, each item through `item` (given its path); `None`
    /// when absent or null.
    pub(crate) fn list<T>(
        &self,
        key: &str,
        item: fn(&JsValue, &str) -> Result<T, String>,
    ) -> Result<Option<Vec<T>>, String> {
        let Some(array) = self.opt(key, as_array, "a list")? else {
            return Ok(None);
        };
        let name = self.name(key);
        let mut out = Vec::with_capacity(array.length() as usize);
        for (i, value) in array.iter().enumerate() {
            out.push(item(&value, &format!("{name}[{i}]"))?);
        }
        Ok(Some(out))
    }

    /// The object at `key` through `read`; `None` when absent or null.
    pub(crate) fn nested<T>(
        &self,
        key: &str,
        read: fn(&Reader) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        let value = self.get(key);
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        let name = self.name(key);
        read(&Reader::new(&value, &name)?).map(Some)
    }
}

/// "`name` must be `expected`, not `type`".
pub(crate) fn wrong(name: &str, expected: &str, value: &JsValue) -> String {
    format!("{name} must be {expected}, not {}", type_name(value))
}

fn as_array(value: &JsValue) -> Option<Array> {
    value.dyn_ref::<Array>().cloned()
}

/// A string.
pub(crate) fn string(value: &JsValue) -> Option<String> {
    value.as_string()
}

/// `true` or `false`.
pub(crate) fn boolean(value: &JsValue) -> Option<bool> {
    value.as_bool()
}

/// Any number.
pub(crate) fn number(value: &JsValue) -> Option<f64> {
    value.as_f64()
}

/// A non-negative safe integer.
pub(crate) fn whole(value: &JsValue) -> Option<u64> {
    value
        .as_f64()
        .filter(|n| (0.0..=MAX_SAFE).contains(n) && n.fract() == 0.0)
        .map(|n| n as u64)
}

/// A non-negative integer that fits in a `u32`.
pub(crate) fn whole_u32(value: &JsValue) -> Option<u32> {
    whole(value).and_then(|n| u32::try_from(n).ok())
}

/// A non-negative integer that fits in a `u16`.
pub(crate) fn whole_u16(value: &JsValue) -> Option<u16> {
    whole(value).and_then(|n| u16::try_from(n).ok())
}

/// A whole number as a JS number (not a BigInt, as `JsValue::from(u64)` makes).
pub(crate) fn js_number(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// `null` for `None`.
pub(crate) fn or_null(value: Option<JsValue>) -> JsValue {
    value.unwrap_or(JsValue::NULL)
}
