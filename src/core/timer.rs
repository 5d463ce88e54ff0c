//! The timer table: one optional deadline per timer, the next one is the minimum.

use crate::core::Timestamp;

/// The timers of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timer {
    /// Send the keepalive message after a silence.
    Keepalive,
    /// Give up on a socket that does not open.
    ConnectTimeout,
    /// Drop a socket whose closing handshake does not finish.
    CloseTimeout,
}

impl Timer {
    const ALL: [Timer; 3] = [Timer::Keepalive, Timer::ConnectTimeout, Timer::CloseTimeout];

    fn index(self) -> usize {
        self as usize
    }
}

/// Deadlines by timer.
#[derive(Clone, Debug, Default)]
pub(crate) struct TimerTable {
    deadlines: [Option<Timestamp>; Timer::ALL.len()],
}

impl TimerTable {
    pub(crate) fn set(&mut self, timer: Timer, at: Timestamp) {
        if let Some(slot) = self.deadlines.get_mut(timer.index()) {
            *slot = Some(at);
        }
    }

    pub(crate) fn stop(&mut self, timer: Timer) {
        if let Some(slot) = self.deadlines.get_mut(timer.index()) {
            *slot = None;
        }
    }

    pub(crate) fn stop_all(&mut self) {
        self.deadlines = Default::default();
    }

    /// The earliest deadline of all running timers.
    pub(crate) fn next(&self) -> Option<Timestamp> {
        self.deadlines.iter().flatten().min().copied()
    }

    /// Stops and returns the first timer whose deadline is at or before `now`.
    pub(crate) fn take_expired(&mut self, now: Timestamp) -> Option<Timer> {
        let timer = Timer::ALL
            .into_iter()
            .find(|t| matches!(self.deadlines.get(t.index()), Some(Some(at)) if *at <= now))?;
        self.stop(timer);
        Some(timer)
    }
}
