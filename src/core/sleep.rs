//! Sleeping when idle (`sleepAfterMs`, off by default): once no application
//! data moved for that long, the socket is closed with 1000 and
//! [`SLEEP_REASON`], the keepalive and the watchdog alarm stop, and the
//! connection sleeps until a one-shot alarm `wakeEveryMs` later. The worker
//! is then free to stop. A wake connects, resumes inbound delivery, flushes
//! the outbox, and sleeps again once idle; a `send()` wakes it at once;
//! `close()` ends the schedule. The wake time is in the snapshot.
//!
//! ```text
//!  Open ──(idle: no app data for sleepAfterMs)──> Closing ──> Sleeping { until }
//!    ^                                                          │
//!    └──── Connecting <──(until, its alarm, or a send())────────┘
//! ```

use crate::core::connection::Connection;
use crate::core::io::Action;
use crate::core::schedule::DEFAULT_WAKE_EVERY_MS;
use crate::core::state::Phase;
use crate::core::timer::Timer;
use crate::core::{CloseInfo, CloseRequest, Millis, Timestamp};

/// The close reason of a socket closed to sleep.
pub const SLEEP_REASON: &str = "sw-websocket: idle, sleeping";
/// A wake that brings no application data sleeps again this long after its
/// socket opened (a server answers `sw.resume` at once); a socket still busy
/// (a send not acked, a message being handled, a position not stored) is
/// checked again after as long.
pub const WAKE_LINGER: Millis = Millis(3_000);

impl Connection {
    /// Application data moved (a message handed to the app, or one of its
    /// own handed to the socket): the sleep waits `sleepAfterMs` from now.
    pub(super) fn app_data(&mut self, now: Timestamp) {
        if let Some(sleep) = self.config.sleep {
            if self.phase.is_open() {
                self.timers.set(Timer::Sleep, now + sleep.after);
            }
        }
    }

    /// A socket opened: it sleeps after `sleepAfterMs`, or after
    /// [`WAKE_LINGER`] when a wake opened it.
    pub(super) fn sleep_on_open(&mut self, now: Timestamp) {
        let woke = std::mem::replace(&mut self.woke, false);
        if let Some(sleep) = self.config.sleep {
            let wait = if woke {
                WAKE_LINGER.min(sleep.after)
            } else {
                sleep.after
            };
            self.timers.set(Timer::Sleep, now + wait);
        }
    }

    /// The idle time is up: close to sleep, unless something is in flight.
    pub(super) fn on_sleep_timer(&mut self, now: Timestamp) {
        if self.config.sleep.is_none() || !self.phase.is_open() || !self.intent_open {
            return;
        }
        if self.busy() {
            self.timers.set(Timer::Sleep, now + WAKE_LINGER);
            return;
        }
        if let Ok(request) = CloseRequest::new(None, Some(SLEEP_REASON)) {
            self.start_close(now, request, true);
        }
    }

    /// Whether sleeping now would leave work half done: a message waiting
    /// in the outbox or for its ack, a send not settled, an inbound message
    /// queued or being handled, or a handled position not yet stored.
    fn busy(&self) -> bool {
        self.outbox.len() > 0
            || !self.unsettled.is_empty()
            || self.inbound.busy()
            || self.timers.is_set(Timer::InboundWrite)
    }

    /// The socket closed to sleep: asleep until `wakeEveryMs` from now (a
    /// send made meanwhile wakes it at once).
    pub(super) fn fall_asleep(&mut self, now: Timestamp, info: CloseInfo) {
        let every = self
            .config
            .sleep
            .map_or(Millis(DEFAULT_WAKE_EVERY_MS), |s| s.wake_every);
        let until = now + every;
        self.finish_close(info, Phase::Sleeping { until });
        self.sleep_until(until);
        if self.outbox.has_waiting() {
            self.wake_up(now);
        }
    }

    /// Sleeps until `until`: the timer for a worker that lives that long,
    /// the alarm for one that does not, and no watchdog alarm meanwhile (it
    /// would keep waking the worker).
    pub(super) fn sleep_until(&mut self, until: Timestamp) {
        self.set_phase(Phase::Sleeping { until });
        self.timers.stop_socket_timers();
        self.timers.set(Timer::Reconnect, until);
        self.actions.push_back(Action::Watchdog(None));
        self.wake = None; // set again even if an earlier life set the same
        self.set_wake(Some(until));
        self.mark_dirty();
    }

    /// Wakes: the watchdog alarm again, and a socket.
    pub(super) fn wake_up(&mut self, now: Timestamp) {
        if !matches!(self.phase, Phase::Sleeping { .. }) {
            return;
        }
        self.set_wake(None);
        self.actions
            .push_back(Action::Watchdog(self.config.watchdog));
        self.woke = true;
        self.open_socket(now, false);
    }
}
