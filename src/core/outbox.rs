//! The persistent outbox: messages waiting for a socket, or for an ack.

use crate::core::reliable;
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
    /// How many entries at the front went to the current socket (all of them
    /// reliable and waiting for their ack); the rest wait for a socket.
    on_wire: usize,
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
        let acked = |e: &OutboxEntry| e.reliable && e.id <= id;
        let on_wire = self.on_wire.min(self.entries.len());
        let gone_from_wire = self.entries.range(..on_wire).filter(|e| acked(e)).count();
        let before = self.entries.len();
        self.entries.retain(|e| !acked(e));
        self.on_wire = on_wire - gone_from_wire;
        self.recount();
        before - self.entries.len()
    }

    /// A new socket opened: every entry must go to it, resends included.
    pub(crate) fn rewind(&mut self) {
        self.on_wire = 0;
    }

    /// Whether some entry waits for the current socket.
    pub(crate) fn has_waiting(&self) -> bool {
        self.on_wire < self.entries.len()
    }

    /// Takes what may go on the current socket now, in order: every entry not
    /// yet handed to it, up to the first reliable one with an id of `below`
    /// or more (its id is not stored yet: it waits for the write that
    /// reserves it, and what follows waits behind it). Unreliable entries
    /// leave the outbox; reliable ones stay, marked sent, until acked.
    pub(crate) fn take_ready(&mut self, below: u64) -> Vec<Message> {
        let mut frames = Vec::new();
        let start = self.on_wire.min(self.entries.len());
        let mut rest = self.entries.split_off(start);
        while rest.front().is_some_and(|e| !e.reliable || e.id < below) {
            let Some(mut entry) = rest.pop_front() else {
                break;
            };
            if entry.reliable {
                frames.push(reliable::frame(&entry, entry.sent));
                entry.sent = true;
                self.entries.push_back(entry);
            } else {
                self.bytes = self.bytes.saturating_sub(entry.message.len());
                frames.push(entry.message);
            }
        }
        self.on_wire = self.entries.len();
        self.entries.append(&mut rest);
        frames
    }

    pub(crate) fn remove(&mut self, id: u64) -> bool {
        let before = self.entries.len();
        if let Some(at) = self.entries.iter().position(|e| e.id == id) {
            if at < self.on_wire {
                self.on_wire -= 1;
            }
        }
        self.entries.retain(|e| e.id != id);
        self.recount();
        before != self.entries.len()
    }

    /// Adds `delta` to every entry's id (see `Ids::rebase`).
    pub(crate) fn shift_ids(&mut self, delta: u64) {
        for entry in &mut self.entries {
            entry.id = entry.id.saturating_add(delta);
        }
    }

    pub(crate) fn clear(&mut self) -> usize {
        let n = self.entries.len();
        self.entries.clear();
        self.bytes = 0;
        self.on_wire = 0;
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
