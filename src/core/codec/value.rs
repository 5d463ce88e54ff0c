//! The native side of [`Tree`]: a JSON value that serde_json reads and
//! writes (`serde.rs`) as JS does: keys in the order they were set, whole
//! numbers without a fraction.

use super::Tree;

/// A JSON value, natively: what tests and fuzz targets decode records from
/// (`serde_json::from_str::<Value>`) and encode them to.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (JSON numbers are JS numbers: `f64`).
    Number(f64),
    /// A string.
    String(String),
    /// A list.
    List(Vec<Value>),
    /// An object, its keys in order (a key set again keeps its place).
    Object(Vec<(String, Value)>),
}

impl Tree for Value {
    fn null() -> Self {
        Value::Null
    }

    fn from_bool(value: bool) -> Self {
        Value::Bool(value)
    }

    fn from_number(value: f64) -> Self {
        Value::Number(value)
    }

    fn from_text(value: &str) -> Self {
        Value::String(value.to_owned())
    }

    fn from_items(items: Vec<Self>) -> Self {
        Value::List(items)
    }

    fn new_object() -> Self {
        Value::Object(Vec::new())
    }

    fn set(&mut self, key: &str, value: Self) {
        if let Value::Object(fields) = self {
            match fields.iter_mut().find(|(k, _)| k == key) {
                Some((_, old)) => *old = value,
                None => fields.push((key.to_owned(), value)),
            }
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    fn as_text(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            _ => None,
        }
    }

    fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    fn get(&self, key: &str) -> Option<Self> {
        match self {
            Value::Object(fields) => fields
                .iter()
                .find(|(k, v)| k == key && *v != Value::Null)
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    fn items(&self) -> Option<Vec<Self>> {
        match self {
            Value::List(items) => Some(items.clone()),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<String> {
        match self {
            Value::Object(fields) => fields.iter().map(|(k, _)| k.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// The names JS gives (`typeof`, or the constructor's name for objects).
    fn type_name(&self) -> String {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "Array",
            Value::Object(_) => "Object",
        }
        .into()
    }
}
