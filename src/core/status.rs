//! Counters and the status snapshot shown to callers.

use crate::core::state::Phase;
use crate::core::{CloseInfo, Connection, Error};
use serde::{Deserialize, Serialize};

/// Counters of a connection's life.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Counters {
    /// Times the worker (the wasm instance) started.
    pub worker_starts: u64,
    /// Sockets opened on request, including reconnects.
    pub connects: u64,
    /// Sockets opened again without a new request from the caller.
    pub reconnects: u64,
    /// Application messages handed to the socket.
    pub sent: u64,
    /// Application messages received.
    pub received: u64,
    /// Keepalive messages sent.
    pub keepalives: u64,
}

/// An error as a plain value: its kind and message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// Everything a caller may want to know about a connection, at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// The state name: idle, connecting, open, closing or closed.
    pub state: &'static str,
    /// What the caller asked for last: "open" after connect, "closed" after close.
    pub intent: &'static str,
    /// The URL of the current or last connection.
    pub url: Option<String>,
    /// Times the worker started.
    pub worker_starts: u64,
    /// Sockets opened.
    pub connects: u64,
    /// Sockets reopened without a new request.
    pub reconnects: u64,
    /// Application messages sent.
    pub sent: u64,
    /// Application messages received.
    pub received: u64,
    /// Keepalive messages sent.
    pub keepalives: u64,
    /// Messages waiting to be sent.
    pub outbox: u64,
    /// Bytes waiting to be sent.
    pub outbox_bytes: u64,
    /// Reconnect attempts since the last stable connection.
    pub attempt: u32,
    /// When the next attempt is due (ms since the epoch), while in backoff.
    pub next_attempt_at: Option<u64>,
    /// The last error, if any.
    pub last_error: Option<ErrorInfo>,
    /// How the last socket closed, if one did.
    pub last_close: Option<CloseInfo>,
    /// When the current socket opened (ms since the epoch), while open.
    pub opened_at: Option<u64>,
}

impl Connection {
    /// A snapshot of the state, counters and last error and close.
    pub fn status(&self) -> Status {
        let c = &self.counters;
        Status {
            state: self.phase.public().as_str(),
            intent: if self.intent_open { "open" } else { "closed" },
            url: self.url.as_ref().map(|u| u.as_str().to_owned()),
            worker_starts: c.worker_starts,
            connects: c.connects,
            reconnects: c.reconnects,
            sent: c.sent,
            received: c.received,
            keepalives: c.keepalives,
            outbox: self.outbox.len() as u64,
            outbox_bytes: self.outbox.bytes() as u64,
            attempt: self.attempt,
            next_attempt_at: match self.phase {
                Phase::Backoff { at } => Some(at.as_millis()),
                _ => None,
            },
            last_error: self.last_error.clone(),
            last_close: self.last_close.clone(),
            opened_at: match self.phase {
                Phase::Open { since } => Some(since.as_millis()),
                _ => None,
            },
        }
    }
}
