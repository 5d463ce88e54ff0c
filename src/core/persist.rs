//! Persistence: the snapshot out, the write sequence that lets a queued
//! `send` settle only once its message is stored, and what a failed write or
//! any other storage error does.

use crate::core::connection::Connection;
use crate::core::io::Event;
use crate::core::snapshot::{Snapshot, StoredMessage, SNAPSHOT_VERSION};
use crate::core::state::Phase;
use crate::core::{Error, Intent, Timestamp};

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
            inbound_handled: self.inbound.handled,
            sleep_until: match self.phase {
                Phase::Sleeping { until } => Some(until.as_millis()),
                _ => None,
            },
            open_at: self.open_at(),
        }
    }

    /// When a worker started with the state now opens its socket at once
    /// (`restore`'s rule): the intent open with a URL that carries no
    /// secret, not given up, once the backoff or the sleep is over.
    fn open_at(&self) -> Option<u64> {
        let secret_in_url = self.options.auth_query_param.is_some();
        if !self.intent_open || self.url.is_none() || secret_in_url {
            return None;
        }
        match self.phase {
            Phase::GaveUp => None,
            Phase::Backoff { at } | Phase::Sleeping { until: at } => Some(at.as_millis()),
            _ => Some(0),
        }
    }

    /// The secret to store in session storage, if any.
    pub fn secret(&self) -> Option<&str> {
        self.config.auth.as_ref().map(|a| a.token.as_str())
    }

    /// `Some(seq)` when state changed since the last write: write
    /// [`Connection::snapshot`], then call [`Connection::handle_persisted`]
    /// with `seq` and the snapshot's `next_id`, or
    /// [`Connection::handle_write_failed`]. `None` while the stored state of
    /// an earlier life is not known yet (see
    /// [`expect_stored_state`](Connection::expect_stored_state)), and after
    /// a failed write until the next change: a failing store is not hammered.
    #[must_use]
    pub fn poll_persist(&self) -> Option<u64> {
        (self.dirty > self.written_or_failed() && !self.stored.holds_writes()).then_some(self.dirty)
    }

    /// The snapshot taken at `seq`, whose `nextId` is `next_id`, is in
    /// storage: the sends it holds are settled, and frames that waited for
    /// the write reserving their ids go out now. (Without storage nothing
    /// survives the worker and no id comes back: pass `u64::MAX`.)
    pub fn handle_persisted(&mut self, now: Timestamp, seq: u64, next_id: u64) {
        self.persisted = self.persisted.max(seq);
        self.ids.stored_up_to(next_id);
        self.flush_outbox(now);
        self.settle(seq, None);
        self.inbound_stored(seq);
    }

    /// The write of the snapshot taken at `seq` failed with `error`: the
    /// sends it was to hold whose message still waits in the outbox are
    /// taken back out (settled with the error: neither stored nor sent);
    /// those already handed to a socket are settled as sent. The error is
    /// reported; the next change writes again.
    pub fn handle_write_failed(&mut self, _now: Timestamp, seq: u64, error: Error) {
        self.write_failed = self.write_failed.max(seq);
        self.settle(seq, Some(&error));
        self.report(error);
    }

    /// A storage or alarms call of the shell failed (a read goes to
    /// [`handle_loaded`](Connection::handle_loaded), a write to
    /// [`handle_write_failed`](Connection::handle_write_failed)): reported
    /// as an error event and in the status.
    pub fn handle_storage_error(&mut self, _now: Timestamp, error: Error) {
        self.report(error);
    }

    /// The last sequence known to be in storage.
    pub fn persisted(&self) -> u64 {
        self.persisted
    }

    /// The last sequence written, or whose write failed: nothing is written
    /// again before a change after it.
    pub(super) fn written_or_failed(&self) -> u64 {
        self.persisted.max(self.write_failed)
    }

    /// Settles the sends held by the write of `seq`, in order: stored, or
    /// (`failed`) taken back unless a socket has them already.
    fn settle(&mut self, seq: u64, failed: Option<&Error>) {
        while let Some((send, id)) = self.unsettled.front().copied() {
            if send > seq {
                break;
            }
            self.unsettled.pop_front();
            let result = match failed {
                Some(error) if self.take_back(id) => Err(error.clone()),
                _ => Ok(id),
            };
            self.events.push_back(Event::Settled { seq: send, result });
        }
    }
}
