//! Persistence: the snapshot out, the restore in, and the write sequence that
//! lets a queued `send` resolve only once its message is stored.

use crate::core::connection::Connection;
use crate::core::ids::{Ids, MAX_ID};
use crate::core::io::{Action, Event};
use crate::core::lifecycle::WAKE_ALARM_AFTER;
use crate::core::outbox::Outbox;
use crate::core::snapshot::{Snapshot, StoredMessage, SNAPSHOT_VERSION};
use crate::core::state::Phase;
use crate::core::timer::Timer;
use crate::core::{Error, Intent, Timestamp, WsUrl};

impl Connection {
    /// The state to store (without secrets).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            version: SNAPSHOT_VERSION,
            intent: Intent::from_open(self.intent_open),
            url: self.url.as_ref().map(|u| u.as_str().to_owned()),
            options: self.options.clone(),
            attempt: self.attempt,
            next_attempt_at: match self.phase {
                Phase::Backoff { at } => Some(at.as_millis()),
                _ => None,
            },
            gave_up: matches!(self.phase, Phase::GaveUp),
            counters: self.counters.clone(),
            next_id: self.ids.to_store(),
            outbox: self
                .outbox
                .entries()
                .map(StoredMessage::from_entry)
                .collect(),
            last_close: self.last_close.clone(),
            last_error: self.last_error.clone(),
        }
    }

    /// The secret to store in session storage, if any.
    pub fn secret(&self) -> Option<&str> {
        self.config.auth.as_ref().map(|a| a.token.as_str())
    }

    /// `Some(seq)` when state changed since the last write: write
    /// [`Connection::snapshot`], then call [`Connection::handle_persisted`]
    /// with `seq` and the snapshot's `next_id`.
    #[must_use]
    pub fn poll_persist(&self) -> Option<u64> {
        (self.dirty > self.persisted).then_some(self.dirty)
    }

    /// The snapshot taken at `seq`, whose `nextId` is `next_id`, is in
    /// storage. Frames that waited for the write reserving their ids go out
    /// now. (Without storage nothing survives the worker and no id comes
    /// back: pass `u64::MAX`.)
    pub fn handle_persisted(&mut self, now: Timestamp, seq: u64, next_id: u64) {
        self.persisted = self.persisted.max(seq);
        self.ids.stored_up_to(next_id);
        self.flush_outbox(now);
    }

    /// The last sequence known to be in storage.
    pub fn persisted(&self) -> u64 {
        self.persisted
    }

    /// The stored `nextId`, read after a `connect()` that came before any
    /// restore: that connect's state wins, but ids must go on from the
    /// stored ones, since ids below it may have reached the wire in an
    /// earlier life. The shell writes nothing before this call (until then
    /// no reliable frame can leave: none of its ids is reserved). Messages
    /// queued meanwhile are renumbered from `stored`; returns by how much
    /// every id moved (0: none did), for ids the shell holds.
    pub fn handle_stored_next_id(&mut self, stored: u64) -> u64 {
        if self.persisted > 0 {
            return 0; // written already: the shell broke the rule above
        }
        let delta = self.ids.rebase(stored);
        if delta > 0 {
            self.outbox.shift_ids(delta);
            self.reserve_ids(); // and marks the state changed
        }
        delta
    }

    /// The stored state could not be read: report it (the shell quarantines it).
    pub fn handle_corrupt_snapshot(&mut self, why: &str) {
        self.report(Error::CorruptSnapshot(why.to_owned()));
        self.mark_dirty();
    }

    /// Restores a stored snapshot (and the session secret) on worker start,
    /// and reconnects if the caller's intent is open. Checks everything first:
    /// on error nothing changed and the error is a [`Error::CorruptSnapshot`].
    pub fn restore(
        &mut self,
        now: Timestamp,
        snapshot: Snapshot,
        secret: Option<String>,
    ) -> Result<(), Error> {
        let corrupt = |why: String| Error::CorruptSnapshot(why);
        if snapshot.version != SNAPSHOT_VERSION {
            return Err(corrupt(format!("unknown version {}", snapshot.version)));
        }
        let intent_open = snapshot.intent == Intent::Open;
        // Ids start at 1 (an id 0 queued would be out of order on the next
        // restore), and each number grows by one from here: one near
        // `u64::MAX` would overflow. JS numbers stop at 2^53 - 1 anyway, so
        // `nextId - 1` and the counters must not be above it (then neither is
        // their bitwise or).
        let c = &snapshot.counters;
        let all = snapshot.next_id.wrapping_sub(1)
            | c.worker_starts
            | c.connects
            | c.reconnects
            | c.sent
            | c.received
            | c.keepalives;
        if all > MAX_ID {
            return Err(corrupt("nextId or a counter out of range".into()));
        }
        let mut options = snapshot.options.clone();
        options.auth_token = secret;
        if options.auth_query_param.is_some() && options.auth_token.is_none() {
            // The session secret is gone (browser restart): connect without it.
            options.auth_query_param = None;
        }
        let config = options
            .to_config()
            .map_err(|e| corrupt(format!("stored options: {e}")))?;
        let url = match &snapshot.url {
            Some(u) => Some(WsUrl::parse(u).map_err(|e| corrupt(format!("stored URL: {e}")))?),
            None if intent_open => return Err(corrupt("intent open without a URL".into())),
            None => None,
        };
        let mut outbox = Outbox::default();
        let mut last_id = 0;
        for stored in &snapshot.outbox {
            let entry = stored.to_entry()?;
            if entry.id <= last_id || entry.id >= snapshot.next_id {
                return Err(corrupt(format!("outbox id {} out of order", entry.id)));
            }
            last_id = entry.id;
            outbox
                .push(entry, usize::MAX, usize::MAX)
                .map_err(|e| corrupt(e.to_string()))?;
        }

        self.config = config;
        self.options = options;
        self.url = url;
        self.intent_open = intent_open;
        self.attempt = snapshot.attempt;
        self.outbox = outbox;
        self.ids = Ids::restored(snapshot.next_id);
        let starts = self.counters.worker_starts;
        self.counters = snapshot.counters;
        self.counters.worker_starts += starts;
        self.last_close = snapshot.last_close;
        self.last_error = snapshot.last_error.or(self.last_error.take());
        self.mark_dirty();
        self.reserve_ids();
        self.timers.stop_socket_timers();
        // An alarm set before the worker stopped may still be there.
        self.wake = snapshot.next_attempt_at.map(Timestamp);

        if !intent_open {
            self.set_phase(if self.url.is_some() {
                Phase::Closed
            } else {
                Phase::Idle
            });
            return Ok(());
        }
        if snapshot.gave_up {
            self.set_phase(Phase::GaveUp);
            self.events
                .push_back(Event::GaveUp(self.last_close.clone()));
            return Ok(());
        }
        self.actions
            .push_back(Action::Watchdog(self.config.watchdog));
        match snapshot.next_attempt_at.map(Timestamp) {
            Some(at) if at > now => {
                self.set_phase(Phase::Backoff { at });
                self.timers.set(Timer::Reconnect, at);
                if at.saturating_since(now) > WAKE_ALARM_AFTER {
                    self.set_wake(Some(at));
                }
            }
            _ => self.open_socket(now, true),
        }
        Ok(())
    }
}
