//! The persistent outbox: messages waiting for a socket, or for an ack.

use crate::core::reliable;
use crate::core::{Action, Error, Message};
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
    /// The message (its kind says how a reliable frame carries it).
    pub message: Message,
    /// Kept until the server acknowledges it.
    pub reliable: bool,
    /// Handed to a socket at least once (resends carry `dup: true`).
    pub sent: bool,
}

/// Which entries [`Outbox::remove_where`] removes.
#[derive(Clone, Copy)]
enum Pick {
    /// Reliable entries up to this id.
    AckedBy(u64),
    /// The entry with this id, if no socket has it yet.
    Unsent(u64),
    /// Unreliable entries handed to the socket by `take_ready`.
    Taken,
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
        self.remove_where(Pick::AckedBy(id))
    }

    /// Removes the entries `pick` picks; returns how many. (One `retain` for
    /// every caller: the module's size counts.)
    fn remove_where(&mut self, pick: Pick) -> usize {
        let (before, wire) = (self.entries.len(), self.on_wire);
        let (mut index, mut on_wire) = (0, wire);
        self.entries.retain(|entry| {
            index += 1;
            let drop = match pick {
                Pick::AckedBy(id) => entry.reliable && entry.id <= id,
                Pick::Unsent(id) => entry.id == id && !entry.sent,
                Pick::Taken => !entry.reliable && entry.sent,
            };
            if drop && index <= wire {
                on_wire -= 1; // one of the first `wire` entries: at most `wire` times
            }
            !drop
        });
        self.on_wire = on_wire;
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
    /// reserves it, and what follows waits behind it). Each goes to `out` as
    /// an [`Action::Send`]; returns how many. Unreliable entries leave the
    /// outbox (their message moves to the action); reliable ones stay, marked
    /// sent, until acked, and their frame, written from a borrow, is the
    /// only copy. Visits only the entries not yet on the wire: a send costs
    /// the same with 1 000 unacked.
    pub(crate) fn take_ready(&mut self, below: u64, out: &mut VecDeque<Action>) -> u64 {
        let (start, mut at) = (self.on_wire, self.on_wire);
        let mut unreliable = false;
        while let Some(entry) = self.entries.get_mut(at) {
            let frame = if entry.reliable {
                if entry.id >= below {
                    break;
                }
                reliable::frame(entry.id, &entry.message, entry.sent)
            } else {
                // Taken: `sent` marks it to leave the outbox below.
                unreliable = true;
                std::mem::replace(&mut entry.message, Message::Binary(Vec::new()))
            };
            entry.sent = true;
            out.push_back(Action::Send(frame));
            at += 1;
        }
        self.on_wire = at;
        if unreliable {
            self.remove_where(Pick::Taken);
        }
        (at - start) as u64
    }

    pub(crate) fn remove_unsent(&mut self, id: u64) -> bool {
        self.remove_where(Pick::Unsent(id)) > 0
    }

    /// Adds `delta` to every entry's id (see `Ids::rebase`).
    pub(crate) fn shift_ids(&mut self, delta: u64) {
        for entry in &mut self.entries {
            entry.id += delta; // below the rebased next id: no overflow
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
