//! The shell's clock: `Date.now()` as a core timestamp.

use crate::core::Timestamp;

/// Now, in milliseconds since the epoch.
pub(crate) fn now() -> Timestamp {
    let ms = js_sys::Date::now();
    Timestamp(if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    })
}
