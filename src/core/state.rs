//! The connection's state: a private enum with data, and the public name of it.

use crate::core::codec::Choice;
use crate::core::{CloseRequest, Timestamp};

/// The state of a connection as callers see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnState {
    /// Never connected.
    #[default]
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
    /// Idle (`sleepAfterMs`): no socket until the next wake or `send`; the
    /// caller's intent stays open.
    Sleeping,
}

impl ConnState {
    /// The stable snake_case name used in status objects and events.
    pub fn as_str(self) -> &'static str {
        ConnState::NAMES
            .get(self as usize)
            .copied()
            .unwrap_or_default()
    }
}

impl ConnState {
    /// Every state, in the order of [`ConnState::NAMES`].
    pub const ALL: [ConnState; 8] = [
        ConnState::Idle,
        ConnState::Connecting,
        ConnState::Open,
        ConnState::Closing,
        ConnState::Backoff,
        ConnState::Closed,
        ConnState::GaveUp,
        ConnState::Sleeping,
    ];
    /// Every state's name.
    pub const NAMES: [&'static str; 8] = [
        "idle",
        "connecting",
        "open",
        "closing",
        "backoff",
        "closed",
        "gave_up",
        "sleeping",
    ];
}

/// Written and read by its name.
impl Choice for ConnState {
    fn names(&self) -> &'static [&'static str] {
        &ConnState::NAMES
    }

    fn index(&self) -> usize {
        *self as usize
    }

    fn set(&mut self, index: usize) {
        *self = ConnState::ALL.get(index).copied().unwrap_or_default();
    }
}

/// What the caller asked for last: open after `connect`, closed after
/// `close` (or a close that ends the connection for good).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Intent {
    /// Keep a connection open.
    Open,
    /// Stay closed.
    #[default]
    Closed,
}

impl Intent {
    /// "open" or "closed".
    pub fn as_str(self) -> &'static str {
        self.names().get(self.index()).copied().unwrap_or_default()
    }

    /// `Open` when `open`.
    pub fn from_open(open: bool) -> Intent {
        if open {
            Intent::Open
        } else {
            Intent::Closed
        }
    }
}

/// Written and read by its name.
impl Choice for Intent {
    fn names(&self) -> &'static [&'static str] {
        &["open", "closed"]
    }

    fn index(&self) -> usize {
        *self as usize
    }

    fn set(&mut self, index: usize) {
        *self = Intent::from_open(index == 0);
    }
}

/// The internal state, with what each state needs to remember.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Idle,
    Connecting,
    Open {
        since: Timestamp,
    },
    /// `to_sleep`: closed by the idle time, to sleep (see `sleep.rs`).
    Closing {
        request: CloseRequest,
        to_sleep: bool,
    },
    Backoff {
        at: Timestamp,
    },
    Closed,
    GaveUp,
    Sleeping {
        until: Timestamp,
    },
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
            Phase::Sleeping { .. } => ConnState::Sleeping,
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

    pub(crate) fn is_sleeping(&self) -> bool {
        matches!(self, Phase::Sleeping { .. })
    }
}
