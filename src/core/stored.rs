//! What the core knows of the state an earlier life of the worker stored
//! (the rules that use it are in `resume.rs`; a leaf module, as the
//! connection holds it).

/// What the core knows of the state an earlier life stored.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Stored {
    /// A store may hold it (see `expect_stored_state`).
    pub(super) store: bool,
    /// How much of it is known.
    pub(super) known: Known,
    /// A read is asked for (`Action::Load`) and not back yet.
    pub(super) reading: bool,
    /// This worker's start is counted (once, however many reads it takes).
    pub(super) counted: bool,
}

/// How much of the stored state is known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Known {
    /// Not read, and no `connect()` yet.
    #[default]
    Unread,
    /// A `connect()` came first: its ids wait for the stored `nextId`.
    IdsUnread,
    /// Restored, or read after the connect that came first.
    Yes,
}

impl Stored {
    /// Whether writes wait: one would replace the stored state unread.
    pub(super) fn holds_writes(&self) -> bool {
        self.store && self.known != Known::Yes
    }

    /// Whether a worker start's restore is still to come (nothing read, no
    /// `connect()` first).
    pub(super) fn restore_pending(&self) -> bool {
        self.store && self.known == Known::Unread
    }
}
