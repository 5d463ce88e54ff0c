//! Reads of the stored state: the app's `resume()`, and the read the core
//! asks for (`Action::Load`) landing with what the input says was found (the
//! stored state, a read error, a corrupt value with its `nextId` salvaged,
//! a snapshot the core's checks refuse), checked against what the core must
//! make of it.

use super::*;

/// What a read found, as the model sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found {
    Failed,
    Nothing,
    Stored,
    Unrestorable,
}

impl Driver<'_> {
    /// The app's `resume()` (a step of its own).
    pub(super) fn resume_op(&mut self) {
        self.begin("resume");
        self.resume();
        self.end(false);
    }

    /// The app's `resume()`: the core asks for a read while the stored state
    /// is unknown, and (no store) counts the worker start at once.
    pub(super) fn resume(&mut self) {
        let starts = self.conn.counters().worker_starts;
        let unknown = self.store && self.known != Known::Yes;
        if self.conn.resume(self.now) != unknown {
            self.fail(
                "stored state first",
                format!(
                    "resume() says wait: {}, the state is {:?}",
                    !unknown, self.known
                ),
            );
        }
        let counted = !self.store && self.known == Known::Unread;
        if counted {
            self.known = Known::Yes;
            self.counted = true;
        }
        if self.conn.counters().worker_starts != starts + u64::from(counted) {
            self.fail(
                "stored state first",
                "resume() counted a start wrongly".into(),
            );
        }
    }

    /// The read the core asked for lands (a read nobody asked for only
    /// once the state is known: it must change nothing).
    pub(super) fn load(&mut self, input: &mut Input) {
        self.begin("stored state read");
        let (loaded, found) = self.found(input.below(8));
        let was = self.known;
        if was != Known::Yes && !self.loading {
            return self.end(false); // the shell has no read to hand over
        }
        let before: Vec<u64> = self.conn.outbox().map(|e| e.id).collect();
        let (snapshot, starts) = (self.conn.snapshot(), self.conn.counters().worker_starts);
        let why = self.conn.handle_loaded(self.now, loaded);
        self.loading = false;
        let ok = found != Found::Failed;
        match was {
            Known::Yes => {
                if why.is_some() || self.conn.snapshot() != snapshot {
                    self.fail(
                        "stored state first",
                        "a read once known changed things".into(),
                    );
                }
            }
            Known::IdsUnread => {
                self.read_failed = !ok;
                if ok {
                    self.known = Known::Yes;
                    self.renumbered(&before);
                }
            }
            Known::Unread => {
                if ok {
                    self.known = Known::Yes;
                }
                if found == Found::Stored {
                    self.restored();
                }
            }
        }
        // A worker start is counted once, however many reads it takes.
        let counted = self.conn.counters().worker_starts;
        let expected = match (was, found) {
            (Known::Unread, Found::Stored) => self.stored_starts() + 1,
            (Known::Unread, _) => starts + u64::from(!self.counted),
            (Known::IdsUnread, found) if found != Found::Failed => {
                starts + u64::from(!self.counted)
            }
            _ => starts,
        };
        self.counted |= was == Known::Unread || (was == Known::IdsUnread && ok);
        if counted != expected {
            self.fail(
                "stored state first",
                format!(
                    "workerStarts {counted} after a {found:?} read in {was:?}, expected {expected}"
                ),
            );
        }
        self.sent = self.conn.counters().sent;
        self.keepalives = self.conn.counters().keepalives;
        self.end(false);
        self.read_told(was, found, why.is_some());
    }

    /// What the read finds, as the input picks it.
    fn found(&self, pick: u16) -> (Loaded, Found) {
        let stored = self.stored.clone();
        match (pick, stored) {
            (0, _) => (
                Loaded::Failed(Error::Storage("fuzz: read".into())),
                Found::Failed,
            ),
            (1, stored) => {
                let next_id = stored.map(|(s, _)| s.next_id);
                let why = "fuzz: not a snapshot".to_owned();
                (Loaded::Corrupt { why, next_id }, Found::Unrestorable)
            }
            (2, Some((mut snapshot, secret))) => {
                snapshot.version = 99; // restore refuses it
                (
                    Loaded::Snapshot(Box::new(snapshot), secret),
                    Found::Unrestorable,
                )
            }
            (_, Some((snapshot, secret))) => {
                (Loaded::Snapshot(Box::new(snapshot), secret), Found::Stored)
            }
            (_, None) => (Loaded::Nothing, Found::Nothing),
        }
    }

    fn stored_starts(&self) -> u64 {
        self.stored
            .as_ref()
            .map_or(0, |(s, _)| s.counters.worker_starts)
    }

    /// After a connect that came first, the stored ids are read: every id
    /// given since (in the outbox and in the sends not settled yet) moves
    /// up to start at the stored nextId.
    fn renumbered(&mut self, before: &[u64]) {
        let stored = self.stored.as_ref().map_or(1, |(s, _)| s.next_id);
        let delta = stored - 1;
        let after: Vec<u64> = self.conn.outbox().map(|e| e.id).collect();
        if before.iter().map(|id| id + delta).collect::<Vec<_>>() != after {
            self.fail(
                "ids never reused",
                format!("ids {before:?} moved to {after:?} with the stored nextId {stored}"),
            );
        }
        for accepted in &mut self.pending {
            accepted.id = accepted.id.map(|id| id + delta);
        }
        for id in self.unsettled.values_mut() {
            *id += delta;
        }
    }

    /// A resume restored the stored snapshot: its outbox came back whole.
    fn restored(&mut self) {
        let Some((snapshot, _)) = self.stored.clone() else {
            return;
        };
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

    /// What a read told: an error event for a failed read, a corrupt
    /// snapshot error and a quarantine for what could not be restored
    /// (whether a resume or a connect that came first met it), nothing else.
    fn read_told(&self, was: Known, found: Found, quarantined: bool) {
        let errors: Vec<&str> = self
            .step
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Error(error) => Some(error.kind()),
                _ => None,
            })
            .collect();
        let (kind, quarantine) = match (was, found) {
            (Known::Yes, _) => (None, false),
            (_, Found::Failed) => (Some("storage"), false),
            // After a connect() that came first too: replaced, never silently.
            (_, Found::Unrestorable) => (Some("corrupt_snapshot"), true),
            _ => (None, false),
        };
        if quarantined != quarantine || errors.first().copied() != kind {
            self.fail(
                "stored state first",
                format!(
                    "a {found:?} read in {was:?}: quarantined {quarantined}, errors {errors:?}"
                ),
            );
        }
    }
}
