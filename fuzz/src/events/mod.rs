//! The core fed with random event sequences, its invariants checked after
//! every step.
//!
//! The driver plays the shell: it carries out every action (tracking the one
//! browser socket), delivers socket events only as a browser would (an open
//! only to a connecting socket, messages only to an open or closing one),
//! fires timers at their deadlines, writes snapshots when asked and restarts
//! the worker from the last one written. Time only moves forward.
//!
//! The model, one concept a file: `shell.rs` carries out the core's
//! actions and reads its events, `ops.rs` runs the operation an input picks,
//! `storage.rs` has the writes, their failures and the worker restarts,
//! `load.rs` the reads of the stored state and what they find,
//! `invariants.rs` checks what follows after every step, `gen.rs` reads
//! messages, codes and options from the input.
//!
//! Invariants, listed here once (the name is in the panic message):
//! - `no panic`: the core never panics (libFuzzer reports it).
//! - `one socket`: no `Open` while the previous socket is there (not yet
//!   closed by the browser nor dropped); `Close` and `Drop` only for a socket
//!   that is there; the core's state agrees with the shell's socket.
//! - `sends on an open socket`: `Send` only while the socket is open.
//! - `outbox order`: every accepted message (`send` returned `Ok`) is handed
//!   to a socket for the first time in the order `send` accepted it, at most
//!   once (unreliable) or first without `dup` (reliable). The exceptions are
//!   reliable resends: `dup: true` frames of messages handed over before (or
//!   restored) and not acknowledged, only in the flush that follows an open,
//!   where every outbox frame goes in id order. The outbox holds exactly the
//!   accepted messages not yet handed over plus the unacknowledged reliable
//!   ones, in id order. A restart forgets what the last written snapshot did
//!   not hold and starts again from what it did.
//! - `deadline never in the past`: after a step at `now`, `poll_timeout()` is
//!   `None` or `>= now` (`> now` after `handle_timeout(now)`), and no wake
//!   alarm is asked for before `now`.
//! - `rejected calls change nothing`: an `Err` from `connect`, `send`,
//!   `send_in_place` or `close` leaves no action and no event.
//! - `delivery`: a received message reaches the app exactly once, unless it is
//!   the heartbeat reply (dropped) or an ack (an `Ack` event instead); events
//!   of no socket are ignored.
//! - `state events`: a `State` event only on a change, the last one is `state()`.
//! - `counters`: `sent` grows by the app frames handed over, `keepalives` by
//!   the keepalive frames.
//! - `persistence`: a queued send's `seq` is pending until written; a written
//!   snapshot reads back equal through JSON and restores (each outbox
//!   entry with its id, kind and reliable flag).
//! - `settlement`: every queued send (`Sent::Queued` or `Sent::Reliable`) is
//!   settled once, by the write that holds it (`Event::Settled` with its
//!   id, moved by a renumbering if one came between) or by that write's
//!   failure: taken back (`Err`) exactly when its message still waited in
//!   the outbox, else `Ok`; after a failed write that took nothing back,
//!   nothing is written before the next change.
//! - `stored state first`: after a restart nothing is written until the
//!   stored state was read (`poll_persist()` is `None`); the core asks for
//!   the read itself (`Action::Load`), one at a time and only while the
//!   state is unknown; after a `connect()` that came first it asks until a
//!   read succeeds, and its ids move up to the stored `nextId`; only a
//!   value that could not be restored is quarantined (at a resume or after
//!   a connect that came first); a read once the state is known changes
//!   nothing; a worker start is counted once, at the first read that lands.
//! - `ids never reused`: the id rule, see `wire_ids.rs`. Writes are
//!   asynchronous as in the shell: one may start (the snapshot is taken),
//!   other steps run, then it lands or fails; a restart while one is under
//!   way starts from it or from the one before, as the input says. A read
//!   at a restart may fail, or find the stored value corrupt (its `nextId`
//!   salvaged) or refused by the core's checks.

mod gen;
mod invariants;
mod load;
mod ops;
mod shell;
mod storage;

use crate::input::Input;
use crate::wire_ids::WireIds;
use gen::*;
use std::collections::{BTreeMap, VecDeque};
use sw_websocket::core::{
    parse_ack, Action, ConnState, Connection, Error, Event, Loaded, Message, Options, Protocols,
    SendOptions, Sent, Snapshot, Timestamp, ACK_MARK, MAX_CLOSE_REASON_BYTES,
};

/// Where the driver's clock starts.
pub const START: u64 = 1_700_000_000_000;
/// Steps run at most per input.
pub const MAX_STEPS: usize = 400;

/// The operations, by the value of their first byte modulo `OPS`.
pub mod op {
    pub const CONNECT: u8 = 0;
    pub const SEND: u8 = 1;
    pub const SEND_IN_PLACE: u8 = 3;
    pub const CLOSE: u8 = 4;
    pub const OPEN: u8 = 5;
    pub const MESSAGE: u8 = 6;
    pub const SOCKET_CLOSE: u8 = 8;
    pub const SOCKET_ERROR: u8 = 9;
    pub const OPEN_FAILED: u8 = 10;
    pub const ONLINE: u8 = 11;
    pub const ADVANCE: u8 = 12;
    pub const SLEEP: u8 = 14;
    pub const TIMEOUT: u8 = 15;
    pub const PERSIST: u8 = 16;
    pub const RESTART: u8 = 17;
    pub const CLEAR_OUTBOX: u8 = 18;
    pub const WRITE_FAILED: u8 = 19;
    pub const RESUME: u8 = 20;
    pub const STORAGE_ERROR: u8 = 21;
    pub const WRITE_START: u8 = 22;
    pub const RESTART_CONNECT_FIRST: u8 = 23;
    pub const LOAD: u8 = 2;
    /// Operations in all.
    pub const OPS: u8 = 24;
}

/// The URLs `connect` is tried with (the last is read from the input).
pub const URLS: [&str; 5] = [
    "ws://127.0.0.1:9/ws",
    "wss://example.com/a?b=c",
    "ws://localhost",
    "ws://example.com/",
    "ws://[::1]:8080/?x=1",
];

const AUTH_PREFIX: &str = "{\"type\":\"sw.auth\",\"token\":";
const FRAME_PREFIX: &str = "{\"type\":\"sw.msg\",\"id\":";
/// Jitter values at and past the edges of `[0, 1)`.
const EDGES: [f64; 7] = [0.0, 0.999_999, 1.0, f64::NAN, -1.0, f64::INFINITY, 0.5];

/// Runs the ops encoded in `data`.
pub fn run(data: &[u8]) {
    drive(data, None);
}

/// Runs `data` and returns what each step did, one line per step.
pub fn describe(data: &[u8]) -> Vec<String> {
    let mut log = Vec::new();
    drive(data, Some(&mut log));
    log
}

fn drive(data: &[u8], log: Option<&mut Vec<String>>) {
    let mut input = Input::new(data);
    let mut driver = Driver::new(&mut input);
    driver.log = log;
    let mut ops = 0;
    while !input.is_empty() && ops < MAX_STEPS {
        driver.op(&mut input);
        ops += 1;
    }
}

/// The browser socket as the shell sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Socket {
    None,
    Connecting,
    Open,
    Closing,
}

/// A message accepted by `send` (or restored), not yet handed to a socket.
#[derive(Clone, Copy, Debug)]
struct Accepted {
    /// The driver's serial, carried in the payload.
    k: u64,
    /// The outbox id; `None` for a message sent straight to the socket.
    id: Option<u64>,
    reliable: bool,
}

/// The flush that follows an open.
#[derive(Default)]
struct Flush {
    frames: usize,
    last_id: Option<u64>,
}

/// What one step produced.
#[derive(Default)]
struct Step {
    app_frames: u64,
    keepalives: u64,
    events: Vec<Event>,
    flush: Option<Flush>,
    /// The write that landed (`false`) or failed (`true`) in this step.
    write: Option<(u64, bool)>,
    /// Sends a failed write took back.
    taken_back: usize,
}

/// What the model expects the core to know of the stored state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    /// Not read and no connect yet.
    Unread,
    /// A connect came first: its ids wait for the stored `nextId`.
    IdsUnread,
    /// Restored, read, or (the first life) nothing can be stored.
    Yes,
}

struct Driver<'l> {
    log: Option<&'l mut Vec<String>>,
    conn: Connection,
    now: Timestamp,
    socket: Socket,
    /// Accepted and not handed to a socket yet, in the order accepted.
    pending: VecDeque<Accepted>,
    /// Reliable messages handed over (or restored) and not acknowledged: id -> k.
    unacked: BTreeMap<u64, u64>,
    next_k: u64,
    stored: Option<(Snapshot, Option<String>)>,
    /// This life has a store to read (every life but the first).
    store: bool,
    known: Known,
    /// A read the core asked for is under way.
    loading: bool,
    /// The last read after a connect that came first failed, and none was
    /// asked for since.
    read_failed: bool,
    /// This life's worker start is counted.
    counted: bool,
    /// A write under way: its sequence, snapshot and secret.
    writing: Option<(u64, Snapshot, Option<String>)>,
    /// Queued sends not settled yet: seq -> id.
    unsettled: BTreeMap<u64, u64>,
    /// Every reliable id handed to a socket, in any life.
    wire: WireIds,
    /// The state as told by `State` events.
    state: ConnState,
    sent: u64,
    keepalives: u64,
    step: Step,
    steps: usize,
    trace: Vec<&'static str>,
}

impl Driver<'_> {
    fn new(input: &mut Input) -> Self {
        let conn = new_connection(input);
        Driver {
            log: None,
            conn,
            now: Timestamp(START + u64::from(input.u16())),
            socket: Socket::None,
            pending: VecDeque::new(),
            unacked: BTreeMap::new(),
            next_k: 0,
            stored: None,
            store: false,
            known: Known::Unread,
            loading: false,
            read_failed: false,
            counted: false,
            writing: None,
            unsettled: BTreeMap::new(),
            wire: WireIds::default(),
            state: ConnState::Idle,
            sent: 0,
            keepalives: 0,
            step: Step::default(),
            steps: 0,
            trace: Vec::new(),
        }
    }

    fn begin(&mut self, name: &'static str) {
        self.steps += 1;
        self.trace.push(name);
        self.step = Step::default();
    }

    /// Ends a step: carries out the actions, reads the events, checks.
    fn end(&mut self, after_timeout: bool) {
        let mut actions = Vec::new();
        while let Some(action) = self.conn.poll_action() {
            if self.log.is_some() {
                actions.push(format!("{action:?}"));
            }
            self.act(action);
        }
        while let Some(event) = self.conn.poll_event() {
            self.told(&event);
            self.step.events.push(event);
        }
        self.check(after_timeout);
        if let Some(log) = &mut self.log {
            log.push(format!(
                "{} t={} {:?}: {} {:?}",
                self.trace.last().copied().unwrap_or_default(),
                self.now.0 - START,
                self.conn.state(),
                actions.join(" "),
                self.step.events
            ));
        }
    }
}
