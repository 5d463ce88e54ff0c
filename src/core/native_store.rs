//! The storage the core persists to, as a trait: the browser shell's
//! `chrome.storage` glue is asynchronous and drives [`Connection::poll_persist`]
//! itself; this synchronous form serves native code and tests, with
//! [`MemoryStore`] standing in for `chrome.storage`.

use crate::core::{Connection, Error, Loaded, Snapshot, Timestamp};

/// Somewhere a snapshot and its secret survive the worker.
pub trait SnapshotStore {
    /// The stored snapshot and secret, if any.
    fn load(&self) -> Option<(Snapshot, Option<String>)>;
    /// Replaces the stored snapshot and secret.
    fn save(&mut self, snapshot: Snapshot, secret: Option<String>) -> Result<(), Error>;
}

/// A store in memory: what outlives a `Connection` in native tests.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    stored: Option<(Snapshot, Option<String>)>,
    /// How many times it was written.
    pub writes: usize,
}

impl SnapshotStore for MemoryStore {
    fn load(&self) -> Option<(Snapshot, Option<String>)> {
        self.stored.clone()
    }

    fn save(&mut self, snapshot: Snapshot, secret: Option<String>) -> Result<(), Error> {
        self.stored = Some((snapshot, secret));
        self.writes += 1;
        Ok(())
    }
}

impl Connection {
    /// Writes the state to `store` if it changed since the last write.
    pub fn persist_to(
        &mut self,
        now: Timestamp,
        store: &mut impl SnapshotStore,
    ) -> Result<(), Error> {
        if let Some(seq) = self.poll_persist() {
            let secret = self.secret().map(str::to_owned);
            let snapshot = self.snapshot();
            let next_id = snapshot.next_id;
            store.save(snapshot, secret)?;
            self.handle_persisted(now, seq, next_id);
        }
        Ok(())
    }

    /// A worker start: hands what `store` holds to
    /// [`handle_loaded`](Connection::handle_loaded), which restores it and
    /// counts the start. A snapshot that cannot be restored is reported and
    /// the connection starts fresh (its ids after the stored ones).
    pub fn resume_from(&mut self, now: Timestamp, store: &impl SnapshotStore) {
        let loaded = match store.load() {
            Some((snapshot, secret)) => Loaded::Snapshot(Box::new(snapshot), secret),
            None => Loaded::Nothing,
        };
        // A memory store keeps no quarantine: the next write replaces it.
        let _why = self.handle_loaded(now, loaded);
    }
}
