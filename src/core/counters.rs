//! Counters of a connection's life, kept across worker restarts.

use crate::core::codec::{Record, Rules, Slot, Visit};

/// Counters of a connection's life.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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

/// A missing counter is 0; unknown keys are ignored.
impl Record for Counters {
    fn rules(&self) -> Rules {
        Rules::LENIENT
    }

    fn fields(&mut self, v: &mut dyn Visit) {
        v.field("workerStarts", Slot::U64(&mut self.worker_starts));
        v.field("connects", Slot::U64(&mut self.connects));
        v.field("reconnects", Slot::U64(&mut self.reconnects));
        v.field("sent", Slot::U64(&mut self.sent));
        v.field("received", Slot::U64(&mut self.received));
        v.field("keepalives", Slot::U64(&mut self.keepalives));
    }
}
