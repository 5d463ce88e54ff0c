//! The checks after every step (the invariants are listed in `mod.rs`),
//! and how a broken one is reported.

use super::*;

impl Driver<'_> {
    pub(super) fn fail(&self, invariant: &str, detail: String) -> ! {
        let start = self.trace.len().saturating_sub(40);
        panic!(
            "invariant `{invariant}` broken at step {} ({}), t={}: {detail}\n  \
             recent steps: {}\n  state {:?}, socket {:?}, pending {:?}, unacked {:?}",
            self.steps,
            self.trace.last().copied().unwrap_or("start"),
            self.now.0 - START,
            self.trace.get(start..).unwrap_or_default().join(", "),
            self.conn.state(),
            self.socket,
            self.pending,
            self.unacked,
        );
    }

    /// A call returned `Err`: nothing may have changed. Ends the step.
    pub(super) fn rejected(&mut self, what: &str, error: impl std::fmt::Debug) {
        if let Some(action) = self.conn.poll_action() {
            self.fail(
                "rejected calls change nothing",
                format!("{what} failed with {error:?} but asked for {action:?}"),
            );
        }
        if let Some(event) = self.conn.poll_event() {
            self.fail(
                "rejected calls change nothing",
                format!("{what} failed with {error:?} but told {event:?}"),
            );
        }
        self.check(false);
        if let Some(log) = &mut self.log {
            log.push(format!("{what} refused: {error:?}"));
        }
    }

    pub(super) fn check(&mut self, after_timeout: bool) {
        let now = self.now;
        if let Some(at) = self.conn.poll_timeout() {
            if at < now || (after_timeout && at <= now) {
                self.fail(
                    "deadline never in the past",
                    format!(
                        "poll_timeout() is t={} at t={}",
                        at.0 - START,
                        now.0 - START
                    ),
                );
            }
        }
        let unknown = self.store && self.known != Known::Yes;
        if unknown && self.conn.poll_persist().is_some() {
            self.fail(
                "stored state first",
                format!(
                    "a write asked for while the stored state is {:?}",
                    self.known
                ),
            );
        }
        if self.known == Known::IdsUnread && !self.loading && !self.read_failed {
            self.fail(
                "stored state first",
                "a connect came first and no read of the stored ids is asked for".into(),
            );
        }
        let state = self.conn.state();
        let agrees = match self.socket {
            Socket::None => !matches!(
                state,
                ConnState::Connecting | ConnState::Open | ConnState::Closing
            ),
            Socket::Connecting => state == ConnState::Connecting,
            Socket::Open => state == ConnState::Open,
            Socket::Closing => state == ConnState::Closing,
        };
        if !agrees {
            self.fail(
                "one socket",
                format!(
                    "the core is {state:?} while the socket is {:?}",
                    self.socket
                ),
            );
        }
        if state != self.state {
            self.fail(
                "state events",
                format!(
                    "state() is {state:?}, the last State event said {:?}",
                    self.state
                ),
            );
        }
        let mut expected: Vec<(u64, bool, bool)> = Vec::new();
        let mut last = None;
        for accepted in &self.pending {
            let Some(id) = accepted.id else {
                self.fail(
                    "outbox order",
                    format!(
                        "m{} went to the socket by send() but was not handed over",
                        accepted.k
                    ),
                );
            };
            if last.is_some_and(|last| id <= last) {
                self.fail(
                    "outbox order",
                    format!("id {id} accepted after a larger id"),
                );
            }
            last = Some(id);
            expected.push((id, accepted.reliable, false));
        }
        expected.extend(self.unacked.keys().map(|&id| (id, true, true)));
        expected.sort_unstable();
        let actual: Vec<(u64, bool, bool)> = self
            .conn
            .outbox()
            .map(|e| (e.id, e.reliable, e.sent))
            .collect();
        if actual != expected {
            self.fail(
                "outbox order",
                format!("the outbox (id, reliable, sent) is {actual:?}, expected {expected:?}"),
            );
        }
        let counters = self.conn.counters();
        let (sent, keepalives) = (counters.sent, counters.keepalives);
        if sent.wrapping_sub(self.sent) != self.step.app_frames
            || keepalives.wrapping_sub(self.keepalives) != self.step.keepalives
        {
            self.fail(
                "counters",
                format!(
                    "sent +{} and keepalives +{} for {} app and {} keepalive frames",
                    sent.wrapping_sub(self.sent),
                    keepalives.wrapping_sub(self.keepalives),
                    self.step.app_frames,
                    self.step.keepalives
                ),
            );
        }
        self.sent = sent;
        self.keepalives = keepalives;
        let restart_points = [
            self.stored.as_ref().map(|(s, _)| (s, "last written")),
            self.writing.as_ref().map(|(_, s, _)| (s, "being written")),
        ];
        let checked = match restart_points {
            [None, None] => self.wire.check_nothing_written(),
            points => points
                .into_iter()
                .flatten()
                .try_for_each(|(snapshot, which)| self.wire.check_restart_from(snapshot, which)),
        };
        if let Err(why) = checked {
            self.fail("ids never reused", why);
        }
    }

    pub(super) fn delivered(&self, expected: Option<Event>) {
        let seen: Vec<&Event> = self
            .step
            .events
            .iter()
            .filter(|e| matches!(e, Event::Message(_) | Event::Ack(_)))
            .collect();
        if seen != expected.iter().collect::<Vec<_>>() {
            self.fail(
                "delivery",
                format!("expected {expected:?}, the app got {seen:?}"),
            );
        }
    }
}
