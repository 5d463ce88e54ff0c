//! What crosses the core's boundary: actions for the shell, events for the
//! application, and what `send` did.

use crate::core::{CloseInfo, ConnState, Error, Message, Millis, Timestamp};

/// What the shell must do for the core.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Open a browser socket to `url`, replacing any previous one.
    Open {
        /// The checked URL (with the auth query parameter, if any).
        url: String,
        /// Subprotocols to offer.
        protocols: Vec<String>,
    },
    /// Send a message on the open socket.
    Send(Message),
    /// Start the closing handshake of the current socket.
    Close {
        /// A close code the browser accepts.
        code: u16,
        /// A reason of at most 123 UTF-8 bytes.
        reason: String,
    },
    /// Forget the current socket: remove its listeners and let it go.
    Drop,
    /// Keep a periodic watchdog alarm with this period, or clear it (`None`).
    Watchdog(Option<Millis>),
    /// Wake the worker at this time with a one-shot alarm, or clear it (`None`).
    Wake(Option<Timestamp>),
    /// Read the stored state and hand what was found to
    /// [`handle_loaded`](crate::core::Connection::handle_loaded).
    Load,
}

/// What the application sees.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The state changed to this one.
    State(ConnState),
    /// The socket opened.
    Open,
    /// A message arrived.
    Message(Message),
    /// The socket closed.
    Close(CloseInfo),
    /// The server acknowledged every reliable message up to this id.
    Ack(u64),
    /// An inbound message to handle (`reliableInbound`): its id, whether
    /// the server sent it before, and its `data` as JSON text (`None`: the
    /// shell kept it, see
    /// [`handle_inbound_in_place`](crate::core::Connection::handle_inbound_in_place)).
    /// One at a time: the next comes after
    /// [`handle_inbound_done`](crate::core::Connection::handle_inbound_done).
    Inbound {
        /// The server's id.
        id: u64,
        /// Sent before (on an earlier connection).
        dup: bool,
        /// The frame's `data`, as JSON text, unless the shell kept it.
        data: Option<String>,
    },
    /// The server no longer has the inbound messages after `after` and
    /// before `next`: they will never come.
    Gap {
        /// The last position the client had.
        after: u64,
        /// The next message the server has.
        next: u64,
    },
    /// The retry limit ran out; the last close, if any.
    GaveUp(Option<CloseInfo>),
    /// Something went wrong; the state events say what happens next.
    Error(Error),
    /// A queued send, named by the `seq` its [`Sent`] gave, is settled:
    /// `Ok(id)` once its message is stored as `id` (or went to a socket
    /// already), `Err` when the write that was to hold it failed and it was
    /// taken back out of the outbox: neither stored nor sent.
    Settled {
        /// The send's `seq`.
        seq: u64,
        /// Its id, or why it was taken back.
        result: Result<u64, Error>,
    },
}

/// What `send` did with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sent {
    /// Handed to the open socket.
    ToSocket,
    /// Put in the outbox as `id`; [`Event::Settled`] with `seq` tells when
    /// it is stored (and its final id: a connect that came before the
    /// stored ids were read renumbers it).
    Queued {
        /// The outbox id.
        id: u64,
        /// The persist sequence that holds it: the send's name until settled.
        seq: u64,
    },
    /// A reliable message `id`, sent if open, kept until acked; settled like
    /// [`Sent::Queued`].
    Reliable {
        /// The wire id.
        id: u64,
        /// The persist sequence that holds it.
        seq: u64,
    },
}

/// How to send one message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendOptions {
    /// Override the connection's `reliable` setting for this message.
    pub reliable: Option<bool>,
}
