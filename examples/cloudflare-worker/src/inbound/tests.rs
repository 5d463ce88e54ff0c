//! The inbound module's native tests: the client's inbound frames as
//! `protocol::classify` reads them, ids, keys, frames, entries and the
//! per-client state here; a room's log in `tests/log.rs`.

use super::*;
use crate::protocol::{self, DEFAULT_KEEPALIVE_MESSAGE as KEEPALIVE};

mod log;

pub(super) const NOW_MS: f64 = 1_800_000_000_000.0;
pub(super) const BASE: u64 = 1_800_000_000_000_000;

pub(super) fn msg(id: u64, data: &str) -> String {
    msg_frame(id, false, data)
}

#[test]
fn first_ids() {
    assert_eq!(first_id(NOW_MS), BASE);
    assert_eq!(first_id(1.5), 1000);
    for bad in [0.0, -5.0, f64::NAN, f64::NEG_INFINITY] {
        assert_eq!(first_id(bad), 1, "{bad}");
    }
    assert_eq!(first_id(f64::INFINITY), 1);
    assert_eq!(first_id(1e300), MAX_ID / 2);
    assert!(first_id(NOW_MS) < MAX_ID / 2);
}

#[test]
fn meta_ids_and_storage_form() {
    let mut meta = Meta::new(NOW_MS);
    assert_eq!(
        (meta.base, meta.first, meta.next, meta.bytes),
        (BASE, BASE, BASE, 0)
    );
    assert!(meta.is_empty());
    assert_eq!(meta.last(), BASE - 1);
    assert_eq!(meta.push(5), Some(BASE));
    assert_eq!(meta.push(7), Some(BASE + 1));
    assert_eq!((meta.len(), meta.bytes, meta.last()), (2, 12, BASE + 1));
    assert_eq!(Meta::from_json(&meta.to_json()), Some(meta));
    for bad in [
        "",
        "{}",
        r#"{"base":0,"first":0,"next":0,"bytes":0}"#,
        r#"{"base":5,"first":4,"next":6,"bytes":0}"#,
        r#"{"base":5,"first":7,"next":6,"bytes":0}"#,
        r#"{"base":1,"first":1,"next":9007199254740993,"bytes":0}"#,
    ] {
        assert_eq!(Meta::from_json(bad), None, "{bad}");
    }
    let mut full = Meta {
        base: MAX_ID,
        first: MAX_ID,
        next: MAX_ID,
        bytes: 0,
    };
    assert_eq!(full.push(1), Some(MAX_ID));
    assert_eq!(full.push(1), None);
    assert_eq!(full.next, MAX_ID + 1);
}

#[test]
fn keys_sort_as_ids() {
    assert_eq!(entry_key(42), "msg:0000000000000042");
    assert_eq!(entry_key(MAX_ID), "msg:9007199254740991");
    assert!(entry_key(9) < entry_key(10));
    assert!(entry_key(BASE + 999) < entry_key(BASE + 1000));
    assert_eq!(id_of_key(&entry_key(BASE + 3)), Some(BASE + 3));
    assert_eq!(id_of_key("log"), None);
    assert_eq!(id_of_key("msg:x"), None);
    assert_eq!(reader_key("alice"), "inbound:alice");
}

#[test]
fn frames_and_entries() {
    assert_eq!(
        msg_frame(7, false, r#""hi""#),
        r#"{"type":"sw.msg","id":7,"data":"hi"}"#
    );
    assert_eq!(
        msg_frame(7, true, r#"{"a":[1]}"#),
        r#"{"type":"sw.msg","id":7,"dup":true,"data":{"a":[1]}}"#
    );
    assert_eq!(gap_frame(3, 9), r#"{"type":"sw.gap","after":3,"next":9}"#);
    // A text is logged as a JSON string that reads back as the same text.
    for text in [
        "plain",
        "",
        "a \"quoted\"\nline\té \u{1F600} \\",
        "{\"type\":\"chat\"}",
    ] {
        let data = text_data(text);
        assert_eq!(
            serde_json::from_str::<String>(&data).ok().as_deref(),
            Some(text)
        );
        let frame: serde_json::Value =
            serde_json::from_str(&msg_frame(1, false, &data)).unwrap_or_default();
        assert_eq!(frame["data"], serde_json::Value::from(text));
    }
    let (stored, size) = encode_entry(Some("c:alice"), r#""hi""#);
    assert_eq!((stored.as_str(), size), ("c:alice\n\"hi\"", 4));
    let entry = Entry::decode(&stored);
    assert_eq!(
        (entry.sender, entry.data, entry.size()),
        ("c:alice", Some(r#""hi""#), 4)
    );
    // Data may hold newlines; only the first one ends the sender.
    let (stored, _) = encode_entry(None, "[1,\n2]");
    assert_eq!(
        Entry::decode(&stored),
        Entry {
            sender: "",
            data: Some("[1,\n2]")
        }
    );
    // Too long to keep: a mark of size 0.
    let long = text_data(&"x".repeat(ENTRY_MAX_BYTES));
    let (stored, size) = encode_entry(Some("k:1"), &long);
    assert_eq!((stored.as_str(), size), ("k:1\n", 0));
    assert_eq!(Entry::decode(&stored).data, None);
    let fits = "y".repeat(ENTRY_MAX_BYTES);
    assert_eq!(encode_entry(None, &fits).1, ENTRY_MAX_BYTES as u64);
    assert_eq!(Entry::decode("no newline").data, None);
}

#[test]
fn senders() {
    let mut a = crate::protocol::Attachment::default();
    assert_eq!(a.sender(), None);
    a.conn = "3f".into();
    assert_eq!(a.sender().as_deref(), Some("k:3f"));
    a.client = Some("bob".into());
    assert_eq!(a.sender().as_deref(), Some("c:bob"));
}

#[test]
fn ack_writes_at_most_once_a_second() {
    let t = 1.8e12;
    assert!(ack_write_due(0.0, t), "never written");
    assert!(!ack_write_due(t, t));
    assert!(!ack_write_due(t, t + 999.0));
    assert!(ack_write_due(t, t + 1000.0));
    assert!(ack_write_due(t, t - 1.0), "the clock went back");
    assert!(ack_write_due(f64::NAN, t));
}

#[test]
fn readers() {
    let mut r = Reader::default();
    assert!(r.ack(5, 10));
    assert!(!r.ack(3, 10), "cumulative: a lower ack changes nothing");
    assert!(!r.ack(5, 10));
    assert!(
        r.ack(50, 12),
        "an ack above the last id counts as one of it"
    );
    assert_eq!(r.acked, 12);
    assert!(r.seen(20));
    assert!(!r.seen(15));
    assert_eq!(r.dup_upto(), 20);
    assert_eq!(Reader::from_json(&r.to_json()), r);
    assert_eq!(r.to_json(), r#"{"acked":12,"sent":20}"#);
    assert_eq!(Reader::from_json("garbage"), Reader::default());
}

#[test]
fn inbound_frames() {
    assert_eq!(
        protocol::classify(r#"{"type":"sw.resume","after":0}"#, KEEPALIVE),
        protocol::Frame::Resume(0)
    );
    assert_eq!(
        protocol::classify(
            r#" {"after": 42, "type": "sw.resume", "x": [1]} "#,
            KEEPALIVE
        ),
        protocol::Frame::Resume(42)
    );
    assert_eq!(
        protocol::classify(
            r#"{"type":"sw.resume","after":9007199254740991}"#,
            KEEPALIVE
        ),
        protocol::Frame::Resume(MAX_ID)
    );
    assert_eq!(
        protocol::classify(r#"{"type":"sw.ack","id":7}"#, KEEPALIVE),
        protocol::Frame::Ack(7)
    );
    assert_eq!(
        protocol::classify(r#"{"type":"sw\u002eack","id":0}"#, KEEPALIVE),
        protocol::Frame::Ack(0)
    );
    for bad in [
        r#"{"type":"sw.resume"}"#,
        r#"{"type":"sw.resume","after":-1}"#,
        r#"{"type":"sw.resume","after":1.5}"#,
        r#"{"type":"sw.resume","after":"3"}"#,
        r#"{"type":"sw.resume","after":null}"#,
        r#"{"type":"sw.resume","after":9007199254740992}"#,
        r#"{"type":"sw.resume","after":1,"after":2}"#,
        r#"{"type":"sw.resume","type":"sw.resume","after":1}"#,
        r#"{"type":"x","type":"sw.resume","after":1}"#,
        r#"{"type":"sw.resume","id":1}"#,
    ] {
        assert_eq!(
            protocol::classify(bad, KEEPALIVE),
            protocol::Frame::BadResume,
            "{bad}"
        );
    }
    for bad in [
        r#"{"type":"sw.ack"}"#,
        r#"{"type":"sw.ack","id":-2}"#,
        r#"{"type":"sw.ack","id":true}"#,
        r#"{"type":"sw.ack","id":1,"id":1}"#,
        r#"{"type":"sw.ack","after":1}"#,
    ] {
        assert_eq!(
            protocol::classify(bad, KEEPALIVE),
            protocol::Frame::BadAck,
            "{bad}"
        );
    }
    // sw.msg wins over the others when a frame names several types.
    assert_eq!(
        protocol::classify(r#"{"type":"sw.ack","type":"sw.msg","id":1}"#, KEEPALIVE),
        protocol::Frame::BadReliable
    );
}
