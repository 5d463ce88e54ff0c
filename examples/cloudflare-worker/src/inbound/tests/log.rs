//! A room's log driven the way `room/log.rs` drives it, with a map for
//! storage: appends and the bounds, replays in order, gaps.

use super::super::*;
use super::{msg, BASE, NOW_MS};
use crate::protocol::MAX_ID;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Runs a future that never waits (storage here is a map).
fn ready<T>(future: impl Future<Output = T>) -> T {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("the future waited"),
    }
}

/// A room's log as `room/log.rs` keeps it: the meta and the stored entries.
struct Log {
    meta: Meta,
    store: BTreeMap<u64, String>,
}

impl Log {
    fn new(base_ms: f64) -> Self {
        Log {
            meta: Meta::new(base_ms),
            store: BTreeMap::new(),
        }
    }

    /// Appends a message of `sender` and trims, as the room does.
    fn append(&mut self, sender: Option<&str>, data: &str) -> u64 {
        let (entry, size) = encode_entry(sender, data);
        let id = self.meta.push(size).unwrap_or_else(|| panic!("out of ids"));
        let store = &self.store;
        let size_of = |id: u64| async move {
            Ok::<u64, Infallible>(store.get(&id).map_or(0, |e| Entry::decode(e).size()))
        };
        let dropped = match ready(trim(&mut self.meta, size_of)) {
            Ok(dropped) => dropped,
            Err(never) => match never {},
        };
        for id in dropped {
            self.store.remove(&id);
        }
        self.store.insert(id, entry);
        id
    }

    /// The frames of a resume, reading the entries of its range as the room does.
    fn resume(&self, after: u64, me: Option<&str>, dup_upto: u64) -> Vec<String> {
        let range = self.meta.resume_range(after);
        let read: BTreeMap<u64, String> = self
            .store
            .range(range)
            .map(|(id, e)| (*id, e.clone()))
            .collect();
        replay(&self.meta, after, &read, me, dup_upto)
    }
}

#[test]
fn resume_sends_the_rest_in_order_without_the_own_messages() {
    let mut log = Log::new(NOW_MS);
    let ids: Vec<u64> = (0..6)
        .map(|i| {
            let sender = if i == 2 { "c:me" } else { "c:other" };
            log.append(Some(sender), &text_data(&format!("m{i}")))
        })
        .collect();
    assert_eq!(ids, (BASE..BASE + 6).collect::<Vec<_>>());
    let all = |from: usize| -> Vec<String> {
        (from..6)
            .filter(|i| *i != 2)
            .map(|i| msg(BASE + i as u64, &format!("\"m{i}\"")))
            .collect()
    };
    // A new client (0), one from before this log, and one at each position.
    assert_eq!(log.resume(0, Some("c:me"), 0), all(0));
    assert_eq!(log.resume(BASE - 500, Some("c:me"), 0), all(0));
    assert_eq!(log.resume(BASE + 3, Some("c:me"), 0), all(4));
    assert_eq!(log.resume(BASE + 5, Some("c:me"), 0), Vec::<String>::new());
    assert_eq!(log.resume(MAX_ID, Some("c:me"), 0), Vec::<String>::new());
    // Another reader gets its message too; dup marks up to dup_upto.
    let frames = log.resume(BASE + 1, Some("c:third"), BASE + 3);
    assert_eq!(
        frames,
        [
            msg_frame(BASE + 2, true, "\"m2\""),
            msg_frame(BASE + 3, true, "\"m3\""),
            msg(BASE + 4, "\"m4\""),
            msg(BASE + 5, "\"m5\""),
        ]
    );
    // Without a sender to skip (a socket of an older version): every entry.
    assert_eq!(log.resume(0, None, 0).len(), 6);
}

#[test]
fn the_log_keeps_1000_messages_then_reports_a_gap() {
    let mut log = Log::new(NOW_MS);
    for i in 0..1005 {
        log.append(Some("c:a"), &format!("{i}"));
    }
    assert_eq!(log.meta.len(), LOG_MAX_MESSAGES);
    assert_eq!((log.meta.first, log.meta.next), (BASE + 5, BASE + 1005));
    assert_eq!(log.store.len(), 1000);
    assert_eq!(
        log.meta.bytes,
        log.store
            .values()
            .map(|e| Entry::decode(e).size())
            .sum::<u64>()
    );
    // From before the trimmed ones: a gap first, then the rest in order.
    let frames = log.resume(BASE + 1, Some("c:b"), 0);
    assert_eq!(frames.len(), 1001);
    assert_eq!(frames[0], gap_frame(BASE + 1, BASE + 5));
    assert_eq!(frames[1], msg(BASE + 5, "5"));
    assert_eq!(frames[1000], msg(BASE + 1004, "1004"));
    // A new client (0) and one just before the oldest kept: a gap too; one
    // at the last trimmed id has lost nothing.
    assert_eq!(log.resume(0, Some("c:b"), 0)[0], gap_frame(0, BASE + 5));
    assert_eq!(log.resume(BASE + 4, Some("c:b"), 0)[0], msg(BASE + 5, "5"));
    // The sender of the oldest kept ones: the gap goes before the first
    // message it did not send.
    let mut log = Log::new(NOW_MS);
    for i in 0..1002 {
        log.append(Some(if i < 1001 { "c:a" } else { "c:b" }), &format!("{i}"));
    }
    assert_eq!(
        log.resume(0, Some("c:a"), 0),
        [gap_frame(0, BASE + 1001), msg(BASE + 1001, "1001")]
    );
}

#[test]
fn the_log_keeps_at_most_1_mib_of_data() {
    let mut log = Log::new(NOW_MS);
    let quarter = text_data(&"q".repeat(256 * 1024 - 2));
    assert_eq!(quarter.len(), 256 * 1024);
    for _ in 0..4 {
        log.append(None, &quarter);
    }
    assert_eq!((log.meta.len(), log.meta.bytes), (4, LOG_MAX_BYTES));
    log.append(None, "\"small\"");
    assert_eq!((log.meta.first, log.meta.len()), (BASE + 1, 4));
    assert_eq!(log.meta.bytes, 3 * 256 * 1024 + 7);
    log.append(None, &quarter);
    assert_eq!((log.meta.first, log.meta.len()), (BASE + 2, 4));
    let frames = log.resume(0, None, 0);
    assert_eq!(frames[0], gap_frame(0, BASE + 2));
    assert_eq!(frames.len(), 5);
}

#[test]
fn messages_too_long_to_keep_and_missing_entries_are_gaps() {
    let mut log = Log::new(NOW_MS);
    let long = text_data(&"L".repeat(ENTRY_MAX_BYTES));
    log.append(Some("c:a"), "1"); // BASE
    log.append(Some("c:a"), &long); // BASE + 1: a mark
    log.append(Some("c:a"), &long); // BASE + 2: a mark
    log.append(Some("c:a"), "4"); // BASE + 3
    log.append(Some("c:a"), &long); // BASE + 4: a mark, the last
    assert_eq!(log.meta.bytes, 2, "marks count 0 bytes");
    assert_eq!(
        log.resume(0, Some("c:b"), 0),
        [
            msg(BASE, "1"),
            gap_frame(BASE, BASE + 3),
            msg(BASE + 3, "4"),
            gap_frame(BASE + 3, BASE + 5),
        ]
    );
    // Its own mark is skipped like its own messages.
    assert_eq!(log.resume(BASE + 3, Some("c:a"), 0), Vec::<String>::new());
    // An entry lost from storage is a gap as well.
    log.store.remove(&BASE);
    assert_eq!(
        log.resume(0, Some("c:b"), 0)[0],
        gap_frame(BASE - 1, BASE + 3)
    );
}

#[test]
fn a_new_log_starts_above_a_lost_one() {
    let mut old = Log::new(NOW_MS);
    for i in 0..900 {
        old.append(None, &format!("{i}"));
    }
    // The storage is lost a millisecond later: the new ids are above the old.
    let mut new = Log::new(NOW_MS + 1.0);
    let id = new.append(None, "\"again\"");
    assert!(id > old.meta.last());
    // A client at the old last id gets the new messages, with no gap.
    assert_eq!(new.resume(old.meta.last(), None, 0), [msg(id, "\"again\"")]);
}
