//! Storage as the shell has it: writes that start and land later, and
//! worker stops and restarts from what was written.

use super::*;
use crate::json::{from_json, to_json};

impl Driver<'_> {
    /// A write lands: the one under way, or (none is) one of the state now,
    /// started and finished in this step.
    pub(super) fn persist(&mut self) {
        self.begin("persist");
        let landing = match self.writing.take() {
            Some(write) => Some(write),
            None if self.ids_unread => None, // the shell holds its writes
            None => self.take_snapshot(),
        };
        if let Some((seq, snapshot, secret)) = landing {
            let next_id = snapshot.next_id;
            self.stored = Some((snapshot, secret));
            self.conn.handle_persisted(self.now, seq, next_id);
        }
        self.end(false);
    }

    /// A write starts: the snapshot is taken now, it lands at a later `persist`.
    pub(super) fn write_start(&mut self) {
        self.begin("write start");
        if self.writing.is_none() && !self.ids_unread {
            self.writing = self.take_snapshot();
        }
        self.end(false);
    }

    /// The snapshot to write, if the state changed: checked to read back
    /// equal through JSON (without the secret, which the shell keeps apart).
    pub(super) fn take_snapshot(&self) -> Option<(u64, Snapshot, Option<String>)> {
        let seq = self.conn.poll_persist()?;
        let snapshot = self.conn.snapshot();
        let json = to_json(&snapshot);
        let back: Snapshot = from_json(&json)
            .unwrap_or_else(|e| self.fail("persistence", format!("read back: {e}: {json}")));
        let mut written = snapshot;
        written.options.auth_token = None;
        if back != written {
            self.fail("persistence", format!("read back differs: {json}"));
        }
        Some((seq, back, self.conn.secret().map(str::to_owned)))
    }

    /// The worker stops and starts again, and `connect()` comes before
    /// storage is read: the shell writes nothing until `read_ids`.
    pub(super) fn restart_connect_first(&mut self, input: &mut Input) {
        self.stop(input);
        self.begin("restart, connect first");
        self.ids_unread = true;
        let url = match &self.stored {
            Some((Snapshot { url: Some(url), .. }, _)) => url.clone(),
            _ => URLS[0].to_owned(),
        };
        let reliable = Options {
            reliable: Some(true),
            ..Options::default()
        };
        if let Err(e) = self.conn.connect(self.now, &url, reliable) {
            self.fail("persistence", format!("connect to the stored {url}: {e}"));
        }
        self.end(false);
    }

    /// The stored `nextId` arrives after a connect that came first.
    pub(super) fn read_ids(&mut self) {
        self.begin("stored ids read");
        if std::mem::take(&mut self.ids_unread) {
            let stored = self.stored.as_ref().map_or(1, |(s, _)| s.next_id);
            let delta = self.conn.handle_stored_next_id(stored);
            for accepted in &mut self.pending {
                accepted.id = accepted.id.map(|id| id + delta);
            }
        }
        self.end(false);
    }

    /// The worker stops: its socket, its timers, a write under way (which
    /// may have landed, as the input says) are gone; a new connection waits.
    pub(super) fn stop(&mut self, input: &mut Input) {
        if let Some((_, snapshot, secret)) = self.writing.take() {
            if input.bool() {
                // The write landed; the worker stopped before it was told.
                self.stored = Some((snapshot, secret));
            }
        }
        self.ids_unread = false;
        self.now = Timestamp(self.now.0.saturating_add(input.millis() * 10));
        self.socket = Socket::None;
        self.conn = new_connection(input);
        self.state = ConnState::Idle;
        self.pending.clear();
        self.unacked.clear();
        self.conn.handle_worker_start();
        self.sent = self.conn.counters().sent;
        self.keepalives = self.conn.counters().keepalives;
    }

    /// The worker stops (its socket with it) and starts again from storage.
    pub(super) fn restart(&mut self, input: &mut Input) {
        self.stop(input);
        self.begin("restart");
        if let Some((snapshot, secret)) = self.stored.clone() {
            if let Err(e) = self.conn.restore(self.now, snapshot.clone(), secret) {
                self.fail(
                    "persistence",
                    format!("the core's own snapshot does not restore: {e}"),
                );
            }
            let restored: Vec<_> = self.conn.outbox().cloned().collect();
            if restored.len() != snapshot.outbox.len() {
                self.fail("persistence", "the outbox did not come back whole".into());
            }
            for (entry, stored) in restored.iter().zip(&snapshot.outbox) {
                let Some(k) = tag(&entry.message) else {
                    self.fail(
                        "persistence",
                        format!("restored an unknown message {entry:?}"),
                    );
                };
                if entry.id != stored.id
                    || entry.reliable != stored.reliable
                    || entry.message.kind() != stored.kind
                {
                    self.fail("persistence", format!("restored {entry:?} from {stored:?}"));
                }
                if entry.reliable {
                    self.unacked.insert(entry.id, k);
                } else {
                    self.pending.push_back(Accepted {
                        k,
                        id: Some(entry.id),
                        reliable: false,
                    });
                }
            }
        }
        self.sent = self.conn.counters().sent;
        self.keepalives = self.conn.counters().keepalives;
        self.end(false);
    }
}
