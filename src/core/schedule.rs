//! When to sleep and how often to wake (`sleepAfterMs`, `wakeEveryMs`): a
//! leaf of the config; the rules that use it are in `sleep.rs`.

use crate::core::{Error, Millis};

/// The default time between wakes.
pub const DEFAULT_WAKE_EVERY_MS: u64 = 300_000;
/// The shortest time between wakes: Chrome's shortest alarm period for
/// packed extensions.
pub const MIN_WAKE_EVERY_MS: u64 = 30_000;
/// When to sleep and how often to wake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sleep {
    /// No application data for this long: sleep.
    pub(crate) after: Millis,
    /// Asleep for this long between wakes.
    pub(crate) wake_every: Millis,
}

impl Sleep {
    /// No application data for this long: sleep.
    pub fn after(&self) -> Millis {
        self.after
    }

    /// Asleep for this long between wakes.
    pub fn wake_every(&self) -> Millis {
        self.wake_every
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        let range = |name: &str, v: u64, min: u64| {
            if (min..=86_400_000).contains(&v) {
                Ok(())
            } else {
                Err(Error::InvalidOption(format!(
                    "{name} must be from {min} to 86400000, not {v}"
                )))
            }
        };
        range("sleepAfterMs", self.after.get(), 1_000)?;
        range("wakeEveryMs", self.wake_every.get(), MIN_WAKE_EVERY_MS)
    }
}
