//! Seed inputs: real snapshots written by the core, and event scripts that
//! walk the main paths (connect, queue, open, flush, ack, keepalive, lose the
//! socket, back off, reconnect, close, persist, restart, failed writes and
//! reads, connect before the stored state is read).

use crate::events::START;
use crate::json::{from_json, to_json};
use crate::script::{flags, found, Script};
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

    // Asleep after the idle time, with a handled inbound position.
    let mut asleep = Connection::new();
    asleep
        .connect(
            t,
            url,
            opts(r#"{"sleepAfterMs": 1000, "wakeEveryMs": 60000, "reliableInbound": true}"#),
        )
        .expect("connect");
    asleep.handle_open(t);
    asleep.handle_message(t, r#"{"type":"sw.msg","id":7,"data":1}"#.into());
    asleep.handle_inbound_done(t, 7, Ok(()));
    let seq = asleep.poll_persist().expect("a change to write");
    let next_id = asleep.snapshot().next_id;
    asleep.handle_persisted(t, seq, next_id);
    let later = Timestamp(START + 1_000);
    asleep.handle_timeout(later);
    asleep.handle_close(later, 1000, "", true);
    push("asleep", &asleep);

    // Reliable inbound with a handled position and a queued message, open:
    // restored, it connects and sends auth, resume, then the outbox.
    let mut inbound = Connection::new();
    inbound
        .connect(
            t,
            url,
            opts(r#"{"reliableInbound": true, "reliable": true, "authToken": "tok"}"#),
        )
        .expect("connect");
    inbound.handle_open(t);
    inbound.handle_message(t, r#"{"type":"sw.msg","id":3,"data":"x"}"#.into());
    inbound.handle_inbound_done(t, 3, Ok(()));
    inbound.send(t, "queued".into(), plain).expect("sent");
    push("open-inbound", &inbound);

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
                .load(found::STORED)
                .write_start()
                .persist()
                .send(0, 5, 2)
                .bytes(),
        ),
        (
            // A failed write takes back the queued send whose message still
            // waits, settles the one a socket has; the next change writes.
            "write-fails-and-settles",
            Script::new(8)
                .connect(0, 0, &[])
                .persist()
                .send(0, 1, 1)
                .open()
                .send(0, 2, 1)
                .send(0, 3, 2)
                .write_start()
                .socket_close(3)
                .send(0, 4, 1)
                .write_failed()
                .write_failed()
                .send(0, 5, 1)
                .persist()
                .storage_error()
                .bytes(),
        ),
        (
            // Worker starts that find trouble: a corrupt value (quarantined,
            // its nextId kept), a read error (in memory, writes held), then a
            // connect that came first whose reads fail before one succeeds.
            "resume-finds-trouble",
            Script::new(9)
                .connect(0, RELIABLE, &[])
                .open()
                .send(0, 1, 2)
                .persist()
                .restart_finding(11, found::CORRUPT)
                .connect(0, RELIABLE, &[])
                .open()
                .send(0, 2, 2)
                .persist()
                .restart_finding(12, found::FAILED)
                .persist()
                .resume()
                .load(found::REFUSED)
                .restart_connect_first(13)
                .send(0, 3, 2)
                .load(found::FAILED)
                .send(0, 4, 2)
                .load(found::STORED)
                .load(found::STORED)
                .persist()
                .open()
                .bytes(),
        ),
    ]
}
