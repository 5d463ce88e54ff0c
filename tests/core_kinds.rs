//! A message's kind (text, JSON, binary) is its `Message` variant: named in
//! the outbox listing and the stored snapshot, read back on restore (what
//! was stored before restores the same), sent as a text frame when JSON, and
//! framed in reliable mode from a borrow of the entry that stays.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use support::native::*;
use sw_websocket::core::{Action, Connection, Message, Snapshot, Timestamp};

/// Counts the bytes this thread allocates, to see what a flush copies.
struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call goes to `System` as it is; the count is a side note
// kept in a const-initialized thread local (it never allocates).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|n| n.set(n.get() + layout.size()));
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// The bytes this thread allocates while `f` runs.
fn allocated_by(f: impl FnOnce()) -> usize {
    let before = ALLOCATED.with(Cell::get);
    f();
    ALLOCATED.with(Cell::get) - before
}

/// An outbox the version before this enum wrote (`kind` strings, base64
/// binary), as it sits in storage.
const STORED_BEFORE: &str = r#"{"version":2,"intent":"open","url":"ws://127.0.0.1:9/ws",
  "options":{"reliable":true},"attempt":1,"nextAttemptAt":1000,"gaveUp":false,
  "counters":{"workerStarts":0,"connects":1,"reconnects":0,"sent":0,"received":0,"keepalives":0},
  "nextId":1025,"outbox":[
    {"id":1,"kind":"text","data":"{\"looks\":\"like json\"}","reliable":true},
    {"id":2,"kind":"json","data":"{\"a\":[1,\"b\"]}","reliable":true},
    {"id":3,"kind":"binary","data":"AAH/","reliable":false},
    {"id":4,"kind":"json","data":"\"quoted\"","reliable":false},
    {"id":5,"kind":"text","data":"tab\there","reliable":false}],
  "lastClose":null,"lastError":null}"#;

#[test]
fn kinds_have_one_name_each() {
    assert_eq!(Message::from("t").kind(), "text");
    assert_eq!(Message::Json("1".into()).kind(), "json");
    assert_eq!(Message::Binary(vec![1]).kind(), "binary");
    assert_eq!(Message::Json("[1]".into()).as_text(), Some("[1]"));
}

#[test]
fn a_stored_outbox_restores_with_its_kinds_and_stores_the_same() {
    // Read as the shell reads it: layout 2, migrated to the current one.
    let value: serde_json::Value = serde_json::from_str(STORED_BEFORE).expect("json");
    let stored: Snapshot = stored(&value).expect("the stored layout");
    let mut conn = Connection::new();
    conn.restore(Timestamp(1000), stored.clone(), None)
        .expect("restores");
    let kinds: Vec<(u64, Message)> = conn.outbox().map(|e| (e.id, e.message.clone())).collect();
    assert_eq!(
        kinds,
        [
            (1, Message::Text(r#"{"looks":"like json"}"#.into())),
            (2, Message::Json(r#"{"a":[1,"b"]}"#.into())),
            (3, Message::Binary(vec![0, 1, 255])),
            (4, Message::Json(r#""quoted""#.into())),
            (5, Message::Text("tab\there".into())),
        ]
    );
    // Written back, the outbox is the same, field for field.
    let again = to_json_value(&conn.snapshot());
    let before: serde_json::Value = serde_json::from_str(STORED_BEFORE).expect("json");
    assert_eq!(again["outbox"], before["outbox"]);

    // On open: reliable text quoted, reliable JSON as it is (both resends);
    // the rest as they were, JSON as a text frame.
    actions(&mut conn);
    conn.handle_open(Timestamp(1001));
    let sent: Vec<Message> = actions(&mut conn)
        .into_iter()
        .filter_map(|a| match a {
            Action::Send(m) => Some(m),
            _ => None,
        })
        .collect();
    assert_eq!(
        sent,
        [
            Message::from(
                r#"{"type":"sw.msg","id":1,"dup":true,"data":"{\"looks\":\"like json\"}"}"#
            ),
            Message::from(r#"{"type":"sw.msg","id":2,"dup":true,"data":{"a":[1,"b"]}}"#),
            Message::Binary(vec![0, 1, 255]),
            Message::Json(r#""quoted""#.into()),
            Message::Text("tab\there".into()),
        ]
    );
}

#[test]
fn json_goes_out_as_it_came_in() {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, opts("{}")).expect("valid");
    actions(&mut conn);
    written(&mut conn, Timestamp(0));
    // Queued before open, then flushed: still JSON, never quoted.
    conn.send(Timestamp(1), Message::Json("[1]".into()), PLAIN)
        .expect("queued");
    assert_eq!(
        conn.outbox().map(|e| e.message.kind()).collect::<Vec<_>>(),
        ["json"]
    );
    conn.handle_open(Timestamp(2));
    let sent: Vec<Action> = actions(&mut conn)
        .into_iter()
        .filter(|a| matches!(a, Action::Send(_)))
        .collect();
    assert_eq!(sent, [Action::Send(Message::Json("[1]".into()))]);
    // Straight to the open socket.
    conn.send(Timestamp(3), Message::Json("{}".into()), PLAIN)
        .expect("sent");
    assert_eq!(sends(&mut conn), ["{}"]);
}

#[test]
fn a_reliable_frame_is_written_from_a_borrow() {
    const SIZE: usize = 256 * 1024;
    for message in [
        Message::Json(format!("[{}]", "1,".repeat(SIZE / 2) + "1")),
        Message::Text("x".repeat(SIZE)),
    ] {
        let mut conn = Connection::new();
        conn.connect(Timestamp(0), URL, reliable_options())
            .expect("valid");
        actions(&mut conn);
        written(&mut conn, Timestamp(0));
        conn.handle_open(Timestamp(1));
        actions(&mut conn);
        let len = message.len();
        conn.send(Timestamp(2), message, RELIABLE).expect("queued");
        written(&mut conn, Timestamp(2));
        actions(&mut conn);
        // A reconnect resends it: the frame is the one allocation of its size.
        conn.handle_close(Timestamp(3), 1006, "", false);
        conn.handle_timeout(Timestamp(60_000));
        actions(&mut conn);
        let bytes = allocated_by(|| conn.handle_open(Timestamp(60_001)));
        let frames = sends(&mut conn);
        assert_eq!(frames.len(), 1);
        assert!(frames[0].len() > len);
        assert!(
            bytes < len + len / 2,
            "{bytes} bytes allocated to resend {len}: the message was copied"
        );
        assert_eq!(conn.status().outbox, 1, "it stays until acked");
    }
}
