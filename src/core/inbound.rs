//! Reliable inbound delivery (the `reliableInbound` option): the server's
//! `sw.msg` frames handled one at a time, in id order; the handled position
//! stored with the snapshot; a cumulative `sw.ack` once a position is
//! stored; `sw.resume` after each open; `sw.gap` when the server lost some.
//!
//! ```text
//!  sw.msg id ──> queue ──> Event::Inbound (one at a time) ──> handle_inbound_done
//!                                                                │ handled = id, write
//!  handle_persisted(seq) ──> the stored position ──> sw.ack ─────┘
//! ```

use crate::core::connection::Connection;
use crate::core::io::{Action, Event};
use crate::core::json::{raw_object, whole_number};
use crate::core::timer::Timer;
use crate::core::{Error, Message, Millis, Timestamp};

/// An inbound frame of the server.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Frame<'a> {
    /// `{"type":"sw.msg","id":N,"data":D,"dup":B}`; `data` as its JSON text.
    Msg { id: u64, dup: bool, data: &'a str },
    /// `{"type":"sw.gap","after":N,"next":M}`: the messages between are gone.
    Gap { after: u64, next: u64 },
}

/// Every inbound frame contains one of these; a text without both is never one.
const MARKS: [&[u8]; 2] = [b"\"sw.msg\"", b"\"sw.gap\""];

/// During a burst, the handled position is written at most this often (a
/// `chrome.storage` write per message would cost more than the message):
/// an ack waits at most this long plus one storage write after its handler.
pub const INBOUND_WRITE_EVERY: Millis = Millis(25);

/// The largest id or position a frame may carry: 2^53 - 1, the largest
/// whole number a JS number holds exactly (the app sees ids as numbers, and
/// `glue.js` reads frames with `JSON.parse`). A frame with a larger one is
/// no frame.
pub const MAX_INBOUND_ID: u64 = (1 << 53) - 1;

/// The frame `text` is, if it is one.
pub(crate) fn parse(text: &str) -> Option<Frame<'_>> {
    let bytes = text.as_bytes();
    let marked = MARKS
        .iter()
        .any(|mark| bytes.windows(mark.len()).any(|w| w == *mark));
    if !marked || !text.trim_start().starts_with('{') {
        return None;
    }
    let fields = raw_object(text)?;
    // The last of a repeated key, as in `JSON.parse` (the shell reads the
    // frames it keeps in place with it).
    let get = |key: &str| fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v);
    let number = |key: &str| {
        get(key)
            .and_then(whole_number)
            .filter(|n| *n <= MAX_INBOUND_ID)
    };
    match get("type")? {
        "\"sw.msg\"" => Some(Frame::Msg {
            id: number("id").filter(|id| *id > 0)?,
            dup: get("dup") == Some("true"),
            data: get("data").unwrap_or("null"),
        }),
        "\"sw.gap\"" => Some(Frame::Gap {
            after: number("after")?,
            next: number("next")?,
        }),
        _ => None,
    }
}

impl Connection {
    /// Whether the server's inbound frames are this connection's to read.
    fn inbound_on(&self) -> bool {
        self.config.reliable_inbound
    }

    /// A text that is an inbound frame: queued (or acked again if it was
    /// handled already). `false` if it is none, or the mode is off.
    pub(crate) fn receive_inbound(&mut self, now: Timestamp, text: &str) -> bool {
        if !self.inbound_on() {
            return false;
        }
        let Some(frame) = parse(text) else {
            return false;
        };
        match frame {
            Frame::Msg { id, dup, data } => {
                self.inbound_msg(now, id, dup, || Some(data.to_owned()));
            }
            Frame::Gap { after, next } => {
                if next > self.inbound.last_known().saturating_add(1) {
                    self.inbound.queue.push_back(Event::Gap { after, next });
                }
                self.next_inbound(now);
            }
        }
        true
    }

    /// A `sw.msg` frame the shell read itself, its `data` kept on the
    /// shell's side (so that it is not copied in and out): `id` (a whole
    /// number from 1 to [`MAX_INBOUND_ID`]) and `dup` as the frame has them. Counts as received
    /// like a frame given to [`handle_message`](Self::handle_message).
    /// Returns whether the message was queued: the shell then keeps its data
    /// until [`Event::Inbound`] with this id and `data: None` asks for it (a
    /// resend of a handled message, or one already queued, is not).
    pub fn handle_inbound_in_place(&mut self, now: Timestamp, id: u64, dup: bool) -> bool {
        if !self.inbound_on() || id == 0 || id > MAX_INBOUND_ID || !self.receive(now) {
            return false;
        }
        self.inbound_msg(now, id, dup, || None)
    }

    /// The rule of a received `sw.msg`: a handled id is acked again once
    /// stored, one known already is dropped, a new one is queued (with
    /// `data()`); returns whether it was queued.
    fn inbound_msg(
        &mut self,
        now: Timestamp,
        id: u64,
        dup: bool,
        data: impl FnOnce() -> Option<String>,
    ) -> bool {
        if id <= self.inbound.handled {
            // Handled before (a resend): acked again once stored.
            self.inbound.acked = self.inbound.acked.min(id.saturating_sub(1));
            self.send_inbound_ack();
            return false;
        }
        if id <= self.inbound.last_known() {
            return false;
        }
        let data = data();
        self.inbound
            .queue
            .push_back(Event::Inbound { id, dup, data });
        self.next_inbound(now);
        true
    }

    /// Hands the next queued message to the app if none is being handled;
    /// a gap is reported and moves the position on by itself.
    fn next_inbound(&mut self, now: Timestamp) {
        while self.inbound.running.is_none() {
            let Some(event) = self.inbound.queue.pop_front() else {
                return;
            };
            match &event {
                Event::Inbound { id, .. } => {
                    self.inbound.running = Some(*id);
                    let timeout = self.config.handler_timeout;
                    self.timers.set(Timer::Handler, now + timeout);
                    self.count_received(now);
                }
                Event::Gap { next, .. } => self.inbound_handled(now, next.saturating_sub(1)),
                _ => continue,
            }
            self.events.push_back(event);
        }
    }

    /// The app finished handling inbound message `id`: every listener
    /// returned and every promise given to `waitUntil` settled (`Err`: one
    /// threw or rejected; the error is reported). It counts as handled
    /// either way; its position is written, then acked. An id that is not
    /// the one being handled (it timed out before) changes nothing.
    pub fn handle_inbound_done(&mut self, now: Timestamp, id: u64, result: Result<(), Error>) {
        if self.inbound.running != Some(id) {
            return;
        }
        if let Err(error) = result {
            self.report(error);
        }
        self.finish_inbound(now, id);
    }

    /// The handler of the running message ran past `handlerTimeoutMs`.
    pub(crate) fn on_handler_timeout(&mut self, now: Timestamp) {
        if let Some(id) = self.inbound.running {
            let ms = self.config.handler_timeout.get();
            self.report(Error::HandlerTimeout { id, ms });
            self.finish_inbound(now, id);
        }
    }

    fn finish_inbound(&mut self, now: Timestamp, id: u64) {
        self.inbound.running = None;
        self.timers.stop(Timer::Handler);
        self.inbound_handled(now, id);
        self.next_inbound(now);
    }

    /// Moves the handled position to `id` and writes it, at once or (during
    /// a burst) [`INBOUND_WRITE_EVERY`] after the last write of it; acked
    /// once stored.
    fn inbound_handled(&mut self, now: Timestamp, id: u64) {
        if id <= self.inbound.handled {
            return;
        }
        self.inbound.handled = id;
        match self.inbound.written_at {
            Some(at) if now < at + INBOUND_WRITE_EVERY => {
                if !self.timers.is_set(Timer::InboundWrite) {
                    self.timers
                        .set(Timer::InboundWrite, at + INBOUND_WRITE_EVERY);
                }
            }
            _ => self.write_inbound_position(now),
        }
    }

    /// Writes the handled position (acked once stored).
    pub(crate) fn write_inbound_position(&mut self, now: Timestamp) {
        self.timers.stop(Timer::InboundWrite);
        self.inbound.written_at = Some(now);
        let seq = self.mark_dirty();
        self.inbound.unstored.push_back((seq, self.inbound.handled));
    }

    /// The writes up to `seq` are stored: their positions may be acked.
    pub(crate) fn inbound_stored(&mut self, seq: u64) {
        while let Some((at, id)) = self.inbound.unstored.front().copied() {
            if at > seq {
                break;
            }
            self.inbound.unstored.pop_front();
            self.inbound.stored = self.inbound.stored.max(id);
        }
        self.send_inbound_ack();
    }

    /// Acks the stored position on the open socket, if it moved.
    fn send_inbound_ack(&mut self) {
        let id = self.inbound.stored;
        if !self.phase.is_open() || id <= self.inbound.acked || !self.inbound_on() {
            return;
        }
        self.inbound.acked = id;
        let frame = format!("{{\"type\":\"sw.ack\",\"id\":{id}}}");
        self.actions.push_back(Action::Send(Message::Text(frame)));
    }

    /// A socket opened: what the last one had queued comes again after the
    /// resume frame, from the stored position on (once it is known: until
    /// then the server sends nothing).
    pub(crate) fn inbound_on_open(&mut self) {
        self.inbound.queue.clear();
        self.inbound.acked = 0;
        self.inbound.resume_due = self.inbound_on();
        if !self.stored.holds_writes() {
            self.send_resume();
        }
    }

    /// The stored state is known: a resume that waited for it goes out.
    pub(crate) fn inbound_known(&mut self) {
        if self.phase.is_open() {
            self.send_resume();
        }
    }

    fn send_resume(&mut self) {
        if !std::mem::replace(&mut self.inbound.resume_due, false) {
            return;
        }
        let after = self.inbound.stored;
        let frame = format!("{{\"type\":\"sw.resume\",\"after\":{after}}}");
        self.actions.push_back(Action::Send(Message::Text(frame)));
        self.inbound.acked = after;
    }
}
