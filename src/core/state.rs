//! The connection's state: a private enum with data, and the public name of it.

use crate::core::{CloseRequest, Timestamp};

/// The state of a connection as callers see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnState {
    /// Never connected.
    Idle,
    /// A socket is being opened.
    Connecting,
    /// The socket is open: messages flow.
    Open,
    /// The closing handshake is under way.
    Closing,
    /// Waiting to reconnect after a lost connection.
    Backoff,
    /// Closed, and no reconnect is planned.
    Closed,
    /// The retry limit ran out; `connect` starts again.
    GaveUp,
}

impl ConnState {
    /// The stable snake_case name used in status objects and events.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnState::Idle => "idle",
            ConnState::Connecting => "connecting",
            ConnState::Open => "open",
            ConnState::Closing => "closing",
            ConnState::Backoff => "backoff",
            ConnState::Closed => "closed",
            ConnState::GaveUp => "gave_up",
        }
    }
}

/// The internal state, with what each state needs to remember.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Idle,
    Connecting,
    Open { since: Timestamp },
    Closing { request: CloseRequest },
    Backoff { at: Timestamp },
    Closed,
    GaveUp,
}

impl Phase {
    pub(crate) fn public(&self) -> ConnState {
        match self {
            Phase::Idle => ConnState::Idle,
            Phase::Connecting => ConnState::Connecting,
            Phase::Open { .. } => ConnState::Open,
            Phase::Closing { .. } => ConnState::Closing,
            Phase::Backoff { .. } => ConnState::Backoff,
            Phase::Closed => ConnState::Closed,
            Phase::GaveUp => ConnState::GaveUp,
        }
    }

    /// Whether a browser socket exists for this state.
    pub(crate) fn has_socket(&self) -> bool {
        matches!(
            self,
            Phase::Connecting | Phase::Open { .. } | Phase::Closing { .. }
        )
    }

    pub(crate) fn is_open(&self) -> bool {
        matches!(self, Phase::Open { .. })
    }

    pub(crate) fn is_connecting(&self) -> bool {
        matches!(self, Phase::Connecting)
    }

    pub(crate) fn is_backoff(&self) -> bool {
        matches!(self, Phase::Backoff { .. })
    }

    pub(crate) fn is_closing(&self) -> bool {
        matches!(self, Phase::Closing { .. })
    }
}
