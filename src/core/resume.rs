//! A worker start: what the core knows of the state an earlier life of the
//! worker stored, and the one entry point for what a read of it found.
//!
//! The rules, all here: nothing is written before that state is known (a
//! write would replace it unread); a `connect()` that comes before it was
//! read wins, but its ids go on from the stored `nextId` (ids below it may
//! have reached the wire in the earlier life), so until then nothing is
//! written either, and a failed read is tried again at the next change; at
//! a `resume()`, a stored value that cannot be restored is reported and
//! quarantined, and its `nextId` still holds, and storage that cannot be
//! read leaves the connection running in memory, the stored state
//! untouched; a worker start is counted once.

use crate::core::connection::Connection;
use crate::core::io::Action;
use crate::core::stored::Known;
use crate::core::{Error, Snapshot, Timestamp};

/// What a read of the stored state found.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded {
    /// Nothing is stored.
    Nothing,
    /// A stored snapshot, decoded but not checked yet, and the session secret.
    Snapshot(Box<Snapshot>, Option<String>),
    /// A stored value that is no snapshot.
    Corrupt {
        /// Why it could not be read.
        why: String,
        /// Its `nextId`, when it has a usable one.
        next_id: Option<u64>,
    },
    /// The storage could not be read.
    Failed(Error),
}

impl Connection {
    /// A store may hold the state of an earlier life of the worker: nothing
    /// is written ([`poll_persist`](Self::poll_persist) is `None`) until it
    /// was read, and a `connect` before that asks for the read itself
    /// ([`Action::Load`]). A shell with storage calls this once, first.
    pub fn expect_stored_state(&mut self) {
        self.stored.store = true;
    }

    /// The app's `resume()` at worker start: `true` when the stored state
    /// is to be read ([`Action::Load`], unless a read is under way) and
    /// [`handle_loaded`](Self::handle_loaded) will take it; `false` when it
    /// is known already (restored, or read after a connect that came
    /// first), or there is no store (the worker start is counted now).
    pub fn resume(&mut self, now: Timestamp) -> bool {
        match self.stored.known {
            Known::Yes => false,
            Known::Unread if !self.stored.store => {
                let _nothing_to_quarantine = self.handle_loaded(now, Loaded::Nothing);
                false
            }
            _ => {
                self.ask_load();
                true
            }
        }
    }

    /// What a read of the stored state found. At worker start (no
    /// `connect` came first) it is restored, and the start counted; a
    /// snapshot that fails its checks or a corrupt value is reported, and
    /// the ids go on from its `nextId`; unreadable storage is reported and
    /// the connection runs in memory, writing nothing. After a `connect`
    /// that came first, only the stored `nextId` counts: every id given
    /// since moves up to start there (the sends settle with their new ids),
    /// or, unreadable, the next change reads again; a value that could not
    /// have been restored is reported and quarantined all the same. Once known, a read
    /// changes nothing. Returns why to keep the stored value aside
    /// (quarantine it) before the next write replaces it.
    #[must_use]
    pub fn handle_loaded(&mut self, now: Timestamp, loaded: Loaded) -> Option<String> {
        self.stored.reading = false;
        let next_id = loaded.next_id();
        let why = match (self.stored.known, loaded) {
            (Known::Yes, _) => None,
            (known, Loaded::Failed(error)) => {
                self.report(error);
                if known == Known::Unread {
                    self.count_start();
                }
                None
            }
            (Known::IdsUnread, found) => {
                self.stored.known = Known::Yes;
                self.count_start();
                if let Loaded::Snapshot(snapshot, _) = &found {
                    // The connect that came first keeps the handled position too.
                    self.inbound.restore(snapshot.inbound_handled);
                }
                let why = self.check_found(now, found, false);
                self.go_on_from(next_id);
                self.inbound_known();
                why
            }
            (Known::Unread, found) => {
                let why = self.check_found(now, found, true);
                if why.is_some() {
                    self.go_on_from(next_id); // a fresh state: ids go on from the stored ones
                }
                self.stored.known = Known::Yes;
                self.count_start();
                self.inbound_known();
                why
            }
        };
        self.apply_kept(now);
        why
    }

    /// Counts one more start of the worker (as
    /// [`handle_loaded`](Self::handle_loaded) does at worker start).
    pub fn handle_worker_start(&mut self) {
        self.counters.worker_starts += 1;
        self.mark_dirty();
    }

    /// Counts this worker's start, once (a restore keeps the count).
    fn count_start(&mut self) {
        if !std::mem::replace(&mut self.stored.counted, true) {
            self.handle_worker_start();
        }
    }

    /// Checks what a read found: restored into this connection when
    /// `apply` (a worker start), else on a scratch one (a `connect()` that
    /// came first keeps its own state). A value that cannot be restored is
    /// reported, never silently dropped; returns why to quarantine it.
    fn check_found(&mut self, now: Timestamp, found: Loaded, apply: bool) -> Option<String> {
        let (why, error) = match found {
            Loaded::Snapshot(mut snapshot, mut secret) => {
                let restored = if apply {
                    self.keep_into(&mut snapshot, &mut secret);
                    self.restore(now, *snapshot, secret)
                } else {
                    Connection::new().restore(now, *snapshot, secret)
                };
                let error = restored.err()?;
                (error.to_string(), error)
            }
            Loaded::Corrupt { why, .. } => (why.clone(), Error::CorruptSnapshot(why)),
            _ => return None,
        };
        self.report(error);
        Some(why)
    }

    /// A `connect()`: when it comes before the stored state is known, its
    /// state wins, and its ids wait for the stored ones (this connect's own
    /// change asks for them).
    pub(super) fn connect_first(&mut self) {
        if self.stored.known == Known::Unread {
            self.stored.known = if self.stored.store {
                Known::IdsUnread
            } else {
                Known::Yes
            };
        }
    }

    /// State changed: while the ids of a connect that came first wait for
    /// the stored ones, read them (again, after a failed read).
    pub(super) fn read_on_change(&mut self) {
        if self.stored.known == Known::IdsUnread {
            self.ask_load();
        }
    }

    fn ask_load(&mut self) {
        if !self.stored.reading {
            self.stored.reading = true;
            self.actions.push_back(Action::Load);
        }
    }

    /// Moves every id given so far up to start at the stored `nextId` (ids
    /// below it may be on the wire from an earlier life). Only while nothing
    /// was written: then none of these ids is reserved, so none went out.
    fn go_on_from(&mut self, stored: Option<u64>) {
        if self.persisted > 0 {
            return;
        }
        let delta = self.ids.rebase(stored.unwrap_or(1));
        if delta > 0 {
            self.outbox.shift_ids(delta);
            for (_, id) in &mut self.unsettled {
                *id += delta; // below the rebased next id: no overflow
            }
            self.reserve_ids(); // and marks the state changed
        }
    }
}

impl Loaded {
    /// The `nextId` found, if any.
    fn next_id(&self) -> Option<u64> {
        match self {
            Loaded::Snapshot(snapshot, _) => Some(snapshot.next_id),
            Loaded::Corrupt { next_id, .. } => *next_id,
            _ => None,
        }
    }
}
