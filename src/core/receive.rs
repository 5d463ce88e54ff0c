//! Receiving: every frame keeps time and ends the heartbeat wait; acks and
//! the heartbeat reply stay in the core, the rest reaches the app.

use crate::core::connection::Connection;
use crate::core::io::Event;
use crate::core::reliable;
use crate::core::timer::Timer;
use crate::core::{Message, Timestamp};

impl Connection {
    /// A message arrived on the socket.
    pub fn handle_message(&mut self, now: Timestamp, message: Message) {
        if !self.receive(now) {
            return;
        }
        if let Some(text) = message.as_text() {
            if self.heartbeat_reply() == Some(text) {
                return;
            }
            if self.receive_inbound(now, text) {
                return;
            }
            if let Some(id) = reliable::parse_ack(text) {
                if self.outbox.ack(id) > 0 {
                    self.mark_dirty();
                }
                self.events.push_back(Event::Ack(id));
                return;
            }
        }
        self.count_received(now);
        self.events.push_back(Event::Message(message));
    }

    /// A received message whose payload the shell keeps on its side (so that
    /// it is not copied in and out): counted like one given to
    /// [`handle_message`](Self::handle_message); returns whether the app gets
    /// it, which the shell then does itself, before anything else. Only for
    /// binary messages and texts that cannot be protocol frames: texts that
    /// contain [`ACK_MARK`](crate::core::ACK_MARK) or equal
    /// [`heartbeat_reply`](Self::heartbeat_reply) go to `handle_message`.
    pub fn handle_message_in_place(&mut self, now: Timestamp) -> bool {
        if !self.receive(now) {
            return false;
        }
        self.count_received(now);
        true
    }

    /// The text the server answers keepalives with, when a heartbeat is set.
    pub fn heartbeat_reply(&self) -> Option<&str> {
        self.config.heartbeat.as_ref().map(|h| h.reply.as_str())
    }

    /// What every received frame does: keeps time and ends the heartbeat
    /// wait; false when no socket is open or closing.
    pub(super) fn receive(&mut self, now: Timestamp) -> bool {
        if !(self.phase.is_open() || self.phase.is_closing()) {
            return false;
        }
        if self.phase.is_open() {
            self.touch(now);
        }
        self.timers.stop(Timer::Heartbeat);
        true
    }

    pub(super) fn count_received(&mut self, now: Timestamp) {
        self.counters.received += 1;
        self.app_data(now);
        self.lazy_persist(now);
    }
}
