//! A JSON-like value that records are written to and read from.

/// A dynamically typed value: `null`, a boolean, a number, a string, a list
/// or an object. `JsValue` is one (in the shell), [`Value`](super::Value)
/// the other (natively).
pub trait Tree: Clone + Sized {
    /// `null`.
    fn null() -> Self;
    /// A boolean.
    fn from_bool(value: bool) -> Self;
    /// A number.
    fn from_number(value: f64) -> Self;
    /// A string.
    fn from_text(value: &str) -> Self;
    /// A list of `items`.
    fn from_items(items: Vec<Self>) -> Self;
    /// An empty object, to [`set`](Tree::set) fields on.
    fn new_object() -> Self;
    /// Sets `key` of an object made by [`new_object`](Tree::new_object).
    fn set(&mut self, key: &str, value: Self);

    /// The boolean, if this is one.
    fn as_bool(&self) -> Option<bool>;
    /// The number, if this is one.
    fn as_number(&self) -> Option<f64>;
    /// The string, if this is one.
    fn as_text(&self) -> Option<String>;
    /// Whether this is an object: not `null`, not a list.
    fn is_object(&self) -> bool;
    /// The value at `key` of an object; `None` when absent, `null` (or `undefined`).
    fn get(&self, key: &str) -> Option<Self>;
    /// The items, if this is a list.
    fn items(&self) -> Option<Vec<Self>>;
    /// An object's own keys, in order.
    fn keys(&self) -> Vec<String>;
    /// A short name of the value's type, for errors ("string", "Array", ...).
    fn type_name(&self) -> String;
}
