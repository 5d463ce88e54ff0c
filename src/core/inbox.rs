//! The state of reliable inbound delivery (the rules that use it are in
//! `inbound.rs`; a leaf module, as the connection holds it).

use crate::core::io::Event;
use crate::core::Timestamp;
use std::collections::VecDeque;

/// The inbound side of a connection.
#[derive(Clone, Debug, Default)]
pub(crate) struct Inbound {
    /// The highest id handled (or skipped by a gap): stored with the snapshot.
    pub(crate) handled: u64,
    /// The highest id known to be in storage.
    pub(super) stored: u64,
    /// The highest id acked on this connection.
    pub(super) acked: u64,
    /// Handled positions waiting for their write: (persist seq, id).
    pub(super) unstored: VecDeque<(u64, u64)>,
    /// Received, not yet handed to the app, in id order: the events to
    /// give (`Inbound`, `Gap`), each when the one before was handled.
    pub(super) queue: VecDeque<Event>,
    /// The message the app is handling.
    pub(super) running: Option<u64>,
    /// A socket opened before the stored position was known: its
    /// `sw.resume` waits for it.
    pub(super) resume_due: bool,
    /// When the position was last written (the writes are paced).
    pub(super) written_at: Option<Timestamp>,
}

impl Inbound {
    /// The handled position of a restored snapshot, which is in storage.
    pub(crate) fn restore(&mut self, handled: u64) {
        self.handled = self.handled.max(handled);
        self.stored = self.stored.max(handled);
    }

    /// A message queued or being handled, or a handled position not stored.
    pub(super) fn busy(&self) -> bool {
        self.running.is_some() || !self.queue.is_empty() || !self.unstored.is_empty()
    }

    pub(super) fn last_known(&self) -> u64 {
        let queued = self.queue.back().and_then(|event| match event {
            Event::Inbound { id, .. } => Some(*id),
            Event::Gap { next, .. } => Some(next.saturating_sub(1)),
            _ => None,
        });
        queued
            .into_iter()
            .chain(self.running)
            .fold(self.handled, u64::max)
    }
}
