//! A worker start: the core asks for the stored state, holds its writes
//! until it knows it, and decides what a read found means (restore, keep the
//! connect that came first, quarantine, a read error).

mod support;

use support::native::*;
use sw_websocket::core::{
    Action, ConnState, Connection, Error, Event, Loaded, MemoryStore, SendOptions, Sent, Snapshot,
    SnapshotStore, Timestamp,
};

/// A connection whose store may hold an earlier life's state.
fn with_store() -> Connection {
    let mut conn = Connection::new();
    conn.expect_stored_state();
    conn
}

/// What an earlier life left: open, two messages queued, ids below `next_id` used.
fn earlier_life(next_id: u64) -> Snapshot {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, reliable_options())
        .expect("valid");
    for text in ["one", "two"] {
        conn.send(Timestamp(1), text.into(), PLAIN).expect("queued");
    }
    let mut snapshot = conn.snapshot();
    snapshot.next_id = next_id;
    snapshot.counters.worker_starts = 4;
    snapshot
}

fn found(snapshot: Snapshot) -> Loaded {
    Loaded::Snapshot(Box::new(snapshot), None)
}

fn read_error() -> Loaded {
    Loaded::Failed(Error::Storage("disk on fire".into()))
}

/// The id a reliable message sent now gets.
fn next_reliable_id(conn: &mut Connection) -> u64 {
    match conn.send(Timestamp(9), "probe".into(), RELIABLE) {
        Ok(Sent::Reliable { id, .. }) => id,
        other => panic!("{other:?}"),
    }
}

fn error_kinds(conn: &mut Connection) -> Vec<&'static str> {
    events(conn)
        .iter()
        .filter_map(|e| match e {
            Event::Error(error) => Some(error.kind()),
            _ => None,
        })
        .collect()
}

#[test]
fn resume_asks_for_one_read_and_nothing_is_written_before_it_lands() {
    let mut conn = with_store();
    assert!(conn.resume(Timestamp(0)), "wait for the read");
    assert_eq!(actions(&mut conn), [Action::Load]);
    assert!(
        conn.resume(Timestamp(0)),
        "a second resume waits for it too"
    );
    assert_eq!(actions(&mut conn), [], "one read at a time");
    conn.handle_online(Timestamp(0), true);
    assert_eq!(
        conn.poll_persist(),
        None,
        "nothing stored is replaced unread"
    );
    assert_eq!(conn.handle_loaded(Timestamp(1), Loaded::Nothing), None);
    assert_eq!(conn.status().counters.worker_starts, 1);
    assert!(conn.poll_persist().is_some(), "now the state is written");
    assert!(!conn.resume(Timestamp(2)), "known: nothing to wait for");
    assert_eq!(actions(&mut conn), []);
    assert_eq!(conn.status().counters.worker_starts, 1);
}

#[test]
fn without_a_store_resume_counts_the_start_at_once() {
    let mut conn = Connection::new();
    assert!(!conn.resume(Timestamp(0)));
    assert_eq!(actions(&mut conn), []);
    assert!(!conn.resume(Timestamp(0)));
    assert_eq!(conn.status().counters.worker_starts, 1);
}

#[test]
fn a_stored_snapshot_is_restored_and_the_start_counted() {
    let mut conn = with_store();
    assert!(conn.resume(Timestamp(0)));
    actions(&mut conn);
    assert_eq!(
        conn.handle_loaded(Timestamp(5), found(earlier_life(3))),
        None
    );
    assert_eq!(conn.state(), ConnState::Connecting, "the intent was open");
    assert_eq!(conn.status().counters.worker_starts, 5);
    assert_eq!(conn.outbox().map(|e| e.id).collect::<Vec<_>>(), [1, 2]);
    assert!(actions(&mut conn)
        .iter()
        .any(|a| matches!(a, Action::Open { .. })));
    // A read that comes once the state is known changes nothing.
    let before = conn.snapshot();
    assert_eq!(
        conn.handle_loaded(Timestamp(6), found(earlier_life(99))),
        None
    );
    assert_eq!(conn.snapshot(), before);
    assert_eq!(actions(&mut conn), []);
}

#[test]
fn a_corrupt_value_is_quarantined_and_its_next_id_still_holds() {
    let mut conn = with_store();
    assert!(conn.resume(Timestamp(0)));
    let corrupt = Loaded::Corrupt {
        why: "expected an object, found string".into(),
        next_id: Some(7000),
    };
    let why = conn.handle_loaded(Timestamp(1), corrupt);
    assert_eq!(why.as_deref(), Some("expected an object, found string"));
    assert_eq!(error_kinds(&mut conn), ["corrupt_snapshot"]);
    assert_eq!(conn.state(), ConnState::Idle);
    assert_eq!(conn.status().counters.worker_starts, 1);
    assert!(conn.poll_persist().is_some(), "a fresh state replaces it");
    conn.connect(Timestamp(2), URL, reliable_options())
        .expect("valid");
    assert!(
        next_reliable_id(&mut conn) >= 7000,
        "ids below 7000 may be on the wire"
    );
}

#[test]
fn a_snapshot_that_fails_its_checks_is_quarantined_with_the_error() {
    let mut conn = with_store();
    assert!(conn.resume(Timestamp(0)));
    let mut snapshot = earlier_life(3000);
    snapshot.url = None; // its intent is open
    let why = conn
        .handle_loaded(Timestamp(1), found(snapshot))
        .expect("quarantined");
    assert!(why.contains("intent open without a URL"), "{why}");
    assert_eq!(error_kinds(&mut conn), ["corrupt_snapshot"]);
    assert_eq!(conn.state(), ConnState::Idle, "nothing restored");
    assert_eq!(conn.outbox().count(), 0);
    assert_eq!(conn.status().counters.worker_starts, 1);
    conn.connect(Timestamp(2), URL, reliable_options())
        .expect("valid");
    assert!(next_reliable_id(&mut conn) >= 3000);
}

#[test]
fn unreadable_storage_at_resume_runs_in_memory_and_writes_nothing() {
    let mut conn = with_store();
    assert!(conn.resume(Timestamp(0)));
    actions(&mut conn);
    assert_eq!(conn.handle_loaded(Timestamp(1), read_error()), None);
    assert_eq!(error_kinds(&mut conn), ["storage"]);
    assert_eq!(conn.status().counters.worker_starts, 1);
    assert_eq!(conn.poll_persist(), None, "what is stored stays");
    // A resume again reads again.
    assert!(conn.resume(Timestamp(2)));
    assert_eq!(actions(&mut conn), [Action::Load]);
    assert_eq!(
        conn.handle_loaded(Timestamp(3), found(earlier_life(3))),
        None
    );
    assert_eq!(conn.state(), ConnState::Connecting);
    assert_eq!(
        conn.status().counters.worker_starts,
        5,
        "one start, however many reads"
    );
    assert!(conn.poll_persist().is_some());
}

#[test]
fn a_connect_before_the_read_wins_and_takes_only_the_stored_ids() {
    let mut refused = earlier_life(5000);
    refused.url = None; // its intent is open: restore refuses it
    for (what, stored, quarantined) in [
        ("a snapshot", found(earlier_life(5000)), None),
        (
            "a corrupt value",
            Loaded::Corrupt {
                why: "no version".into(),
                next_id: Some(5000),
            },
            Some("no version"),
        ),
        (
            "a snapshot restore refuses",
            found(refused),
            Some("the stored state could not be read (intent open without a URL)"),
        ),
    ] {
        let mut conn = with_store();
        conn.connect(
            Timestamp(0),
            URL,
            opts(r#"{"reliable": true, "keepalive": false}"#),
        )
        .expect("valid");
        assert!(actions(&mut conn).contains(&Action::Load), "{what}");
        let first = match conn.send(Timestamp(1), "first".into(), PLAIN) {
            Ok(Sent::Reliable { seq, .. }) => seq,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            conn.poll_persist(),
            None,
            "{what}: the ids are not read yet"
        );
        assert!(
            conn.resume(Timestamp(1)),
            "{what}: resume waits for that read"
        );
        assert_eq!(actions(&mut conn), [], "{what}: one read at a time");
        let why = conn.handle_loaded(Timestamp(2), stored);
        // Replaced by the connect's state, but never silently: what could
        // not have been restored is reported and kept aside.
        assert_eq!(
            why.as_deref().map(|w| w.split(';').next().unwrap_or(w)),
            quarantined,
            "{what}"
        );
        let errors = error_kinds(&mut conn);
        let reported = quarantined.map(|_| "corrupt_snapshot");
        assert_eq!(errors.first().copied(), reported, "{what}: {errors:?}");
        assert_eq!(
            conn.state(),
            ConnState::Connecting,
            "{what}: the connect wins"
        );
        assert_eq!(conn.status().outbox, 1, "{what}: nothing restored");
        assert_eq!(
            conn.status().counters.worker_starts,
            1,
            "{what}: this start"
        );
        assert_eq!(conn.outbox().map(|e| e.id).collect::<Vec<_>>(), [5000]);
        assert!(!conn.resume(Timestamp(3)), "{what}: known now");
        written(&mut conn, Timestamp(3));
        let settled = events(&mut conn);
        assert_eq!(
            settled,
            [Event::Settled {
                seq: first,
                result: Ok(5000)
            }],
            "{what}: settled with its new id"
        );
    }
}

#[test]
fn after_a_connect_first_a_failed_read_holds_the_writes_and_the_next_change_reads_again() {
    let mut conn = with_store();
    conn.connect(Timestamp(0), URL, reliable_options())
        .expect("valid");
    assert!(actions(&mut conn).contains(&Action::Load));
    assert_eq!(conn.handle_loaded(Timestamp(1), read_error()), None);
    assert_eq!(error_kinds(&mut conn), ["storage"]);
    assert_eq!(conn.poll_persist(), None);
    assert_eq!(actions(&mut conn), [], "a failing store is not hammered");
    conn.send(Timestamp(2), "waits".into(), SendOptions::default())
        .expect("queued");
    assert_eq!(actions(&mut conn), [Action::Load], "the change reads again");
    assert_eq!(conn.poll_persist(), None);
    assert_eq!(
        conn.handle_loaded(Timestamp(3), found(earlier_life(6000))),
        None
    );
    assert_eq!(conn.outbox().map(|e| e.id).collect::<Vec<_>>(), [6000]);
    assert!(conn.poll_persist().is_some());
}

#[test]
fn resume_from_a_store_takes_the_same_path() {
    let mut store = MemoryStore::default();
    let mut snapshot = earlier_life(4000);
    snapshot.version = 7;
    store.save(snapshot, None).expect("stored");
    let mut conn = Connection::new();
    conn.resume_from(Timestamp(0), &store);
    assert_eq!(error_kinds(&mut conn), ["corrupt_snapshot"]);
    assert_eq!(conn.status().counters.worker_starts, 1);
    conn.connect(Timestamp(1), URL, reliable_options())
        .expect("valid");
    assert!(next_reliable_id(&mut conn) >= 4000, "its nextId holds");
}
