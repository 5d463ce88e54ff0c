//! The sans-IO core: a deterministic connection state machine.
//!
//! It has no sockets, no timers and no clock of its own. The shell feeds it
//! events with `handle_*` and carries out what `poll_action` asks, re-arming
//! one timer from `poll_timeout`. Every rule about state is here, storage's
//! too: the core asks for the stored state (`Action::Load`) and decides what
//! a read found means (`handle_loaded`), says when to write (`poll_persist`)
//! and what a write's outcome means for the sends it held (`Event::Settled`).
//! Everything here builds and tests natively.

mod backoff;
mod base64;
mod close;
pub mod codec;
mod config;
mod connection;
mod counters;
mod error;
mod ids;
mod io;
mod ip;
pub mod json;
mod lifecycle;
mod message;
mod options;
pub(crate) mod outbox;
mod persist;
mod protocols;
mod receive;
mod reliable;
mod restore;
mod resume;
mod sending;
mod snapshot;
mod state;
mod status;
mod store;
mod stored;
pub mod text;
mod time;
mod timer;
mod url;

pub use backoff::{
    Backoff, DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_MAX_MS, DEFAULT_MIN_UPTIME_MS,
};
pub use close::{CloseInfo, CloseRequest, MAX_CLOSE_REASON_BYTES, NORMAL_CLOSURE};
pub use config::{
    Auth, Config, Heartbeat, Keepalive, DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS,
    DEFAULT_FATAL_CLOSE_CODES, DEFAULT_HEARTBEAT_TIMEOUT_MS, DEFAULT_KEEPALIVE_MESSAGE,
    DEFAULT_KEEPALIVE_MS, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_WATCHDOG_MS, MAX_KEEPALIVE_MS,
    MIN_KEEPALIVE_MS,
};
pub use connection::Connection;
pub use counters::Counters;
pub use error::Error;
pub use error::ErrorInfo;
pub use ids::ID_BLOCK;
pub use io::{Action, Event, SendOptions, Sent};
pub use lifecycle::WAKE_ALARM_AFTER;
pub use message::Message;
pub use options::Options;
pub use outbox::{OutboxEntry, DEFAULT_MAX_OUTBOX_BYTES, DEFAULT_MAX_OUTBOX_MESSAGES};
pub use protocols::Protocols;
pub use reliable::{parse_ack, ACK_MARK};
pub use resume::Loaded;
pub use snapshot::{Snapshot, SnapshotV1, StoredMessage, SNAPSHOT_VERSION};
pub use state::{ConnState, Intent};
pub use status::Status;
pub use store::{MemoryStore, SnapshotStore};
pub use time::{Millis, Timestamp};
pub use url::WsUrl;
