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
    /// Open the next socket after a backoff delay.
    Reconnect,
    /// Count the connection dead if the heartbeat reply does not come.
    Heartbeat,
    /// Write the counters, which change too often to write each time.
    Persist,
    /// End an inbound message's handling that takes too long.
    Handler,
    /// Write the handled inbound position, paced during a burst.
    InboundWrite,
    /// Sleep once idle (`sleepAfterMs`).
    Sleep,
}

impl Timer {
    const ALL: [Timer; 9] = [
        Timer::Keepalive,
        Timer::ConnectTimeout,
        Timer::CloseTimeout,
        Timer::Reconnect,
        Timer::Heartbeat,
        Timer::Persist,
        Timer::Handler,
        Timer::InboundWrite,
        Timer::Sleep,
    ];

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

    /// Stops every timer of the socket (all but the writes').
    pub(crate) fn stop_socket_timers(&mut self) {
        for timer in Timer::ALL {
            if !matches!(timer, Timer::Persist | Timer::InboundWrite) {
                self.stop(timer);
            }
        }
    }

    pub(crate) fn is_set(&self, timer: Timer) -> bool {
        matches!(self.deadlines.get(timer.index()), Some(Some(_)))
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
