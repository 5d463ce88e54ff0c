//! Time as the core sees it: milliseconds passed in by the caller.

use core::ops::{Add, Sub};

/// A point in time, in milliseconds since the Unix epoch (`Date.now()` in the
/// browser, a virtual clock in tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The timestamp for `ms` milliseconds since the epoch.
    pub const fn from_millis(ms: u64) -> Self {
        Timestamp(ms)
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The time from `earlier` to `self`, zero when `earlier` is later.
    pub fn saturating_since(self, earlier: Timestamp) -> Millis {
        Millis(self.0.saturating_sub(earlier.0))
    }
}

/// A span of time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Millis {
    /// A span of `ms` milliseconds.
    pub const fn new(ms: u64) -> Self {
        Millis(ms)
    }

    /// The span in milliseconds.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl Add<Millis> for Timestamp {
    type Output = Timestamp;
    fn add(self, rhs: Millis) -> Timestamp {
        Timestamp(self.0.saturating_add(rhs.0))
    }
}

impl Sub<Timestamp> for Timestamp {
    type Output = Millis;
    fn sub(self, rhs: Timestamp) -> Millis {
        self.saturating_since(rhs)
    }
}
