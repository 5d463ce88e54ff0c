//! The sans-IO core: a deterministic connection state machine. It has no
//! sockets, no timers and no clock of its own, and it makes every decision
//! about state; everything here builds and tests natively.
//!
//! ```text
//!  app calls ──────────┐                      ┌─> poll_action()  -> Action: what the
//!  connect, send,      │                      │     shell carries out (open a socket,
//!  close, resume       ├─> Connection ────────┤     send, alarms, Load the stored state)
//!                      │   (time passed in)   ├─> poll_event()   -> Event: for the app
//!  shell reports ──────┘                      │     (Settled: a queued send's outcome)
//!  handle_open/message/close/error,           ├─> poll_timeout() -> the one timer to arm
//!  handle_timeout, handle_loaded,             └─> poll_persist() -> a snapshot to write
//!  handle_persisted, handle_write_failed,
//!  handle_storage_error, handle_online,
//!  handle_inbound_done
//! ```
//!
//! Where each rule lives: `connection.rs` (the struct, calls and polls),
//! `lifecycle.rs` (opening, closing, losing a socket, backoff), `receive.rs`
//! (frames in), `inbound.rs` (reliable inbound: handled in order, stored,
//! acked), `sending.rs` and `outbox.rs` (frames out), `ids.rs` (the id
//! rule), `resume.rs` with `stored.rs` (a worker start: what an earlier life
//! stored), `restore.rs` (one snapshot checked and applied), `persist.rs`
//! (the snapshot out, write outcomes, storage errors), `keep.rs` (start()'s
//! keep-connected rule). The values: `options.rs`
//! into `config.rs`, `snapshot.rs`, `status.rs`, each defined once as a
//! record of `codec/` (read and written as JS objects or JSON alike).

mod auth;
mod backoff;
mod base64;
mod close;
pub mod codec;
mod config;
mod connection;
mod counters;
mod error;
mod ids;
mod inbound;
mod inbox;
mod io;
mod ip;
pub mod json;
mod keep;
mod lifecycle;
mod message;
mod native_store;
mod options;
pub(crate) mod outbox;
mod persist;
mod protocols;
mod receive;
mod reliable;
mod restore;
mod resume;
mod schedule;
mod sending;
mod sleep;
mod snapshot;
mod state;
mod status;
mod stored;
pub mod text;
mod time;
mod timer;
mod url;

pub use auth::Auth;
pub use backoff::{
    Backoff, DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_MAX_MS, DEFAULT_MIN_UPTIME_MS,
};
pub use close::{CloseInfo, CloseRequest, MAX_CLOSE_REASON_BYTES, NORMAL_CLOSURE};
pub use config::{
    Config, Heartbeat, Keepalive, DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS,
    DEFAULT_FATAL_CLOSE_CODES, DEFAULT_HANDLER_TIMEOUT_MS, DEFAULT_HEARTBEAT_TIMEOUT_MS,
    DEFAULT_KEEPALIVE_MESSAGE, DEFAULT_KEEPALIVE_MS, DEFAULT_MAX_MESSAGE_BYTES,
    DEFAULT_WATCHDOG_MS, MAX_HANDLER_TIMEOUT_MS, MAX_KEEPALIVE_MS, MIN_KEEPALIVE_MS,
};
pub use connection::Connection;
pub use counters::Counters;
pub use error::Error;
pub use error::ErrorInfo;
pub use ids::ID_BLOCK;
pub use inbound::{INBOUND_WRITE_EVERY, MAX_INBOUND_ID};
pub use io::{Action, Event, SendOptions, Sent};
pub use lifecycle::WAKE_ALARM_AFTER;
pub use message::Message;
pub use native_store::{MemoryStore, SnapshotStore};
pub use options::Options;
pub use outbox::{OutboxEntry, DEFAULT_MAX_OUTBOX_BYTES, DEFAULT_MAX_OUTBOX_MESSAGES};
pub use protocols::Protocols;
pub use reliable::{parse_ack, ACK_MARK, PROTOCOL_MARK};
pub use resume::Loaded;
pub use schedule::{Sleep, DEFAULT_WAKE_EVERY_MS, MIN_WAKE_EVERY_MS};
pub use sleep::{SLEEP_REASON, WAKE_LINGER};
pub use snapshot::{Snapshot, SnapshotV1, StoredMessage, SNAPSHOT_VERSION};
pub use state::{ConnState, Intent};
pub use status::Status;
pub use time::{Millis, Timestamp};
pub use url::WsUrl;
