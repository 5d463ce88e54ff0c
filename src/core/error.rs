//! Typed errors of the core, each with a stable `kind` string for JS.

use crate::core::codec::{Record, Rules, Slot, Visit};
use core::fmt;

/// Everything that can go wrong in sw-websocket, as one typed value.
///
/// Each variant maps to a stable [`Error::kind`] string that JS callers branch on.
/// The JS entry point (`worker.js`) adds one kind the module cannot give,
/// `init`: the module itself could not be loaded or initialised.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The URL could not be parsed as an absolute `ws:` or `wss:` URL.
    InvalidUrl(String),
    /// The URL is `ws:` to a host that is not loopback; use `wss:`.
    InsecureUrl(String),
    /// An option has a wrong type or a value out of its range.
    InvalidOption(String),
    /// The close code is not 1000 or in 3000-4999.
    InvalidCloseCode(u16),
    /// The close code is a number that is no close code at all (negative,
    /// fractional, NaN, over 65535), as the caller wrote it.
    InvalidCloseCodeValue(String),
    /// The close reason is longer than 123 UTF-8 bytes.
    CloseReasonTooLong(usize),
    /// The message to send has a type that cannot be sent.
    InvalidMessage(String),
    /// The message is larger than the configured maximum.
    MessageTooLarge {
        /// The message's size in bytes.
        size: usize,
        /// The configured maximum in bytes.
        max: usize,
    },
    /// `connect` was called while a connection is open or being opened.
    AlreadyConnected,
    /// There is no connection to send on: `connect` was not called, or `close` was.
    NotOpen,
    /// The browser refused an operation on the socket.
    Socket(String),
    /// The socket did not open within the connect timeout.
    ConnectTimeout,
    /// The outbox is full (by count or bytes): the message was not queued.
    OutboxFull {
        /// Messages in the outbox.
        messages: usize,
        /// Bytes in the outbox.
        bytes: usize,
    },
    /// The peer did not answer the heartbeat in time.
    HeartbeatTimeout,
    /// The stored snapshot could not be read; it was quarantined and replaced.
    CorruptSnapshot(String),
    /// `chrome.storage` refused a read or a write.
    Storage(String),
    /// The reconnect attempts ran out.
    GaveUp,
    /// A runtime message to the worker was not a known command.
    InvalidCommand(String),
    /// A call came in while another was still running (a listener calling back).
    Reentrant,
    /// A listener of an inbound message threw, or a promise it gave to
    /// `waitUntil` rejected; the message counts as handled.
    HandlerFailed(String),
    /// The listeners of an inbound message took longer than
    /// `handlerTimeoutMs`; the message counts as handled.
    HandlerTimeout {
        /// The message's id.
        id: u64,
        /// The timeout, in milliseconds.
        ms: u64,
    },
}

impl Error {
    /// The stable, snake_case name of this error's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidUrl(_) => "invalid_url",
            Error::InsecureUrl(_) => "insecure_url",
            Error::InvalidOption(_) => "invalid_option",
            Error::InvalidCloseCode(_) | Error::InvalidCloseCodeValue(_) => "invalid_close_code",
            Error::CloseReasonTooLong(_) => "close_reason_too_long",
            Error::InvalidMessage(_) => "invalid_message",
            Error::MessageTooLarge { .. } => "message_too_large",
            Error::AlreadyConnected => "already_connected",
            Error::NotOpen => "not_open",
            Error::Socket(_) => "socket",
            Error::ConnectTimeout => "connect_timeout",
            Error::OutboxFull { .. } => "outbox_full",
            Error::HeartbeatTimeout => "heartbeat_timeout",
            Error::CorruptSnapshot(_) => "corrupt_snapshot",
            Error::Storage(_) => "storage",
            Error::GaveUp => "gave_up",
            Error::InvalidCommand(_) => "invalid_command",
            Error::Reentrant => "reentrant",
            Error::HandlerFailed(_) => "handler_failed",
            Error::HandlerTimeout { .. } => "handler_timeout",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUrl(why) => write!(f, "invalid WebSocket URL: {why}"),
            Error::InsecureUrl(host) => write!(
                f,
                "insecure URL: ws:// is allowed only to localhost, 127.0.0.0/8 and [::1], \
                 not to {host}; use wss://"
            ),
            Error::InvalidOption(why) => write!(f, "invalid option: {why}"),
            Error::InvalidCloseCode(code) => write!(
                f,
                "invalid close code {code}: use 1000 or a code from 3000 to 4999"
            ),
            Error::InvalidCloseCodeValue(code) => write!(
                f,
                "invalid close code {code}: use 1000 or a code from 3000 to 4999"
            ),
            Error::CloseReasonTooLong(len) => write!(
                f,
                "close reason is {len} UTF-8 bytes long, at most 123 are allowed"
            ),
            Error::InvalidMessage(why) => write!(f, "invalid message: {why}"),
            Error::MessageTooLarge { size, max } => write!(
                f,
                "message of {size} bytes is larger than the maximum of {max} bytes"
            ),
            Error::AlreadyConnected => write!(
                f,
                "already connected or connecting: close() first to connect elsewhere"
            ),
            Error::NotOpen => write!(
                f,
                "not connected: call connect() first (after close() nothing is sent or queued)"
            ),
            Error::Socket(why) => write!(f, "socket error: {why}"),
            Error::ConnectTimeout => write!(f, "the socket did not open in time"),
            Error::OutboxFull { messages, bytes } => write!(
                f,
                "the outbox is full ({messages} messages, {bytes} bytes): the message was not queued"
            ),
            Error::HeartbeatTimeout => write!(f, "the peer did not answer the heartbeat in time"),
            Error::CorruptSnapshot(why) => write!(
                f,
                "the stored state could not be read ({why}); it was quarantined and replaced"
            ),
            Error::Storage(why) => write!(f, "chrome.storage failed: {why}"),
            Error::GaveUp => write!(f, "gave up reconnecting after the retry limit"),
            Error::InvalidCommand(why) => write!(f, "invalid command: {why}"),
            Error::Reentrant => write!(
                f,
                "called while sw-websocket was busy with another call; try again from a microtask"
            ),
            Error::HandlerFailed(why) => write!(
                f,
                "a listener of an inbound message failed ({why}); it counts as handled"
            ),
            Error::HandlerTimeout { id, ms } => write!(
                f,
                "the listeners of inbound message {id} took longer than handlerTimeoutMs \
                 ({ms} ms); it counts as handled"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// An error as a plain value: its kind and message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The error's stable kind, see [`Error::kind`].
    pub kind: String,
    /// A human-readable explanation.
    pub message: String,
}

impl From<&Error> for ErrorInfo {
    fn from(error: &Error) -> Self {
        ErrorInfo {
            kind: error.kind().to_owned(),
            message: error.to_string(),
        }
    }
}

/// Every field is required; unknown keys are ignored.
impl Record for ErrorInfo {
    fn rules(&self) -> Rules {
        Rules::REQUIRED
    }

    fn fields(&mut self, v: &mut dyn Visit) {
        v.field("kind", Slot::Text(&mut self.kind));
        v.field("message", Slot::Text(&mut self.message));
    }
}
