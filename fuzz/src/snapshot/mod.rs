//! Bytes as a stored snapshot: JSON decoded by the decoder the shell ships
//! (`Snapshot::from_stored`: `version` 1 to 4 migrated, 5 read, anything else
//! refused), then restored into a fresh connection.
//!
//! Invariants (the name is in the panic message):
//! - `no panic`, in decoding, restoring, and the first steps after.
//! - `ack parsing`: `parse_ack` finds an ack only in a text with `sw.ack`.
//! - `re-encode`: a decoded snapshot encodes and reads back equal.
//! - `refused cleanly`: a refused snapshot is a `CorruptSnapshot` error and
//!   leaves the connection as it was (no action, no event, same snapshot).
//! - `restored as stored`: the restored state follows the snapshot (state,
//!   at most one `Open`, the outbox entry by entry with its kind, binary
//!   data decoded as a reference base64 decoder does), no deadline in the past, and what it
//!   snapshots restores again to the same, but for `nextId`, one block of
//!   ids further on (unless restoring counted past
//!   2^53 - 1, the limit `restore` holds `nextId - 1` and counters to: see
//!   `in_range`).
//! - `open at`: the `openAt` of what it snapshots says whether restoring that
//!   opens a socket to the stored URL and protocols at once.
//! - `flush order` (`flush.rs`): on open, the restored outbox goes out in id order,
//!   reliable entries as `dup: true` frames; a send after it gets an id at
//!   or above the stored `nextId` (ids below it may have reached the wire).

mod flush;
mod reference;

use crate::json::{from_json, to_json};
use reference::{base64, in_range};
use sw_websocket::core::codec::Value;
use sw_websocket::core::{
    parse_ack, Action, ConnState, Connection, Intent, Message, Protocols, Snapshot, Timestamp,
    ACK_MARK, ID_BLOCK,
};

/// The time of the restore.
pub const NOW: u64 = 1_700_000_000_000;

/// Decodes, restores and checks `data`.
pub fn run(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(id) = parse_ack(text) {
            if !text.contains(ACK_MARK) {
                fail("ack parsing", format!("ack {id} found in {text:?}"));
            }
        }
    }
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let Ok(snapshot) = Snapshot::from_stored(&value) else {
        return;
    };
    let json = to_json(&snapshot);
    // The secret is not written (the shell keeps it apart).
    let mut written = snapshot.clone();
    written.options.auth_token = None;
    match from_json::<Snapshot>(&json) {
        Ok(back) if back == written => {}
        other => fail("re-encode", format!("{json} reads back as {other:?}")),
    }
    let secret = match data.len() % 3 {
        0 => None,
        1 => Some("tok".to_owned()),
        _ => Some("a b&c=".to_owned()),
    };
    restore(&snapshot, secret);
}

/// `open at`: the snapshot's `openAt` says what its restore at `NOW` did:
/// due (at or before `NOW`) exactly when it opened a socket to the stored
/// URL with the stored protocols.
fn open_at(snapshot: &Snapshot, actions: &[Action]) {
    let protocols = snapshot.options.protocols.clone().map(|p| match p {
        Protocols::One(one) => vec![one],
        Protocols::Many(list) => list,
    });
    let as_stored = actions.iter().any(|a| {
        matches!(a, Action::Open { url, protocols: p }
            if Some(url) == snapshot.url.as_ref() && *p == protocols.clone().unwrap_or_default())
    });
    let due = snapshot.open_at.is_some_and(|at| at <= NOW);
    if due != as_stored {
        fail(
            "open at",
            format!("openAt {:?} but {actions:?}", snapshot.open_at),
        );
    }
}

fn fail(invariant: &str, detail: String) -> ! {
    panic!("invariant `{invariant}` broken: {detail}");
}

fn drain(conn: &mut Connection) -> Vec<Action> {
    std::iter::from_fn(|| conn.poll_action()).collect()
}

fn restore(snapshot: &Snapshot, secret: Option<String>) {
    let now = Timestamp(NOW);
    let mut conn = Connection::new();
    let fresh = conn.snapshot();
    let refs: Vec<Option<Vec<u8>>> = snapshot
        .outbox
        .iter()
        .map(|m| (m.kind == "binary").then(|| base64(&m.data)).flatten())
        .collect();
    if let Err(e) = conn.restore(now, snapshot.clone(), secret.clone()) {
        if e.kind() != "corrupt_snapshot" {
            fail(
                "refused cleanly",
                format!("error {e:?} is not a corrupt snapshot"),
            );
        }
        let (actions, event) = (drain(&mut conn), conn.poll_event());
        if !actions.is_empty() || event.is_some() || conn.snapshot() != fresh {
            fail(
                "refused cleanly",
                format!("{e} but {actions:?}, {event:?}, {:?}", conn.snapshot()),
            );
        }
        if conn.poll_timeout().is_some() || conn.state() != ConnState::Idle {
            fail("refused cleanly", format!("{e} but the connection moved"));
        }
        return;
    }
    let actions = drain(&mut conn);
    let opens = actions
        .iter()
        .filter(|a| matches!(a, Action::Open { .. }))
        .count();
    let state = conn.state();
    let expected = if snapshot.intent == Intent::Closed {
        if snapshot.url.is_some() {
            ConnState::Closed
        } else {
            ConnState::Idle
        }
    } else if snapshot.gave_up {
        ConnState::GaveUp
    } else if snapshot.next_attempt_at.is_some_and(|at| at > NOW) {
        ConnState::Backoff
    } else if snapshot.sleep_until.is_some_and(|at| at > NOW) {
        ConnState::Sleeping
    } else {
        ConnState::Connecting
    };
    if state != expected || opens != usize::from(state == ConnState::Connecting) {
        fail(
            "restored as stored",
            format!("state {state:?} (expected {expected:?}) with {opens} Open actions"),
        );
    }
    if conn.poll_timeout().is_some_and(|at| at < now) {
        fail("restored as stored", "a deadline in the past".into());
    }
    let entries: Vec<_> = conn.outbox().cloned().collect();
    if entries.len() != snapshot.outbox.len() {
        fail("restored as stored", "the outbox changed size".into());
    }
    for ((entry, stored), reference) in entries.iter().zip(&snapshot.outbox).zip(&refs) {
        let same = entry.id == stored.id
            && entry.reliable == stored.reliable
            && entry.sent == stored.reliable
            && entry.message.kind() == stored.kind
            && match &entry.message {
                Message::Text(text) | Message::Json(text) => *text == stored.data,
                Message::Binary(bytes) => reference.as_ref() == Some(bytes),
            };
        if !same {
            fail("restored as stored", format!("{entry:?} from {stored:?}"));
        }
    }
    if refs
        .iter()
        .zip(&snapshot.outbox)
        .any(|(r, m)| m.kind == "binary" && r.is_none())
    {
        fail(
            "restored as stored",
            "base64 the reference refuses was accepted".into(),
        );
    }

    // What it snapshots now restores again to the same.
    let first = conn.snapshot();
    if !in_range(&first) {
        // Restoring counted past the limit (it was stored at the very edge).
        return;
    }
    let mut again = Connection::new();
    if let Err(e) = again.restore(now, first.clone(), secret) {
        fail(
            "restored as stored",
            format!("its own snapshot is refused: {e}"),
        );
    }
    open_at(&first, &drain(&mut again));
    let mut second = again.snapshot();
    // A restore reserves the next block of ids (see the id rule in the core).
    let reserved = first.next_id.saturating_add(ID_BLOCK).min(1 << 53);
    if second.next_id != reserved {
        fail(
            "restored as stored",
            format!(
                "nextId {} restores as {}, expected {reserved}",
                first.next_id, second.next_id
            ),
        );
    }
    second.next_id = first.next_id;
    let opened = u64::from(state == ConnState::Connecting);
    if second.counters.connects != first.counters.connects + opened
        || second.counters.reconnects != first.counters.reconnects + opened
    {
        fail("restored as stored", "connect counters".into());
    }
    second.counters = first.counters.clone();
    if second != first {
        fail(
            "restored as stored",
            format!("{first:?} restores as {second:?}"),
        );
    }

    flush::check(&mut conn, state, &first, &entries, snapshot);
}
