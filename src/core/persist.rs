//! Persistence: the snapshot out, and the write sequence that lets a queued
//! `send` resolve only once its message is stored.

use crate::core::connection::Connection;
use crate::core::snapshot::{Snapshot, StoredMessage, SNAPSHOT_VERSION};
use crate::core::state::Phase;
use crate::core::{Error, Timestamp};

impl Connection {
    /// The state to store (without secrets).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            version: SNAPSHOT_VERSION,
            intent: if self.intent_open { "open" } else { "closed" }.into(),
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
}
