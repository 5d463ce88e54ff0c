//! The status shown to callers.

use crate::core::codec::{Record, Rules, Slot, Visit};
use crate::core::state::Phase;
use crate::core::{CloseInfo, ConnState, Connection, Counters, ErrorInfo, Intent};

/// Everything a caller may want to know about a connection, at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// The state.
    pub state: ConnState,
    /// What the caller asked for last.
    pub intent: Intent,
    /// The URL of the current or last connection.
    pub url: Option<String>,
    /// The counters (written flat, among the other keys).
    pub counters: Counters,
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
    /// The highest inbound id handled (`reliableInbound`), 0 if none.
    pub inbound_handled: u64,
    /// When the next wake is due (ms since the epoch), while asleep.
    pub wake_at: Option<u64>,
}

impl Record for Status {
    fn rules(&self) -> Rules {
        Rules::STRICT
    }

    fn fields(&mut self, v: &mut dyn Visit) {
        v.field("state", Slot::Choice(&mut self.state));
        v.field("intent", Slot::Choice(&mut self.intent));
        v.field("url", Slot::OptText(&mut self.url));
        self.counters.fields(v);
        v.field("outbox", Slot::U64(&mut self.outbox));
        v.field("outboxBytes", Slot::U64(&mut self.outbox_bytes));
        v.field("attempt", Slot::U32(&mut self.attempt));
        v.field("nextAttemptAt", Slot::OptU64(&mut self.next_attempt_at));
        v.field("lastError", Slot::OptRecord(&mut self.last_error));
        v.field("lastClose", Slot::OptRecord(&mut self.last_close));
        v.field("openedAt", Slot::OptU64(&mut self.opened_at));
        v.field("inboundHandled", Slot::U64(&mut self.inbound_handled));
        v.field("wakeAt", Slot::OptU64(&mut self.wake_at));
    }
}

impl Connection {
    /// A snapshot of the state, counters and last error and close.
    pub fn status(&self) -> Status {
        Status {
            state: self.phase.public(),
            intent: Intent::from_open(self.intent_open),
            url: self.url.as_ref().map(|u| u.as_str().to_owned()),
            counters: self.counters.clone(),
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
            inbound_handled: self.inbound.handled,
            wake_at: match self.phase {
                Phase::Sleeping { until } => Some(until.as_millis()),
                _ => None,
            },
        }
    }
}
