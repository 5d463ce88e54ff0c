//! The connection's transitions: opening, closing, losing a socket, backoff,
//! and the timers that drive them.

use crate::core::connection::Connection;
use crate::core::io::{Action, Event};
use crate::core::state::Phase;
use crate::core::timer::Timer;
use crate::core::{CloseInfo, CloseRequest, Error, ErrorInfo, Message, Millis, Timestamp};

/// Reconnect delays longer than this are also carried by an alarm, since a
/// timer dies with the worker.
pub const WAKE_ALARM_AFTER: Millis = Millis(25_000);

/// How long counter changes may wait before they are written.
const LAZY_PERSIST: Millis = Millis(2_000);

impl Connection {
    pub(super) fn open_socket(&mut self, now: Timestamp, reconnect: bool) {
        let Some(url) = &self.url else { return };
        let mut target = url.as_str().to_owned();
        if let Some(auth) = &self.config.auth {
            if let Some(param) = &auth.query_param {
                let sep = if target.contains('?') { '&' } else { '?' };
                target = format!("{target}{sep}{}={}", encode(param), encode(&auth.token));
            }
        }
        self.actions.push_back(Action::Open {
            url: target,
            protocols: self.config.subprotocols().to_vec(),
        });
        self.counters.connects += 1;
        if reconnect {
            self.counters.reconnects += 1;
        }
        self.timers.stop_socket_timers();
        self.timers
            .set(Timer::ConnectTimeout, now + self.config.connect_timeout());
        self.set_phase(Phase::Connecting);
    }

    /// Starts the closing handshake (`to_sleep`: to sleep, see `sleep.rs`).
    pub(super) fn start_close(&mut self, now: Timestamp, request: CloseRequest, to_sleep: bool) {
        self.actions.push_back(Action::Close {
            code: request.code(),
            reason: request.reason().to_owned(),
        });
        self.timers.stop_socket_timers();
        self.timers
            .set(Timer::CloseTimeout, now + self.config.close_timeout());
        self.set_phase(Phase::Closing { request, to_sleep });
    }

    pub(super) fn finish_close(&mut self, info: CloseInfo, next: Phase) {
        self.timers.stop_socket_timers();
        self.last_close = Some(info.clone());
        self.events.push_back(Event::Close(info));
        self.set_phase(next);
        self.mark_dirty();
    }

    /// The socket went away without the caller asking: reconnect, or not.
    pub(super) fn lost(&mut self, now: Timestamp, info: CloseInfo) {
        if let Phase::Open { since } = self.phase {
            if now.saturating_since(since) >= self.config.backoff.min_uptime {
                self.attempt = 0;
            }
        }
        let fatal = self.config.fatal_close_codes.contains(&info.code);
        if !self.intent_open || !self.config.reconnect || fatal {
            self.set_intent(false);
            self.finish_close(info, Phase::Closed);
            return;
        }
        self.attempt = self.attempt.saturating_add(1);
        if self.config.backoff.exhausted(self.attempt) {
            self.actions.push_back(Action::Watchdog(None));
            self.finish_close(info.clone(), Phase::GaveUp);
            self.report(Error::GaveUp);
            self.events.push_back(Event::GaveUp(Some(info)));
            return;
        }
        let random = self.random();
        let at = now + self.config.backoff.delay(self.attempt, random);
        self.finish_close(info, Phase::Backoff { at });
        self.back_off(now, at);
    }

    /// Waits in backoff until `at`: the reconnect timer, and an alarm when
    /// the wait may outlive the worker.
    pub(super) fn back_off(&mut self, now: Timestamp, at: Timestamp) {
        self.set_phase(Phase::Backoff { at });
        self.timers.set(Timer::Reconnect, at);
        if at.saturating_since(now) > WAKE_ALARM_AFTER {
            self.set_wake(Some(at));
        }
    }

    /// The caller's intent changes: a watchdog alarm keeps an open intent's
    /// worker coming back, and goes once the intent is closed.
    pub(super) fn set_intent(&mut self, open: bool) {
        if open {
            self.actions
                .push_back(Action::Watchdog(self.config.watchdog));
        } else if self.intent_open {
            self.actions.push_back(Action::Watchdog(None));
        }
        self.intent_open = open;
    }

    /// Asks for the one-shot wake alarm at `at`, or its removal; only on change.
    pub(super) fn set_wake(&mut self, at: Option<Timestamp>) {
        if self.wake != at {
            self.wake = at;
            self.actions.push_back(Action::Wake(at));
        }
    }

    /// The browser went online or offline: offline pauses reconnect attempts.
    pub fn handle_online(&mut self, now: Timestamp, online: bool) {
        let was = self.online;
        self.online = online;
        if online && !was && self.phase.is_backoff() {
            self.timers.set(Timer::Reconnect, now);
        }
    }

    pub(super) fn on_reconnect(&mut self, now: Timestamp) {
        if let Phase::Sleeping { until } = self.phase {
            if now >= until {
                self.wake_up(now);
            }
            return;
        }
        if !self.phase.is_backoff() || !self.intent_open {
            return;
        }
        if !self.online {
            return; // `handle_online` re-arms the attempt
        }
        self.open_socket(now, true);
    }

    /// Data moved: the keepalive waits a full interval from now.
    pub(super) fn touch(&mut self, now: Timestamp) {
        self.last_activity = now;
        match self.config.keepalive() {
            Some(keepalive) if self.phase.is_open() => {
                self.timers.set(Timer::Keepalive, now + keepalive.interval);
            }
            _ => self.timers.stop(Timer::Keepalive),
        }
        self.lazy_persist(now);
    }

    /// Counters changed: write them soon, together with whatever else
    /// changes (unless a write waits already; after a failed one, this is
    /// the change that tries again).
    pub(super) fn lazy_persist(&mut self, now: Timestamp) {
        if !self.timers.is_set(Timer::Persist) && self.dirty <= self.written_or_failed() {
            self.timers.set(Timer::Persist, now + LAZY_PERSIST);
        }
    }

    pub(super) fn on_keepalive(&mut self, now: Timestamp) {
        let Some(keepalive) = self.config.keepalive() else {
            return;
        };
        if !self.phase.is_open() {
            return;
        }
        if now.saturating_since(self.last_activity) < keepalive.interval {
            let at = self.last_activity + keepalive.interval;
            self.timers.set(Timer::Keepalive, at);
            return;
        }
        let message = Message::Text(keepalive.message.clone());
        self.actions.push_back(Action::Send(message));
        self.counters.keepalives += 1;
        if let Some(heartbeat) = &self.config.heartbeat {
            self.timers.set(Timer::Heartbeat, now + heartbeat.timeout);
        }
        self.touch(now);
    }

    pub(super) fn on_heartbeat_timeout(&mut self, now: Timestamp) {
        if self.phase.is_open() {
            self.give_up_socket(now, Error::HeartbeatTimeout, "heartbeat timeout");
        }
    }

    pub(super) fn on_connect_timeout(&mut self, now: Timestamp) {
        if self.phase.is_connecting() {
            self.give_up_socket(now, Error::ConnectTimeout, "connect timeout");
        }
    }

    /// Drops a socket that stopped answering, as if it closed with 1006.
    fn give_up_socket(&mut self, now: Timestamp, error: Error, reason: &str) {
        self.report(error);
        self.actions.push_back(Action::Drop);
        let info = CloseInfo {
            code: 1006,
            reason: reason.into(),
            was_clean: false,
        };
        self.lost(now, info);
    }

    /// Drops a socket whose closing handshake is under way (it timed out, or
    /// `connect` wants a new one); the close is reported as unclean.
    pub(super) fn abandon_close(&mut self, now: Timestamp) {
        let Phase::Closing { request, to_sleep } = &self.phase else {
            return;
        };
        let to_sleep = *to_sleep;
        let info = CloseInfo {
            code: request.code(),
            reason: request.reason().to_owned(),
            was_clean: false,
        };
        self.actions.push_back(Action::Drop);
        if to_sleep {
            self.fall_asleep(now, info);
        } else {
            self.finish_close(info, Phase::Closed);
        }
    }

    pub(super) fn report(&mut self, error: Error) {
        self.last_error = Some(ErrorInfo::from(&error));
        self.events.push_back(Event::Error(error));
    }

    pub(super) fn set_phase(&mut self, phase: Phase) {
        let changed = phase.public() != self.phase.public();
        self.phase = phase;
        if changed {
            self.events.push_back(Event::State(self.phase.public()));
        }
    }

    /// Something worth persisting changed; returns the sequence that will hold it.
    pub(super) fn mark_dirty(&mut self) -> u64 {
        self.dirty += 1;
        self.timers.stop(Timer::Persist);
        self.read_on_change();
        self.dirty
    }
}

/// Percent-encodes a query component.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
