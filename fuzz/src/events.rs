//! The core fed with random event sequences, its invariants checked after
//! every step.
//!
//! The driver plays the shell: it carries out every action (tracking the one
//! browser socket), delivers socket events only as a browser would (an open
//! only to a connecting socket, messages only to an open or closing one),
//! fires timers at their deadlines, writes snapshots when asked and restarts
//! the worker from the last one written. Time only moves forward.
//!
//! Invariants (the name is in the panic message):
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
//!   snapshot reads back equal through JSON and restores.
//! - `ids never reused`: the id rule, see `wire_ids.rs`. Writes are
//!   asynchronous as in the shell: one may start (the snapshot is taken),
//!   other steps run, then it lands; a restart while one is under way starts
//!   from it or from the one before, as the input says.

use crate::input::Input;
use crate::wire_ids::WireIds;
use std::collections::{BTreeMap, VecDeque};
use sw_websocket::core::{
    parse_ack, Action, ConnState, Connection, Event, Message, Options, Protocols, SendOptions,
    Sent, Snapshot, Timestamp, ACK_MARK, MAX_CLOSE_REASON_BYTES,
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
    pub const REMOVE: u8 = 19;
    pub const WORKER_START: u8 = 20;
    pub const CORRUPT: u8 = 21;
    pub const WRITE_START: u8 = 22;
    pub const RESTART_CONNECT_FIRST: u8 = 23;
    pub const READ_IDS: u8 = 2;
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
    /// `connect()` came before storage was read: no write until `read_ids`.
    ids_unread: bool,
    /// A write under way: its sequence, snapshot and secret.
    writing: Option<(u64, Snapshot, Option<String>)>,
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
            ids_unread: false,
            writing: None,
            wire: WireIds::default(),
            state: ConnState::Idle,
            sent: 0,
            keepalives: 0,
            step: Step::default(),
            steps: 0,
            trace: Vec::new(),
        }
    }

    fn fail(&self, invariant: &str, detail: String) -> ! {
        let start = self.trace.len().saturating_sub(40);
        panic!(
            "invariant `{invariant}` broken at step {} ({}), t={}: {detail}\n  \
             recent steps: {}\n  state {:?}, socket {:?}, pending {:?}, unacked {:?}",
            self.steps,
            self.trace.last().copied().unwrap_or("start"),
            self.now.0 - START,
            self.trace.get(start..).unwrap_or_default().join(", "),
            self.conn.state(),
            self.socket,
            self.pending,
            self.unacked,
        );
    }

    fn begin(&mut self, name: &'static str) {
        self.steps += 1;
        self.trace.push(name);
        self.step = Step::default();
    }

    /// A call returned `Err`: nothing may have changed. Ends the step.
    fn rejected(&mut self, what: &str, error: impl std::fmt::Debug) {
        if let Some(action) = self.conn.poll_action() {
            self.fail(
                "rejected calls change nothing",
                format!("{what} failed with {error:?} but asked for {action:?}"),
            );
        }
        if let Some(event) = self.conn.poll_event() {
            self.fail(
                "rejected calls change nothing",
                format!("{what} failed with {error:?} but told {event:?}"),
            );
        }
        self.check(false);
        if let Some(log) = &mut self.log {
            log.push(format!("{what} refused: {error:?}"));
        }
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

    fn act(&mut self, action: Action) {
        match action {
            Action::Open { url, .. } => {
                if self.socket != Socket::None {
                    self.fail(
                        "one socket",
                        format!("Open {url} while the previous socket is {:?}", self.socket),
                    );
                }
                self.socket = Socket::Connecting;
            }
            Action::Send(message) => self.handed(message),
            Action::Close { code, reason } => {
                if !matches!(self.socket, Socket::Connecting | Socket::Open) {
                    self.fail(
                        "one socket",
                        format!("Close while the socket is {:?}", self.socket),
                    );
                }
                if !(code == 1000 || (3000..=4999).contains(&code))
                    || reason.len() > MAX_CLOSE_REASON_BYTES
                {
                    self.fail(
                        "one socket",
                        format!("Close with code {code} and a {}-byte reason", reason.len()),
                    );
                }
                self.socket = Socket::Closing;
            }
            Action::Drop => {
                if self.socket == Socket::None {
                    self.fail("one socket", "Drop without a socket".into());
                }
                self.socket = Socket::None;
            }
            Action::Wake(Some(at)) if at < self.now => self.fail(
                "deadline never in the past",
                format!(
                    "wake alarm at t={} asked at t={}",
                    at.0 - START,
                    self.now.0 - START
                ),
            ),
            _ => {}
        }
    }

    /// The shell hands `message` to the socket.
    fn handed(&mut self, message: Message) {
        if self.socket != Socket::Open {
            self.fail(
                "sends on an open socket",
                format!("Send {message:?} while the socket is {:?}", self.socket),
            );
        }
        if let Message::Text(text) = &message {
            let keepalive = self.conn.config().keepalive().map(|k| k.message.as_str());
            if keepalive == Some(text.as_str()) {
                self.step.keepalives += 1;
                return;
            }
            if text.starts_with(AUTH_PREFIX) {
                match &mut self.step.flush {
                    Some(flush) if flush.frames == 0 => flush.frames += 1,
                    _ => self.fail(
                        "outbox order",
                        "the auth frame is not the first frame after an open".into(),
                    ),
                }
                return;
            }
            if let Some((id, dup)) = reliable_frame(text) {
                self.step.app_frames += 1;
                self.reliable_frame(id, dup, text);
                return;
            }
        }
        self.step.app_frames += 1;
        let Some(k) = tag(&message) else {
            self.fail(
                "outbox order",
                format!("Send of a message never accepted: {message:?}"),
            );
        };
        match self.pending.front().copied() {
            Some(front) if front.k == k && !front.reliable => {
                self.pending.pop_front();
                self.flush_order(front.id);
            }
            front => self.fail(
                "outbox order",
                format!("m{k} handed to the socket when the next one due is {front:?}"),
            ),
        }
    }

    fn reliable_frame(&mut self, id: u64, dup: bool, text: &str) {
        if dup {
            if self.step.flush.is_none() {
                self.fail(
                    "outbox order",
                    format!("resend of id {id} outside the flush that follows an open"),
                );
            }
            let Some(&k) = self.unacked.get(&id) else {
                self.fail(
                    "outbox order",
                    format!("dup frame of id {id}, not handed over before or acknowledged"),
                );
            };
            self.flush_order(Some(id));
            if !text.contains(&format!("m{k}:")) {
                self.fail(
                    "outbox order",
                    format!("frame id {id} does not carry m{k}: {text}"),
                );
            }
            self.on_wire(id, k);
            return;
        }
        match self.pending.front().copied() {
            Some(front) if front.reliable && front.id == Some(id) => {
                self.pending.pop_front();
                self.unacked.insert(id, front.k);
                self.flush_order(Some(id));
                if !text.contains(&format!("m{}:", front.k)) {
                    self.fail(
                        "outbox order",
                        format!("frame id {id} does not carry m{}: {text}", front.k),
                    );
                }
                self.on_wire(id, front.k);
            }
            front => self.fail(
                "outbox order",
                format!("first frame of id {id} when the next one due is {front:?}"),
            ),
        }
    }

    fn on_wire(&mut self, id: u64, k: u64) {
        if let Err(why) = self.wire.record(id, k) {
            self.fail("ids never reused", why);
        }
    }

    /// In the flush after an open, outbox frames go in id order.
    fn flush_order(&mut self, id: Option<u64>) {
        let Some(flush) = &mut self.step.flush else {
            return;
        };
        flush.frames += 1;
        if let Some(id) = id {
            if let Some(last) = flush.last_id.filter(|last| id <= *last) {
                self.fail(
                    "outbox order",
                    format!("the flush sent id {id} after id {last}"),
                );
            }
            flush.last_id = Some(id);
        }
    }

    fn told(&mut self, event: &Event) {
        match event {
            Event::State(state) => {
                if *state == self.state {
                    self.fail("state events", format!("State({state:?}) again"));
                }
                self.state = *state;
            }
            Event::Ack(n) => {
                self.unacked.retain(|id, _| id > n);
                self.pending
                    .retain(|a| !(a.reliable && a.id.is_some_and(|id| id <= *n)));
            }
            Event::Open if self.socket != Socket::Open => self.fail(
                "one socket",
                format!("Open event with the socket {:?}", self.socket),
            ),
            _ => {}
        }
    }

    fn check(&mut self, after_timeout: bool) {
        let now = self.now;
        if let Some(at) = self.conn.poll_timeout() {
            if at < now || (after_timeout && at <= now) {
                self.fail(
                    "deadline never in the past",
                    format!(
                        "poll_timeout() is t={} at t={}",
                        at.0 - START,
                        now.0 - START
                    ),
                );
            }
        }
        let state = self.conn.state();
        let agrees = match self.socket {
            Socket::None => !matches!(
                state,
                ConnState::Connecting | ConnState::Open | ConnState::Closing
            ),
            Socket::Connecting => state == ConnState::Connecting,
            Socket::Open => state == ConnState::Open,
            Socket::Closing => state == ConnState::Closing,
        };
        if !agrees {
            self.fail(
                "one socket",
                format!(
                    "the core is {state:?} while the socket is {:?}",
                    self.socket
                ),
            );
        }
        if state != self.state {
            self.fail(
                "state events",
                format!(
                    "state() is {state:?}, the last State event said {:?}",
                    self.state
                ),
            );
        }
        let mut expected: Vec<(u64, bool, bool)> = Vec::new();
        let mut last = None;
        for accepted in &self.pending {
            let Some(id) = accepted.id else {
                self.fail(
                    "outbox order",
                    format!(
                        "m{} went to the socket by send() but was not handed over",
                        accepted.k
                    ),
                );
            };
            if last.is_some_and(|last| id <= last) {
                self.fail(
                    "outbox order",
                    format!("id {id} accepted after a larger id"),
                );
            }
            last = Some(id);
            expected.push((id, accepted.reliable, false));
        }
        expected.extend(self.unacked.keys().map(|&id| (id, true, true)));
        expected.sort_unstable();
        let actual: Vec<(u64, bool, bool)> = self
            .conn
            .outbox()
            .map(|e| (e.id, e.reliable, e.sent))
            .collect();
        if actual != expected {
            self.fail(
                "outbox order",
                format!("the outbox (id, reliable, sent) is {actual:?}, expected {expected:?}"),
            );
        }
        let counters = self.conn.counters();
        let (sent, keepalives) = (counters.sent, counters.keepalives);
        if sent.wrapping_sub(self.sent) != self.step.app_frames
            || keepalives.wrapping_sub(self.keepalives) != self.step.keepalives
        {
            self.fail(
                "counters",
                format!(
                    "sent +{} and keepalives +{} for {} app and {} keepalive frames",
                    sent.wrapping_sub(self.sent),
                    keepalives.wrapping_sub(self.keepalives),
                    self.step.app_frames,
                    self.step.keepalives
                ),
            );
        }
        self.sent = sent;
        self.keepalives = keepalives;
        let restart_points = [
            self.stored.as_ref().map(|(s, _)| (s, "last written")),
            self.writing.as_ref().map(|(_, s, _)| (s, "being written")),
        ];
        let checked = match restart_points {
            [None, None] => self.wire.check_nothing_written(),
            points => points
                .into_iter()
                .flatten()
                .try_for_each(|(snapshot, which)| self.wire.check_restart_from(snapshot, which)),
        };
        if let Err(why) = checked {
            self.fail("ids never reused", why);
        }
    }

    fn op(&mut self, input: &mut Input) {
        match input.byte() % op::OPS {
            op::CONNECT => self.connect(input),
            op::SEND => self.send(input, false),
            op::SEND_IN_PLACE => self.send(input, true),
            op::CLOSE => self.close(input),
            op::OPEN => {
                if self.socket == Socket::Connecting {
                    self.begin("open");
                    self.socket = Socket::Open;
                    self.step.flush = Some(Flush::default());
                    self.conn.handle_open(self.now);
                    self.end(false);
                } else {
                    self.stray(0, input);
                }
            }
            op::MESSAGE | 7 => {
                if matches!(self.socket, Socket::Open | Socket::Closing) {
                    self.message(input);
                } else {
                    self.stray(1, input);
                }
            }
            op::SOCKET_CLOSE => {
                if self.socket == Socket::None {
                    return self.stray(2, input);
                }
                self.begin("socket close");
                let code = close_code(input);
                let reason = input.text(16);
                let clean = input.bool();
                self.socket = Socket::None;
                self.conn.handle_close(self.now, code, &reason, clean);
                self.end(false);
            }
            op::SOCKET_ERROR => {
                if self.socket == Socket::None {
                    return self.stray(3, input);
                }
                self.begin("socket error");
                self.conn.handle_error(self.now);
                self.end(false);
            }
            op::OPEN_FAILED => {
                if self.socket != Socket::Connecting {
                    return self.stray(4, input);
                }
                self.begin("open failed");
                self.socket = Socket::None;
                let why = input.text(8);
                self.conn.handle_open_failed(self.now, &why);
                self.end(false);
            }
            op::ONLINE => {
                self.begin("online");
                let online = input.bool();
                self.conn.handle_online(self.now, online);
                self.end(false);
            }
            op::ADVANCE | 13 => {
                let target = Timestamp(self.now.0.saturating_add(input.millis()));
                self.advance(target);
            }
            op::SLEEP => {
                // The worker was busy or suspended: the timer fires late.
                self.now = Timestamp(self.now.0.saturating_add(input.millis() * 60));
                if self.conn.poll_timeout().is_some_and(|at| at <= self.now) {
                    self.begin("late timer");
                    self.conn.handle_timeout(self.now);
                    self.end(true);
                }
            }
            op::TIMEOUT => {
                self.begin("spurious timer");
                self.conn.handle_timeout(self.now);
                self.end(true);
            }
            op::PERSIST => self.persist(),
            op::WRITE_START => self.write_start(),
            op::RESTART_CONNECT_FIRST => self.restart_connect_first(input),
            op::READ_IDS => self.read_ids(),
            op::RESTART => self.restart(input),
            op::CLEAR_OUTBOX => {
                self.begin("clear outbox");
                let n = self.conn.clear_outbox();
                if n != self.pending.len() + self.unacked.len() {
                    self.fail(
                        "outbox order",
                        format!(
                            "clear_outbox dropped {n} of {:?} {:?}",
                            self.pending, self.unacked
                        ),
                    );
                }
                self.pending.clear();
                self.unacked.clear();
                self.end(false);
            }
            op::REMOVE => {
                self.begin("remove from outbox");
                let ids: Vec<u64> = self.conn.outbox().map(|e| e.id).collect();
                let pick = usize::from(input.byte());
                let id = ids.get(pick).copied().unwrap_or(pick as u64);
                let known =
                    self.pending.iter().any(|a| a.id == Some(id)) || self.unacked.contains_key(&id);
                if self.conn.remove_from_outbox(id) != known {
                    self.fail(
                        "outbox order",
                        format!("remove_from_outbox({id}) disagrees"),
                    );
                }
                self.pending.retain(|a| a.id != Some(id));
                self.unacked.remove(&id);
                self.end(false);
            }
            op::WORKER_START => {
                self.begin("worker start count");
                self.conn.handle_worker_start();
                self.end(false);
            }
            _ => {
                self.begin("corrupt snapshot report");
                self.conn.handle_corrupt_snapshot("fuzz");
                self.end(false);
            }
        }
    }

    /// Fires every timer due up to `target`, each at its deadline; stops
    /// short of `target` after 500 (a 1 s keepalive over hours, say), which
    /// keeps runs fast. Each `handle_timeout` must leave its deadline behind
    /// (checked in `end`), so time moves on.
    fn advance(&mut self, target: Timestamp) {
        for _ in 0..500 {
            let Some(at) = self.conn.poll_timeout().filter(|at| *at <= target) else {
                self.now = target;
                return;
            };
            self.begin("timer");
            self.now = self.now.max(at);
            self.conn.handle_timeout(self.now);
            self.end(true);
        }
    }

    fn connect(&mut self, input: &mut Input) {
        self.begin("connect");
        let pick = input.below(URLS.len() as u16 + 1);
        let url = match URLS.get(usize::from(pick)) {
            Some(url) => (*url).to_owned(),
            None => input.text(24),
        };
        let options = options(input);
        match self.conn.connect(self.now, &url, options) {
            Ok(()) => self.end(false),
            Err(e) => {
                self.rejected("connect", e);
            }
        }
    }

    fn send(&mut self, input: &mut Input, in_place: bool) {
        self.begin(if in_place { "send in place" } else { "send" });
        let k = self.next_k;
        self.next_k += 1;
        let kind = input.below(4);
        let pad = usize::from(input.byte() % 48);
        let reliable = match input.below(3) {
            0 => None,
            1 => Some(false),
            _ => Some(true),
        };
        let (message, json) = payload(k, kind, pad);
        let how = SendOptions { reliable, json };
        if in_place {
            match self.conn.send_in_place(self.now, message.len(), &how) {
                Ok(true) => {
                    // The shell sends it itself, before anything else.
                    self.pending.push_back(Accepted {
                        k,
                        id: None,
                        reliable: false,
                    });
                    if self.conn.poll_action().is_some() {
                        self.fail(
                            "outbox order",
                            "send_in_place asked for an action before its message".into(),
                        );
                    }
                    self.handed(message);
                    return self.end(false);
                }
                Ok(false) => {}
                Err(e) => {
                    return self.rejected("send_in_place", e);
                }
            }
        }
        match self.conn.send(self.now, message, how) {
            Ok(Sent::ToSocket) => self.pending.push_back(Accepted {
                k,
                id: None,
                reliable: false,
            }),
            Ok(sent @ (Sent::Queued { id, seq } | Sent::Reliable { id, seq })) => {
                let reliable = matches!(sent, Sent::Reliable { .. });
                self.pending.push_back(Accepted {
                    k,
                    id: Some(id),
                    reliable,
                });
                if self.conn.poll_persist().is_none_or(|next| next < seq) {
                    self.fail(
                        "persistence",
                        format!(
                            "send queued id {id} at seq {seq}, poll_persist() is {:?}",
                            self.conn.poll_persist()
                        ),
                    );
                }
            }
            Ok(other) => self.fail("outbox order", format!("unknown send result {other:?}")),
            Err(e) => {
                return self.rejected("send", e);
            }
        }
        self.end(false);
    }

    fn close(&mut self, input: &mut Input) {
        self.begin("close");
        let code = match input.below(4) {
            0 => None,
            1 => Some(1000),
            2 => Some(3000 + input.u16() % 2000),
            _ => Some(input.u16()),
        };
        let reason = match input.below(4) {
            0 => None,
            1 => Some("é".repeat(62)),
            _ => Some("r".repeat(usize::from(input.byte() % 130))),
        };
        match self.conn.close(self.now, code, reason.as_deref()) {
            Ok(()) => self.end(false),
            Err(e) => {
                self.rejected("close", e);
            }
        }
    }

    fn message(&mut self, input: &mut Input) {
        self.begin("message");
        let heartbeat = self.conn.heartbeat_reply().map(str::to_owned);
        let message = incoming(input, self, heartbeat.as_deref());
        let in_place_allowed = match &message {
            Message::Binary(_) => true,
            Message::Text(t) => !t.contains(ACK_MARK) && heartbeat.as_deref() != Some(t),
        };
        if in_place_allowed && input.bool() {
            if !self.conn.handle_message_in_place(self.now) {
                self.fail(
                    "delivery",
                    "handle_message_in_place refused an open socket's message".into(),
                );
            }
            self.end(false);
            return self.delivered(None);
        }
        let expected = match message.as_text() {
            Some(t) if heartbeat.as_deref() == Some(t) => None,
            Some(t) => match parse_ack(t) {
                Some(n) => Some(Event::Ack(n)),
                None => Some(Event::Message(message.clone())),
            },
            None => Some(Event::Message(message.clone())),
        };
        self.conn.handle_message(self.now, message);
        self.end(false);
        self.delivered(expected);
    }

    fn delivered(&self, expected: Option<Event>) {
        let seen: Vec<&Event> = self
            .step
            .events
            .iter()
            .filter(|e| matches!(e, Event::Message(_) | Event::Ack(_)))
            .collect();
        if seen != expected.iter().collect::<Vec<_>>() {
            self.fail(
                "delivery",
                format!("expected {expected:?}, the app got {seen:?}"),
            );
        }
    }

    /// A socket event with no socket there: ignored.
    fn stray(&mut self, which: u8, input: &mut Input) {
        self.begin("stray socket event");
        match which {
            0 => self.conn.handle_open(self.now),
            1 => {
                let text = input.text(8);
                self.conn.handle_message(self.now, Message::Text(text));
            }
            2 => self.conn.handle_close(self.now, 1006, "", false),
            3 => self.conn.handle_error(self.now),
            _ => self.conn.handle_open_failed(self.now, "stray"),
        }
        if self.socket == Socket::None {
            if let Some(action) = self.conn.poll_action() {
                self.fail(
                    "delivery",
                    format!("an event of no socket asked for {action:?}"),
                );
            }
            if let Some(event) = self.conn.poll_event() {
                self.fail("delivery", format!("an event of no socket told {event:?}"));
            }
        }
        self.end(false);
    }

    /// A write lands: the one under way, or (none is) one of the state now,
    /// started and finished in this step.
    fn persist(&mut self) {
        self.begin("persist");
        let landing = match self.writing.take() {
            Some(write) => Some(write),
            None if self.ids_unread => None, // the shell holds its writes
            None => self.take_snapshot(),
        };
        if let Some((seq, snapshot, secret)) = landing {
            let next_id = snapshot.next_id;
            self.stored = Some((snapshot, secret));
            self.conn.handle_persisted(self.now, seq, next_id);
        }
        self.end(false);
    }

    /// A write starts: the snapshot is taken now, it lands at a later `persist`.
    fn write_start(&mut self) {
        self.begin("write start");
        if self.writing.is_none() && !self.ids_unread {
            self.writing = self.take_snapshot();
        }
        self.end(false);
    }

    /// The snapshot to write, if the state changed: checked to read back
    /// equal through JSON (without the secret, which the shell keeps apart).
    fn take_snapshot(&self) -> Option<(u64, Snapshot, Option<String>)> {
        let seq = self.conn.poll_persist()?;
        let snapshot = self.conn.snapshot();
        let json = serde_json::to_string(&snapshot)
            .unwrap_or_else(|e| self.fail("persistence", format!("serialize: {e}")));
        let back: Snapshot = serde_json::from_str(&json)
            .unwrap_or_else(|e| self.fail("persistence", format!("read back: {e}: {json}")));
        let mut written = snapshot;
        written.options.auth_token = None;
        if back != written {
            self.fail("persistence", format!("read back differs: {json}"));
        }
        Some((seq, back, self.conn.secret().map(str::to_owned)))
    }

    /// The worker stops and starts again, and `connect()` comes before
    /// storage is read: the shell writes nothing until `read_ids`.
    fn restart_connect_first(&mut self, input: &mut Input) {
        self.stop(input);
        self.begin("restart, connect first");
        self.ids_unread = true;
        let url = match &self.stored {
            Some((Snapshot { url: Some(url), .. }, _)) => url.clone(),
            _ => URLS[0].to_owned(),
        };
        let reliable = Options {
            reliable: Some(true),
            ..Options::default()
        };
        if let Err(e) = self.conn.connect(self.now, &url, reliable) {
            self.fail("persistence", format!("connect to the stored {url}: {e}"));
        }
        self.end(false);
    }

    /// The stored `nextId` arrives after a connect that came first.
    fn read_ids(&mut self) {
        self.begin("stored ids read");
        if std::mem::take(&mut self.ids_unread) {
            let stored = self.stored.as_ref().map_or(1, |(s, _)| s.next_id);
            let delta = self.conn.handle_stored_next_id(stored);
            for accepted in &mut self.pending {
                accepted.id = accepted.id.map(|id| id + delta);
            }
        }
        self.end(false);
    }

    /// The worker stops: its socket, its timers, a write under way (which
    /// may have landed, as the input says) are gone; a new connection waits.
    fn stop(&mut self, input: &mut Input) {
        if let Some((_, snapshot, secret)) = self.writing.take() {
            if input.bool() {
                // The write landed; the worker stopped before it was told.
                self.stored = Some((snapshot, secret));
            }
        }
        self.ids_unread = false;
        self.now = Timestamp(self.now.0.saturating_add(input.millis() * 10));
        self.socket = Socket::None;
        self.conn = new_connection(input);
        self.state = ConnState::Idle;
        self.pending.clear();
        self.unacked.clear();
        self.conn.handle_worker_start();
        self.sent = self.conn.counters().sent;
        self.keepalives = self.conn.counters().keepalives;
    }

    /// The worker stops (its socket with it) and starts again from storage.
    fn restart(&mut self, input: &mut Input) {
        self.stop(input);
        self.begin("restart");
        if let Some((snapshot, secret)) = self.stored.clone() {
            if let Err(e) = self.conn.restore(self.now, snapshot.clone(), secret) {
                self.fail(
                    "persistence",
                    format!("the core's own snapshot does not restore: {e}"),
                );
            }
            let restored: Vec<_> = self.conn.outbox().cloned().collect();
            if restored.len() != snapshot.outbox.len() {
                self.fail("persistence", "the outbox did not come back whole".into());
            }
            for (entry, stored) in restored.iter().zip(&snapshot.outbox) {
                let Some(k) = tag(&entry.message) else {
                    self.fail(
                        "persistence",
                        format!("restored an unknown message {entry:?}"),
                    );
                };
                if entry.id != stored.id || entry.reliable != stored.reliable {
                    self.fail("persistence", format!("restored {entry:?} from {stored:?}"));
                }
                if entry.reliable {
                    self.unacked.insert(entry.id, k);
                } else {
                    self.pending.push_back(Accepted {
                        k,
                        id: Some(entry.id),
                        reliable: false,
                    });
                }
            }
        }
        self.sent = self.conn.counters().sent;
        self.keepalives = self.conn.counters().keepalives;
        self.end(false);
    }
}

fn new_connection(input: &mut Input) -> Connection {
    let seed = input.u32();
    let mut conn = Connection::with_seed(u64::from(seed));
    if seed.is_multiple_of(8) {
        let mut i = seed as usize / 8;
        conn.set_random(Box::new(move || {
            i = i.wrapping_add(1);
            EDGES.get(i % EDGES.len()).copied().unwrap_or(0.0)
        }));
    }
    conn
}

/// Message `k` of `kind` (text, JSON text, binary, text again) with `pad` bytes more.
fn payload(k: u64, kind: u16, pad: usize) -> (Message, bool) {
    match kind {
        1 => (Message::Text(format!("\"m{k}:{}\"", "j".repeat(pad))), true),
        2 => {
            let mut bytes = k.to_le_bytes().to_vec();
            bytes.resize(8 + pad, 0xab);
            (Message::Binary(bytes), false)
        }
        _ => (Message::Text(format!("m{k}:{}", "x".repeat(pad))), false),
    }
}

/// The serial `k` a message of [`payload`] carries.
fn tag(message: &Message) -> Option<u64> {
    match message {
        Message::Binary(bytes) => Some(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?)),
        Message::Text(text) => {
            let rest = text.strip_prefix('"').unwrap_or(text).strip_prefix('m')?;
            let (digits, _) = rest.split_once(':')?;
            digits.parse().ok()
        }
    }
}

/// The id and dup flag of a reliable frame.
fn reliable_frame(text: &str) -> Option<(u64, bool)> {
    let rest = text.strip_prefix(FRAME_PREFIX)?;
    let (id, rest) = rest.split_once(',')?;
    let dup = rest.strip_prefix("\"dup\":")?;
    let dup = if dup.starts_with("true,") {
        true
    } else if dup.starts_with("false,") {
        false
    } else {
        return None;
    };
    Some((id.parse().ok()?, dup))
}

/// A received message: random text, acks (well-formed or not), the heartbeat
/// reply, binary, the keepalive text echoed.
fn incoming(input: &mut Input, driver: &Driver<'_>, heartbeat: Option<&str>) -> Message {
    let known: Vec<u64> = driver.conn.outbox().map(|e| e.id).collect();
    let ack_id = |input: &mut Input| -> u64 {
        let pick = usize::from(input.byte());
        known
            .get(pick % (known.len() + 2))
            .copied()
            .unwrap_or_else(|| u64::from(input.u16()))
    };
    match input.below(8) {
        0 => Message::Text(input.text(24)),
        1 | 2 => Message::Text(format!("{{\"type\":\"sw.ack\",\"id\":{}}}", ack_id(input))),
        3 => Message::Text(heartbeat.unwrap_or("pong").to_owned()),
        4 => Message::Binary(input.bytes(16).to_vec()),
        5 => {
            let n = ack_id(input);
            let text = match input.below(8) {
                0 => format!("{{ \"type\" : \"sw.ack\" , \"id\" : {n}.0 }}"),
                1 => format!("{{\"id\":{n},\"type\":\"sw.ack\"}}"),
                2 => "{\"type\":\"sw.ack\",\"id\":-1}".to_owned(),
                3 => format!("{{\"type\":\"sw.ack\",\"id\":\"{n}\"}}"),
                4 => "{\"type\":\"sw.ack\"}".to_owned(),
                5 => format!("{{\"type\":\"sw.ack\",\"id\":{n}e1}}"),
                6 => format!("{{\"type\":\"sw.ack\",\"id\":{n},\"x\":{{}}}}"),
                _ => format!("{{\"type\":\"sw.ack\",\"id\":{n}}} "),
            };
            Message::Text(text)
        }
        6 => Message::Text(
            driver
                .conn
                .config()
                .keepalive()
                .map_or("keep alive".to_owned(), |k| k.message.clone()),
        ),
        _ => Message::Text(format!("{{{}{ACK_MARK}", input.text(16))),
    }
}

fn close_code(input: &mut Input) -> u16 {
    match input.below(8) {
        0 => 1000,
        1 => 1001,
        2 => 1005,
        3 => 1006,
        4 => 1002,
        5 => 1008,
        6 => 4000 + u16::from(input.byte()),
        _ => input.u16(),
    }
}

/// A number near `typical`, sometimes one no option accepts.
fn num(input: &mut Input, typical: u64) -> f64 {
    match input.byte() {
        0 => -1.0,
        1 => 0.5,
        2 => f64::NAN,
        3 => 1e300,
        4 => 0.0,
        b => ((u64::from(b) * typical) / 64) as f64,
    }
}

fn pick<'a>(input: &mut Input, from: &[&'a str]) -> &'a str {
    from.get(usize::from(input.byte()) % from.len())
        .copied()
        .unwrap_or_default()
}

/// Connect options, each set or not by a bit of the input.
fn options(input: &mut Input) -> Options {
    let flags = input.u32();
    let bit = |n: u32| flags >> n & 1 == 1;
    let mut o = Options::default();
    if bit(0) {
        o.keepalive = Some(bit(1));
    }
    if bit(2) {
        o.keepalive_ms = Some(num(input, 8_000));
    }
    if bit(3) {
        o.keepalive_message = Some(pick(input, &["ka", "", "keep alive", "pong"]).to_owned());
    }
    if bit(4) {
        o.heartbeat_reply = Some(pick(input, &["pong", "ka", "keep alive"]).to_owned());
    }
    if bit(5) {
        o.heartbeat_timeout_ms = Some(num(input, 2_000));
    }
    if bit(6) {
        o.connect_timeout_ms = Some(num(input, 2_000));
    }
    if bit(7) {
        o.close_timeout_ms = Some(num(input, 2_000));
    }
    if bit(8) {
        o.max_message_bytes = Some(num(input, 32));
    }
    if bit(9) {
        o.protocols = Some(match input.below(4) {
            0 => Protocols::One("chat".into()),
            1 => Protocols::Many(vec!["a".into(), "b".into()]),
            2 => Protocols::Many(Vec::new()),
            _ => Protocols::One("bad token".into()),
        });
    }
    if bit(10) {
        o.reconnect = Some(bit(11));
    }
    if bit(12) {
        o.backoff_base_ms = Some(num(input, 200));
    }
    if bit(13) {
        o.backoff_max_ms = Some(num(input, 40_000));
    }
    if bit(14) {
        o.min_uptime_ms = Some(num(input, 2_000));
    }
    if bit(15) {
        o.max_retries = Some(num(input, 4));
    }
    if bit(16) {
        let n = input.below(4);
        o.fatal_close_codes = Some(
            (0..n)
                .map(|_| match input.below(6) {
                    0 => 1000.0,
                    1 => 4000.0,
                    2 => 1006.0,
                    3 => 70_000.0,
                    4 => 1.5,
                    _ => f64::from(4000 + u16::from(input.byte())),
                })
                .collect(),
        );
    }
    if bit(17) {
        o.watchdog = Some(bit(18));
    }
    if bit(19) {
        o.watchdog_ms = Some(num(input, 30_000));
    }
    if bit(20) {
        o.max_outbox_messages = Some(num(input, 4));
    }
    if bit(21) {
        o.max_outbox_bytes = Some(num(input, 64));
    }
    if bit(22) {
        o.reliable = Some(bit(23));
    }
    if bit(24) {
        o.auth_token = Some(pick(input, &["tok", "", "t ok&="]).to_owned());
    }
    if bit(25) {
        o.auth_query_param = Some(pick(input, &["token", "a b"]).to_owned());
    }
    o
}
