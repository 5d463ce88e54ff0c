//! Seed inputs: real snapshots written by the core, and event scripts that
//! walk the main paths (connect, queue, open, flush, ack, keepalive, lose the
//! socket, back off, reconnect, close, persist, restart).

use crate::events::{op, START};
use crate::json::{from_json, to_json};
use sw_websocket::core::{
    Connection, Intent, Message, Options, SendOptions, SnapshotV1, Timestamp,
};

/// Snapshots the core writes in typical states, as JSON: (name, text).
pub fn snapshots() -> Vec<(&'static str, String)> {
    let url = "ws://127.0.0.1:9/ws";
    let opts = |json: &str| -> Options { from_json(json).expect("valid options") };
    let t = Timestamp(START);
    let plain = SendOptions::default();
    let reliable = SendOptions {
        reliable: Some(true),
    };
    let mut out = Vec::new();
    let mut push = |name, conn: &Connection| {
        out.push((name, to_json(&conn.snapshot())));
    };

    let idle = Connection::new();
    push("idle", &idle);

    // Lost the socket, queued text, binary and reliable JSON, in backoff.
    let mut backoff = Connection::new();
    backoff
        .connect(t, url, opts(r#"{"keepaliveMs": 5000, "watchdogMs": 6000}"#))
        .expect("connect");
    backoff.handle_close(t, 1006, "", false);
    backoff.send(t, "text".into(), plain).expect("queued");
    backoff
        .send(t, Message::Binary((0..=255).collect()), plain)
        .expect("queued");
    backoff
        .send(t, Message::Binary(vec![1, 2]), plain)
        .expect("queued");
    backoff
        .send(t, Message::Json("{\"a\":1}".into()), reliable)
        .expect("queued");
    push("backoff-outbox", &backoff);

    // Open, reliable messages sent and partly acknowledged.
    let mut open = Connection::new();
    open.connect(
        t,
        "wss://example.com/feed?x=1",
        opts(
            r#"{"reliable": true, "heartbeatReply": "pong", "heartbeatTimeoutMs": 3000,
                "protocols": ["a", "b"], "maxRetries": 3, "fatalCloseCodes": [4000, 4001],
                "backoffBaseMs": 500, "backoffMaxMs": 30000, "minUptimeMs": 1000,
                "maxOutboxMessages": 10, "maxOutboxBytes": 4096, "maxMessageBytes": 1024,
                "connectTimeoutMs": 2000, "closeTimeoutMs": 1000, "keepaliveMessage": "ka",
                "authToken": "tok", "authQueryParam": "token"}"#,
        ),
    )
    .expect("connect");
    open.handle_open(t);
    for i in 0..4 {
        open.send(t, format!("r{i}").into(), SendOptions::default())
            .expect("sent");
    }
    open.handle_message(t, "{\"type\":\"sw.ack\",\"id\":2}".into());
    push("open-reliable", &open);

    // Closed by the caller after an error, with the outbox kept.
    let mut closed = Connection::new();
    closed
        .connect(
            t,
            url,
            opts(r#"{"keepalive": false, "watchdog": false, "reconnect": false}"#),
        )
        .expect("connect");
    closed.send(t, "kept".into(), plain).expect("queued");
    closed.handle_error(t);
    closed.close(t, Some(4001), Some("bye")).expect("close");
    closed.handle_close(t, 4001, "bye", true);
    push("closed", &closed);

    // Gave up after the retry limit.
    let mut gave_up = Connection::new();
    gave_up
        .connect(t, url, opts(r#"{"maxRetries": 0}"#))
        .expect("connect");
    gave_up.handle_close(t, 1006, "gone", false);
    push("gave-up", &gave_up);

    // The first, pre-release layout.
    let v1 = SnapshotV1 {
        version: 1,
        intent: Intent::Open,
        url: Some(url.into()),
        outbox: Some(vec!["one".into(), "two".into()]),
    };
    out.push(("v1", to_json(&v1)));
    out
}

/// Bytes for `events::run`, op by op.
pub struct Script(Vec<u8>);

impl Script {
    /// A script for a connection with jitter seed `seed`.
    pub fn new(seed: u32) -> Script {
        let mut bytes = seed.to_le_bytes().to_vec();
        bytes.extend([0, 0]); // the clock starts at START
        Script(bytes)
    }

    fn op(mut self, code: u8, args: &[u8]) -> Script {
        self.0.push(code);
        self.0.extend_from_slice(args);
        self
    }

    /// `connect` to `URLS[url]` with option `flags` and their bytes.
    pub fn connect(self, url: u8, flags: u32, extra: &[u8]) -> Script {
        let mut args = vec![url];
        args.extend(flags.to_le_bytes());
        args.extend_from_slice(extra);
        self.op(op::CONNECT, &args)
    }

    /// `send` of kind 0 text, 1 JSON, 2 binary; reliable 0 default, 1 no, 2 yes.
    pub fn send(self, kind: u8, pad: u8, reliable: u8) -> Script {
        self.op(op::SEND, &[kind, pad, reliable])
    }

    /// `send_in_place`, then `send` if it cannot go in place.
    pub fn send_in_place(self, kind: u8, pad: u8, reliable: u8) -> Script {
        self.op(op::SEND_IN_PLACE, &[kind, pad, reliable])
    }

    /// The socket opens.
    pub fn open(self) -> Script {
        self.op(op::OPEN, &[])
    }

    /// An ack for the outbox entry at `index`.
    pub fn ack(self, index: u8) -> Script {
        self.op(op::MESSAGE, &[1, index])
    }

    /// A text message from the server.
    pub fn text(self, text: &str) -> Script {
        let mut args = vec![0, text.len() as u8];
        args.extend(text.as_bytes());
        self.op(op::MESSAGE, &args)
    }

    /// The heartbeat reply (or "pong").
    pub fn pong(self) -> Script {
        self.op(op::MESSAGE, &[3])
    }

    /// The browser's close event with close code choice `code` (0: 1000, 3: 1006, 6: 4000+).
    pub fn socket_close(self, code: u8) -> Script {
        let args: &[u8] = if code == 6 {
            &[6, 0, 0, 0]
        } else {
            &[code, 0, 0]
        };
        self.op(op::SOCKET_CLOSE, args)
    }

    /// An error event.
    pub fn socket_error(self) -> Script {
        self.op(op::SOCKET_ERROR, &[])
    }

    /// `close(1000)` from the app.
    pub fn close(self) -> Script {
        self.op(op::CLOSE, &[1, 0])
    }

    /// Time passes (see `Input::millis` for the byte's meaning).
    pub fn advance(self, millis: u8) -> Script {
        self.op(op::ADVANCE, &[millis])
    }

    /// Online or offline.
    pub fn online(self, online: bool) -> Script {
        self.op(op::ONLINE, &[u8::from(online)])
    }

    /// Writes the snapshot.
    pub fn persist(self) -> Script {
        self.op(op::PERSIST, &[])
    }

    /// Restarts the worker from the last snapshot written.
    pub fn restart(self, seed: u32) -> Script {
        let mut args = vec![200];
        args.extend(seed.to_le_bytes());
        self.op(op::RESTART, &args)
    }

    /// A snapshot write starts; it lands at the next `persist`.
    pub fn write_start(self) -> Script {
        self.op(op::WRITE_START, &[])
    }

    /// Restarts the worker while a write is under way: from that write if
    /// it `landed`, else from the one before.
    pub fn restart_mid_write(self, landed: bool, seed: u32) -> Script {
        let mut args = vec![u8::from(landed), 200];
        args.extend(seed.to_le_bytes());
        self.op(op::RESTART, &args)
    }

    /// Restarts the worker with `connect()` before storage is read.
    pub fn restart_connect_first(self, seed: u32) -> Script {
        let mut args = vec![200];
        args.extend(seed.to_le_bytes());
        self.op(op::RESTART_CONNECT_FIRST, &args)
    }

    /// The stored `nextId` is read, after a connect that came first.
    pub fn read_ids(self) -> Script {
        self.op(op::READ_IDS, &[])
    }

    /// The bytes.
    pub fn bytes(self) -> Vec<u8> {
        self.0
    }
}

/// Option flags of `events::options`.
pub mod flags {
    pub const KEEPALIVE_MS: u32 = 1 << 2;
    pub const HEARTBEAT: u32 = 1 << 4;
    pub const BACKOFF_BASE: u32 = 1 << 12;
    pub const MAX_RETRIES: u32 = 1 << 15;
    pub const MAX_OUTBOX_MESSAGES: u32 = 1 << 20;
    pub const RELIABLE: u32 = (1 << 22) | (1 << 23);
    pub const AUTH_TOKEN: u32 = 1 << 24;
    pub const AUTH_QUERY: u32 = 1 << 25;
}

/// Event scripts: (name, bytes).
pub fn event_scripts() -> Vec<(&'static str, Vec<u8>)> {
    use flags::*;
    vec![
        (
            "queue-open-flush",
            Script::new(1)
                .connect(0, 0, &[])
                .send(0, 3, 0)
                .send(2, 1, 0)
                .send(1, 0, 2)
                .open()
                .send(0, 0, 0)
                .send_in_place(2, 9, 0)
                .ack(0)
                .text("hello")
                .bytes(),
        ),
        (
            "keepalive-lost-reconnect-resend",
            Script::new(2)
                .connect(1, KEEPALIVE_MS | RELIABLE | BACKOFF_BASE, &[64, 10])
                .open()
                .send(0, 0, 0)
                .send(0, 0, 0)
                .advance(230)
                .socket_close(3)
                .send(1, 0, 0)
                .advance(200)
                .open()
                .ack(1)
                .persist()
                .bytes(),
        ),
        (
            "heartbeat-timeout",
            Script::new(3)
                .connect(0, HEARTBEAT | MAX_RETRIES, &[0, 20])
                .open()
                .advance(212)
                .pong()
                .advance(212)
                .advance(205)
                .advance(195)
                .bytes(),
        ),
        (
            "close-and-reconnect",
            Script::new(4)
                .connect(4, AUTH_TOKEN, &[0])
                .open()
                .send(0, 0, 0)
                .close()
                .socket_error()
                .advance(150)
                .connect(2, AUTH_TOKEN | AUTH_QUERY, &[0, 0])
                .online(false)
                .socket_close(6)
                .advance(250)
                .online(true)
                .advance(100)
                .open()
                .bytes(),
        ),
        (
            "persist-restart",
            Script::new(5)
                .connect(0, RELIABLE | MAX_OUTBOX_MESSAGES, &[64])
                .send(0, 1, 0)
                .send(2, 1, 1)
                .persist()
                .restart(6)
                .open()
                .send(0, 2, 0)
                .persist()
                .socket_close(3)
                .restart(7)
                .open()
                .ack(0)
                .bytes(),
        ),
        (
            // The worker stops while the write holding a reliable send is
            // under way, then sends again: the id rule's window.
            "reliable-stop-mid-write",
            Script::new(6)
                .connect(0, RELIABLE, &[])
                .persist()
                .open()
                .send(0, 1, 2)
                .write_start()
                .send(0, 2, 2)
                .restart_mid_write(false, 8)
                .open()
                .send(0, 3, 2)
                .write_start()
                .persist()
                .send(0, 4, 2)
                .write_start()
                .restart_mid_write(true, 9)
                .open()
                .send(0, 5, 2)
                .persist()
                .bytes(),
        ),
        (
            // A life whose connect() comes before it read storage sends
            // twice, then learns the stored nextId: its ids move past it.
            "connect-before-restore",
            Script::new(7)
                .connect(0, RELIABLE, &[])
                .persist()
                .open()
                .send(0, 1, 2)
                .send(0, 2, 2)
                .persist()
                .restart_connect_first(10)
                .open()
                .send(0, 3, 2)
                .send(1, 4, 0)
                .persist()
                .read_ids()
                .write_start()
                .persist()
                .send(0, 5, 2)
                .bytes(),
        ),
    ]
}
