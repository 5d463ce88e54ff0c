//! The id rule: an id that may have reached the wire is never given to
//! another message, whatever stops the worker and whenever.
//!
//! Ids are reserved in blocks. The snapshot stores the end of the current
//! block as `nextId`, so a worker that restarts from any written snapshot
//! starts at or after it. An outbox entry's frame may go on the wire only
//! once a write holding an end above its id is done (`stored`); until then
//! it waits in the outbox. A new block is asked for when half of the current
//! one is used, so under steady sending the frames never wait: the write
//! that holds the next block is long done when it is needed. What a restart
//! costs is a gap in the ids (the rest of the block), never a reused one.

/// How many ids one reservation covers.
pub const ID_BLOCK: u64 = 1024;
/// The largest id: JS numbers stop being exact above it.
pub(crate) const MAX_ID: u64 = crate::core::codec::MAX_SAFE_INTEGER;

/// The id counter and its reservation.
#[derive(Clone, Debug)]
pub(crate) struct Ids {
    /// The next id to give out.
    next: u64,
    /// The end of the reserved block: what the next snapshot stores.
    reserved: u64,
    /// The end known to be in storage: ids below it may go on the wire.
    stored: u64,
}

impl Default for Ids {
    fn default() -> Self {
        Ids::restored(1)
    }
}

impl Ids {
    /// The counter of a worker restored from a snapshot whose `nextId` is `stored`.
    pub(crate) fn restored(stored: u64) -> Ids {
        Ids {
            next: stored,
            reserved: stored,
            stored,
        }
    }

    /// The id the next message gets. Past [`MAX_ID`] (2^53 ids: centuries
    /// at a million messages a second) no block is reserved any more, so a
    /// reliable frame would wait for ever instead of reusing an id.
    pub(crate) fn peek(&self) -> u64 {
        self.next
    }

    /// The id [`peek`](Self::peek) gave is taken.
    pub(crate) fn take(&mut self) {
        // At most 2^53 + sends: a restore and a rebase refuse larger starts.
        self.next += 1;
    }

    /// Whether less than half a block is left.
    pub(crate) fn wants_block(&self) -> bool {
        // Past 2^53 this stays true and `reserve` keeps the end at 2^53.
        self.reserved < self.next + ID_BLOCK / 2
    }

    /// Moves the block's end on: the next snapshot holds it.
    pub(crate) fn reserve(&mut self) {
        self.reserved = (self.next + ID_BLOCK).min(MAX_ID + 1);
    }

    /// A snapshot whose `nextId` is `end` is in storage.
    pub(crate) fn stored_up_to(&mut self, end: u64) {
        self.stored = self.stored.max(end);
    }

    /// Moves every id given so far up to start at `stored` (the `nextId`
    /// read from storage after this life gave ids before reading it); returns
    /// by how much, 0 when they are there already or would pass [`MAX_ID`].
    /// Only for ids none of which is reserved in storage, so none went out.
    pub(crate) fn rebase(&mut self, stored: u64) -> u64 {
        let delta = stored.saturating_sub(1);
        let next = self.next.saturating_add(delta);
        if delta == 0 || next > MAX_ID + 1 {
            return 0;
        }
        *self = Ids {
            next,
            reserved: next,
            stored,
        };
        delta
    }

    /// Ids below this may go on the wire.
    pub(crate) fn sendable_below(&self) -> u64 {
        self.stored
    }

    /// What a snapshot stores as `nextId`.
    pub(crate) fn to_store(&self) -> u64 {
        self.reserved.max(self.next)
    }
}
