//! The persistent outbox: messages waiting for a socket, or for an ack.

use crate::core::{Error, Message};
use std::collections::VecDeque;

/// The default largest number of messages in the outbox.
pub const DEFAULT_MAX_OUTBOX_MESSAGES: usize = 1_000;
/// The default largest total size of the outbox, in bytes.
pub const DEFAULT_MAX_OUTBOX_BYTES: usize = 1024 * 1024;

/// One message in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Its id, increasing; the reliable-mode wire id.
    pub id: u64,
    /// The message.
    pub message: Message,
    /// A text message that is already JSON (from `sendJson`).
    pub json: bool,
    /// Kept until the server acknowledges it.
    pub reliable: bool,
    /// Handed to a socket at least once (resends carry `dup: true`).
    pub sent: bool,
}

/// Messages in order, bounded by count and bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Outbox {
    entries: VecDeque<OutboxEntry>,
    bytes: usize,
}

impl Outbox {
    pub(crate) fn push(
        &mut self,
        entry: OutboxEntry,
        max_count: usize,
        max_bytes: usize,
    ) -> Result<(), Error> {
        let size = entry.message.len();
        if self.entries.len() >= max_count || self.bytes.saturating_add(size) > max_bytes {
            return Err(Error::OutboxFull {
                messages: self.entries.len(),
                bytes: self.bytes,
            });
        }
        self.bytes += size;
        self.entries.push_back(entry);
        Ok(())
    }

    /// Removes reliable entries with an id up to `id`; returns how many.
    pub(crate) fn ack(&mut self, id: u64) -> usize {
        let before = self.entries.len();
        self.entries.retain(|e| !(e.reliable && e.id <= id));
        self.recount();
        before - self.entries.len()
    }

    /// Takes what must go on the wire now, in order: every entry; unreliable
    /// ones leave the outbox, reliable ones stay (marked sent) until acked.
    pub(crate) fn flush(&mut self) -> Vec<OutboxEntry> {
        let out: Vec<OutboxEntry> = self.entries.iter().cloned().collect();
        self.entries.retain(|e| e.reliable);
        for entry in &mut self.entries {
            entry.sent = true;
        }
        self.recount();
        out
    }

    /// Marks the reliable entry `id` as handed to a socket.
    pub(crate) fn mark_sent(&mut self, id: u64) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            entry.sent = true;
        }
    }

    pub(crate) fn remove(&mut self, id: u64) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        self.recount();
        before != self.entries.len()
    }

    pub(crate) fn clear(&mut self) -> usize {
        let n = self.entries.len();
        self.entries.clear();
        self.bytes = 0;
        n
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn entries(&self) -> impl Iterator<Item = &OutboxEntry> {
        self.entries.iter()
    }

    fn recount(&mut self) {
        self.bytes = self.entries.iter().map(|e| e.message.len()).sum();
    }
}
