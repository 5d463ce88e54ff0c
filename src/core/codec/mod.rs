//! Records as plain values, defined once: the stored snapshot, the options
//! and the status each list their fields in one place, a [`Record::fields`]
//! method, and that one list is read and written on two sides.
//!
//! - [`Tree`] is a JSON-like value with two implementations: `JsValue` in
//!   the browser shell (what `chrome.storage` holds and JS callers pass) and
//!   [`Value`] natively (tests and the fuzz targets, through serde_json).
//! - A field is handed to a [`Visit`] as a [`Slot`]: a mutable place tagged
//!   with the kind of value it holds (an optional number, a nested record,
//!   a list of records...). [`encode`] and [`decode`] are the two visitors:
//!   the decoder the shell ships is the one the `snapshot` fuzz target runs.
//!
//! Renaming or reordering a field is a change to its record's `fields`
//! only. Hand-written rather than serde at the JS boundary, and with slots
//! rather than a generic per field type: both cost several times the size
//! in the wasm module.

mod read;
mod serde;
mod slot;
mod tree;
mod value;
mod write;

pub use read::{decode, keys};
pub use slot::{Choice, OptRecord, Record, Records, Rules, Slot, Visit};
pub use tree::Tree;
pub use value::Value;
pub use write::encode;

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`):
/// ids and counters stay at or below it.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// `n` if it is a whole number from 0 to [`MAX_SAFE_INTEGER`].
pub(crate) fn whole(n: f64) -> Option<u64> {
    (n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER as f64).contains(&n)).then_some(n as u64)
}
