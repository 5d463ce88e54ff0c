//! Reconnect delays: exponential backoff with full jitter, a cap and a retry limit.

use crate::core::Millis;

/// The default first delay's ceiling (`backoffBaseMs`).
pub const DEFAULT_BACKOFF_BASE_MS: u64 = 1_000;
/// The default largest ceiling (`backoffMaxMs`).
pub const DEFAULT_BACKOFF_MAX_MS: u64 = 60_000;
/// The default uptime that resets the attempt count (`minUptimeMs`).
pub const DEFAULT_MIN_UPTIME_MS: u64 = 5_000;

/// The reconnect policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay's ceiling.
    pub base: Millis,
    /// The largest ceiling.
    pub max: Millis,
    /// A connection that stayed open this long resets the attempt count.
    pub min_uptime: Millis,
    /// Attempts after which the connection gives up; `None` retries forever.
    pub max_retries: Option<u32>,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Millis(DEFAULT_BACKOFF_BASE_MS),
            max: Millis(DEFAULT_BACKOFF_MAX_MS),
            min_uptime: Millis(DEFAULT_MIN_UPTIME_MS),
            max_retries: None,
        }
    }
}

impl Backoff {
    /// The ceiling for attempt `attempt` (1-based): `min(max, base * 2^(attempt-1))`.
    pub fn ceiling(&self, attempt: u32) -> Millis {
        let shift = attempt.saturating_sub(1).min(52);
        let grown = self.base.get().saturating_mul(1u64 << shift);
        Millis(grown.min(self.max.get()))
    }

    /// Full jitter: a delay uniform in `[0, ceiling]`, from `random` in `[0, 1)`.
    pub fn delay(&self, attempt: u32, random: f64) -> Millis {
        let r = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let ceiling = self.ceiling(attempt).get();
        Millis((ceiling as f64 * r).round() as u64)
    }

    /// Whether attempt `attempt` is past the retry limit.
    pub fn exhausted(&self, attempt: u32) -> bool {
        self.max_retries.is_some_and(|max| attempt > max)
    }
}

/// The default random source: xorshift64*, seeded by the shell.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub(crate) fn next_f64(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}
