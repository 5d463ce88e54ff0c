//! The id reservation up close: a reliable frame waits for the write that
//! reserves its id, blocks are asked for at half use, a connect() that came
//! before the restore goes on from the stored ids, and the last id there is.
//! (`core_ids.rs` stops a scripted life at every step.)

mod support;

use support::native::*;
use sw_websocket::core::{
    Action, Connection, Event, Loaded, SendOptions, Sent, Snapshot, Timestamp, ID_BLOCK,
};

const UNRELIABLE: SendOptions = SendOptions {
    reliable: Some(false),
};

/// A fresh connection in reliable mode, open, nothing written yet.
fn open_reliable() -> Connection {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, reliable_options())
        .expect("valid");
    conn.handle_open(Timestamp(1));
    while conn.poll_action().is_some() {}
    conn
}

#[test]
fn a_reliable_frame_waits_for_the_write_that_reserves_its_id() {
    let mut conn = open_reliable();
    let sent = conn.send(Timestamp(2), "a".into(), RELIABLE).expect("sent");
    let Sent::Reliable { id: 1, seq } = sent else {
        panic!("{sent:?}");
    };
    assert_eq!(
        conn.poll_action(),
        None,
        "nothing stored yet: the frame waits"
    );
    // An unreliable message behind it waits too, in order.
    conn.send(Timestamp(3), "b".into(), UNRELIABLE)
        .expect("queued");
    assert_eq!(conn.poll_action(), None);
    assert_eq!(
        conn.snapshot().next_id,
        1 + ID_BLOCK,
        "the write reserves a block"
    );
    conn.handle_persisted(Timestamp(4), seq, 1 + ID_BLOCK);
    let frames: Vec<Action> = std::iter::from_fn(|| conn.poll_action()).collect();
    assert_eq!(
        frames,
        [
            Action::Send(r#"{"type":"sw.msg","id":1,"dup":false,"data":"a"}"#.into()),
            Action::Send("b".into()),
        ]
    );
    // From then on a frame goes at once; the next block is asked for when
    // half of this one is used.
    let raised_at = loop {
        let sent = conn.send(Timestamp(5), "c".into(), RELIABLE).expect("sent");
        let Sent::Reliable { id, .. } = sent else {
            panic!("{sent:?}");
        };
        assert!(
            matches!(conn.poll_action(), Some(Action::Send(_))),
            "id {id} waited"
        );
        if conn.snapshot().next_id != 1 + ID_BLOCK {
            break id;
        }
    };
    assert_eq!(raised_at, 1 + ID_BLOCK / 2);
    assert_eq!(conn.snapshot().next_id, raised_at + 1 + ID_BLOCK);
}

#[test]
fn a_connect_before_the_restore_goes_on_from_the_stored_ids() {
    // A life whose connect() came before it read storage: its sends wait
    // (no id is reserved, nothing is written), then the stored state of the
    // last life arrives, with its nextId.
    let mut conn = Connection::new();
    conn.expect_stored_state();
    conn.connect(Timestamp(0), URL, reliable_options())
        .expect("valid");
    assert!(
        actions(&mut conn).contains(&Action::Load),
        "the connect asks for the stored ids"
    );
    conn.handle_open(Timestamp(1));
    while conn.poll_action().is_some() {}
    let mut seqs = Vec::new();
    for (text, how) in [("a", RELIABLE), ("b", RELIABLE), ("c", UNRELIABLE)] {
        match conn.send(Timestamp(2), text.into(), how).expect("queued") {
            Sent::Reliable { seq, .. } | Sent::Queued { seq, .. } => seqs.push(seq),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(conn.poll_action(), None, "nothing reserved: nothing goes");
    assert_eq!(conn.poll_persist(), None, "nothing written before the read");
    let found = Loaded::Snapshot(Box::new(stored_with_next_id(5000)), None);
    assert_eq!(conn.handle_loaded(Timestamp(2), found), None);
    let ids: Vec<u64> = conn.outbox().map(|e| e.id).collect();
    assert_eq!(ids, [5000, 5001, 5002]);
    assert_eq!(
        conn.poll_action(),
        None,
        "the stored end is 5000: still waiting"
    );
    let seq = conn.poll_persist().expect("dirty");
    assert_eq!(conn.snapshot().next_id, 5003 + ID_BLOCK);
    conn.handle_persisted(Timestamp(3), seq, 5003 + ID_BLOCK);
    let frames: Vec<Action> = std::iter::from_fn(|| conn.poll_action()).collect();
    assert_eq!(
        frames,
        [
            Action::Send(r#"{"type":"sw.msg","id":5000,"dup":false,"data":"a"}"#.into()),
            Action::Send(r#"{"type":"sw.msg","id":5001,"dup":false,"data":"b"}"#.into()),
            Action::Send("c".into()),
        ]
    );
    // The sends settle with their new ids: the shell never sees the move.
    let settled: Vec<Event> = events(&mut conn)
        .into_iter()
        .filter(|e| matches!(e, Event::Settled { .. }))
        .collect();
    let expected: Vec<Event> = seqs
        .iter()
        .zip([5000, 5001, 5002])
        .map(|(&seq, id)| Event::Settled {
            seq,
            result: Ok(id),
        })
        .collect();
    assert_eq!(settled, expected);
    // Once anything was written it is too late to move: nothing changes.
    let later = Loaded::Snapshot(Box::new(stored_with_next_id(90_000)), None);
    assert_eq!(conn.handle_loaded(Timestamp(4), later), None);
    assert_eq!(conn.snapshot().next_id, 5003 + ID_BLOCK);
}

/// What an earlier life left in storage: closed, ids below `next_id` used.
fn stored_with_next_id(next_id: u64) -> Snapshot {
    let mut snapshot = Connection::new().snapshot();
    snapshot.next_id = next_id;
    snapshot
}

#[test]
fn at_the_last_id_frames_wait_and_the_snapshot_stays_above_every_id() {
    let json = |next_id: u64| {
        let mut conn = Connection::new();
        conn.connect(Timestamp(0), URL, reliable_options())
            .expect("valid");
        let mut snapshot = conn.snapshot();
        snapshot.next_id = next_id;
        snapshot
    };
    let last = (1 << 53) - 1;
    let mut conn = Connection::new();
    conn.restore(Timestamp(0), json(last), None)
        .expect("in range");
    conn.handle_open(Timestamp(1));
    while conn.poll_action().is_some() {}
    let seq = conn.poll_persist().expect("dirty");
    assert_eq!(conn.snapshot().next_id, last + 1, "the block ends at 2^53");
    conn.handle_persisted(Timestamp(2), seq, last + 1);
    conn.send(Timestamp(3), "last".into(), RELIABLE)
        .expect("sent");
    assert!(
        matches!(conn.poll_action(), Some(Action::Send(_))),
        "id 2^53 - 1 goes"
    );
    conn.send(Timestamp(4), "past".into(), RELIABLE)
        .expect("queued");
    assert_eq!(conn.poll_action(), None, "no block past 2^53: it waits");
    assert!(conn.outbox().all(|e| e.id < conn.snapshot().next_id));
}
