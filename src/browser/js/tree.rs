//! `JsValue` as a [`Tree`]: records are written to and read from plain JS
//! objects (what `chrome.storage` keeps and callers pass), through the same
//! field lists as natively.

use crate::browser::js::convert::type_name;
use crate::core::codec::Tree;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

impl Tree for JsValue {
    fn null() -> Self {
        JsValue::NULL
    }

    fn from_bool(value: bool) -> Self {
        JsValue::from_bool(value)
    }

    fn from_number(value: f64) -> Self {
        JsValue::from_f64(value)
    }

    fn from_text(value: &str) -> Self {
        JsValue::from_str(value)
    }

    fn from_items(items: Vec<Self>) -> Self {
        items.into_iter().collect::<Array>().into()
    }

    fn new_object() -> Self {
        Object::new().into()
    }

    fn set(&mut self, key: &str, value: Self) {
        let _ = Reflect::set(self, &JsValue::from_str(key), &value);
    }

    fn as_bool(&self) -> Option<bool> {
        JsValue::as_bool(self)
    }

    fn as_number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn as_text(&self) -> Option<String> {
        self.as_string()
    }

    fn is_object(&self) -> bool {
        JsValue::is_object(self) && !Array::is_array(self)
    }

    /// `undefined` and `null` count as absent.
    fn get(&self, key: &str) -> Option<Self> {
        if !JsValue::is_object(self) {
            return None;
        }
        Reflect::get(self, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn items(&self) -> Option<Vec<Self>> {
        self.dyn_ref::<Array>().map(|list| list.iter().collect())
    }

    fn keys(&self) -> Vec<String> {
        match self.dyn_ref::<Object>() {
            Some(object) => Object::keys(object)
                .iter()
                .filter_map(|key| key.as_string())
                .collect(),
            None => Vec::new(),
        }
    }

    fn type_name(&self) -> String {
        type_name(self)
    }
}
