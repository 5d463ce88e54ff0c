//! Plain JS objects read field by field, with errors that name the field:
//! the hand-written stand-in for serde at the JS boundary (a fraction of its
//! size in wasm).
//!
//! A reader does not stop at the first problem: it notes it, hands back a
//! default and goes on, and [`Problem::into_result`] reports the first one.
//! Building a struct then takes no early returns, each of which would need
//! its own code to drop the fields read so far.

use crate::browser::convert::type_name;
use crate::core::json::quote;
use js_sys::{Array, Object, Reflect};
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// The first problem met while reading, shared by the readers of one value.
#[derive(Default)]
struct Problem(Cell<Option<String>>);

impl Problem {
    /// Notes `why` unless a problem was noted before.
    fn note(&self, why: String) {
        let first = self.0.take();
        self.0.set(first.or(Some(why)));
    }

    /// `value`, or the first problem.
    fn into_result<T>(self, value: T) -> Result<T, String> {
        match self.0.into_inner() {
            None => Ok(value),
            Some(why) => Err(why),
        }
    }
}

/// Reads `value` as an object through `read`: the value, or the first problem.
pub(crate) fn read_object<T>(value: JsValue, read: impl FnOnce(&Reader) -> T) -> Result<T, String> {
    let problem = Problem::default();
    let value = read(&Reader::new(value, String::new(), &problem));
    problem.into_result(value)
}

/// An object being read. `path` names it in errors (`""` for the top level).
pub(crate) struct Reader<'a> {
    value: JsValue,
    path: String,
    problem: &'a Problem,
}

impl<'a> Reader<'a> {
    /// `value` as an object to read: not null, not an array (else a problem,
    /// and every field reads as absent).
    fn new(value: JsValue, path: String, problem: &'a Problem) -> Reader<'a> {
        let value = if value.is_object() && !Array::is_array(&value) {
            value
        } else {
            let name = if path.is_empty() { "the value" } else { &path };
            problem.note(format!(
                "{name} must be an object, not {}",
                type_name(&value)
            ));
            JsValue::UNDEFINED
        };
        Reader {
            value,
            path,
            problem,
        }
    }

    /// Notes an own key that is not in `known`, naming it.
    pub(crate) fn only(&self, known: &[&str]) {
        if !self.value.is_object() {
            return;
        }
        let keys = Object::keys(self.value.unchecked_ref::<Object>());
        let unknown = keys
            .iter()
            .filter_map(|key| key.as_string())
            .find(|key| !known.contains(&key.as_str()));
        if let Some(key) = unknown {
            let place = if self.path.is_empty() {
                String::new()
            } else {
                format!(" in {}", self.path)
            };
            self.problem.note(format!(
                "unknown key {}{place}; expected one of: {}",
                quote(&key),
                list(known)
            ));
        }
    }

    /// The field's name in errors: `path.key`.
    pub(crate) fn name(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The raw value at `key`, `None` when absent, `undefined` or `null`.
    pub(crate) fn get(&self, key: &str) -> Option<JsValue> {
        if !self.value.is_object() {
            return None;
        }
        Reflect::get(&self.value, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    /// The object at `key`, to read (absent reads as a problem, like any non-object).
    pub(crate) fn object(&self, key: &str) -> Reader<'a> {
        let value = self.get(key).unwrap_or(JsValue::UNDEFINED);
        Reader::new(value, self.name(key), self.problem)
    }

    /// Notes "`key` is missing".
    pub(crate) fn missing(&self, key: &str) {
        self.problem.note(format!("{} is missing", self.name(key)));
    }

    /// Notes "`key` must be `expected`, not ...".
    pub(crate) fn wrong(&self, key: &str, expected: &str, value: &JsValue) {
        self.problem.note(wrong(&self.name(key), expected, value));
    }

    /// The value at `key` through `read`; `None` when absent. A value `read`
    /// refuses is a problem saying what was `expected`.
    pub(crate) fn opt<T>(
        &self,
        key: &str,
        read: fn(&JsValue) -> Option<T>,
        expected: &str,
    ) -> Option<T> {
        let value = self.get(key)?;
        let read = read(&value);
        if read.is_none() {
            self.wrong(key, expected, &value);
        }
        read
    }

    /// Like [`Reader::opt`], but absence is a problem too.
    pub(crate) fn req<T: Default>(
        &self,
        key: &str,
        read: fn(&JsValue) -> Option<T>,
        expected: &str,
    ) -> T {
        if self.get(key).is_none() {
            self.missing(key);
        }
        self.opt(key, read, expected).unwrap_or_default()
    }

    /// The list at `key`, each item through `item`; `None` when absent.
    pub(crate) fn list<T>(&self, key: &str, item: fn(&Item) -> T) -> Option<Vec<T>> {
        let value = self.get(key)?;
        let Some(array) = value.dyn_ref::<Array>() else {
            self.wrong(key, "a list", &value);
            return None;
        };
        let name = self.name(key);
        let items = array.iter().enumerate().map(|(i, value)| {
            item(&Item {
                value,
                path: format!("{name}[{i}]"),
                problem: self.problem,
            })
        });
        Some(items.collect())
    }

    /// The object at `key` through `read`; `None` when absent.
    pub(crate) fn nested<T>(&self, key: &str, read: fn(&Reader) -> T) -> Option<T> {
        let value = self.get(key)?;
        Some(read(&Reader::new(value, self.name(key), self.problem)))
    }
}

/// One item of a list being read.
pub(crate) struct Item<'a> {
    /// The item.
    pub(crate) value: JsValue,
    /// Its name in errors: `path.key[i]`.
    pub(crate) path: String,
    problem: &'a Problem,
}

impl Item<'_> {
    /// The item through `read`, or a problem saying what was `expected`.
    pub(crate) fn read<T: Default>(&self, read: fn(&JsValue) -> Option<T>, expected: &str) -> T {
        read(&self.value).unwrap_or_else(|| {
            self.problem.note(wrong(&self.path, expected, &self.value));
            T::default()
        })
    }

    /// The item as an object to read.
    pub(crate) fn object(&self) -> Reader<'_> {
        Reader::new(self.value.clone(), self.path.clone(), self.problem)
    }
}

/// `items` separated by commas (`[&str]::join` is a generic of its own).
pub(crate) fn list(items: &[&str]) -> String {
    let mut out = String::new();
    for item in items {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(item);
    }
    out
}

/// "`name` must be `expected`, not `type`".
pub(crate) fn wrong(name: &str, expected: &str, value: &JsValue) -> String {
    format!("{name} must be {expected}, not {}", type_name(value))
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
