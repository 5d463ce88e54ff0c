//! Sending: straight to the open socket, or through the outbox, which keeps
//! messages until a socket takes them (or, in reliable mode, acknowledges them).

use crate::core::connection::Connection;
use crate::core::io::{Action, SendOptions, Sent};
use crate::core::outbox::OutboxEntry;
use crate::core::state::Phase;
use crate::core::{Error, Message, Timestamp};

impl Connection {
    /// Sends `message`: to the socket when open, else into the outbox.
    ///
    /// A reliable message, and any message while others wait in the outbox,
    /// goes through the outbox; its frame leaves once the write that reserves
    /// its id is done (see the id rule in `ids.rs`), at once in steady use.
    pub fn send(
        &mut self,
        now: Timestamp,
        message: Message,
        how: SendOptions,
    ) -> Result<Sent, Error> {
        if self.send_in_place(now, message.len(), &how)? {
            self.actions.push_back(Action::Send(message));
            return Ok(Sent::ToSocket);
        }
        let reliable = how.reliable.unwrap_or(self.config.reliable);
        if reliable && matches!(message, Message::Binary(_)) {
            return Err(Error::InvalidMessage(
                "reliable mode carries text and JSON only".into(),
            ));
        }
        let id = self.ids.peek();
        let entry = OutboxEntry {
            id,
            message,
            reliable,
            sent: false,
        };
        let (max_count, max_bytes) = (
            self.config.max_outbox_messages,
            self.config.max_outbox_bytes,
        );
        self.outbox.push(entry, max_count, max_bytes)?;
        self.ids.take();
        let seq = self.mark_dirty();
        self.unsettled.push_back((seq, id));
        self.reserve_ids();
        self.flush_outbox(now);
        self.wake_up(now); // a send while asleep wakes at once
        Ok(if reliable {
            Sent::Reliable { id, seq }
        } else {
            Sent::Queued { id, seq }
        })
    }

    /// Hands the open socket every outbox entry it may take now, in order.
    pub(super) fn flush_outbox(&mut self, now: Timestamp) {
        if !self.phase.is_open() {
            return;
        }
        let frames = self
            .outbox
            .take_ready(self.ids.sendable_below(), &mut self.actions);
        if frames > 0 {
            self.counters.sent += frames;
            self.app_data(now);
            self.mark_dirty(); // entries left the outbox, or are sent now
            self.touch(now);
        }
    }

    /// Asks for a new block of ids when less than half of one is left; the
    /// next write holds it.
    pub(super) fn reserve_ids(&mut self) {
        if self.ids.wants_block() {
            self.ids.reserve();
            self.mark_dirty();
        }
    }

    /// The checks of [`send`](Self::send) for a message of `len` bytes whose
    /// payload the shell keeps on its side (so that it is not copied in and
    /// out). `Ok(true)`: it may go to the socket now, is counted, and the
    /// caller must send it before anything else happens. `Ok(false)`: it
    /// cannot (not open yet, reliable, or behind messages waiting in the
    /// outbox): call `send` with the message.
    pub fn send_in_place(
        &mut self,
        now: Timestamp,
        len: usize,
        how: &SendOptions,
    ) -> Result<bool, Error> {
        let max = self.config.max_message();
        if len > max {
            return Err(Error::MessageTooLarge { size: len, max });
        }
        if matches!(self.phase, Phase::GaveUp) {
            return Err(Error::GaveUp);
        }
        if !self.intent_open {
            return Err(Error::NotOpen);
        }
        if how.reliable.unwrap_or(self.config.reliable)
            || !self.phase.is_open()
            || self.outbox.has_waiting()
        {
            return Ok(false);
        }
        self.counters.sent += 1;
        self.touch(now);
        self.app_data(now);
        Ok(true)
    }

    /// Empties the outbox; returns how many messages were dropped.
    pub fn clear_outbox(&mut self) -> usize {
        let n = self.outbox.clear();
        self.mark_dirty();
        n
    }

    /// Takes message `id` back out of the outbox (its write failed) unless a
    /// socket has it already; whether it did.
    pub(super) fn take_back(&mut self, id: u64) -> bool {
        let removed = self.outbox.remove_unsent(id);
        if removed {
            self.mark_dirty();
        }
        removed
    }

    /// The outbox entries, in order.
    pub fn outbox(&self) -> impl Iterator<Item = &OutboxEntry> {
        self.outbox.entries()
    }
}
