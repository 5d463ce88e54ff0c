//! Bytes as a stored snapshot: JSON decoded by the decoder the shell ships
//! (`Snapshot::from_stored`: `version` 1 migrated, 2 read, anything else
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
//! - `flush order`: on open, the restored outbox goes out in id order,
//!   reliable entries as `dup: true` frames; a send after it gets an id at
//!   or above the stored `nextId` (ids below it may have reached the wire).

use crate::json::{from_json, to_json};
use sw_websocket::core::codec::Value;
use sw_websocket::core::{
    parse_ack, Action, ConnState, Connection, Intent, Message, SendOptions, Sent, Snapshot,
    Timestamp, ACK_MARK, ID_BLOCK,
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

    // On open, the outbox goes out in order.
    if state == ConnState::Connecting {
        conn.handle_open(Timestamp(NOW + 1));
        let frames: Vec<Message> = drain(&mut conn)
            .into_iter()
            .filter_map(|a| match a {
                Action::Send(m) => Some(m),
                _ => None,
            })
            .collect();
        let auth_first = conn.secret().is_some() && first.options.auth_query_param.is_none();
        let frames = match frames.split_first() {
            Some((auth, rest)) if auth_first => {
                if !auth
                    .as_text()
                    .is_some_and(|t| t.starts_with("{\"type\":\"sw.auth\""))
                {
                    fail(
                        "flush order",
                        format!("{auth:?} sent before the auth frame"),
                    );
                }
                rest
            }
            _ => &frames[..],
        };
        if frames.len() != entries.len() {
            fail(
                "flush order",
                format!("{} frames for {} entries", frames.len(), entries.len()),
            );
        }
        for (frame, entry) in frames.iter().zip(&entries) {
            let ok = if entry.reliable {
                let head = format!("{{\"type\":\"sw.msg\",\"id\":{},\"dup\":true,", entry.id);
                frame.as_text().is_some_and(|t| t.starts_with(&head))
            } else {
                *frame == entry.message
            };
            if !ok {
                fail("flush order", format!("{frame:?} sent for {entry:?}"));
            }
        }
    }
    // The id rule: every id below the stored nextId may be on the wire.
    let last = snapshot.next_id.saturating_sub(1);
    let how = SendOptions {
        reliable: Some(true),
    };
    match conn.send(Timestamp(NOW + 2), "after".into(), how) {
        Ok(Sent::Queued { id, .. } | Sent::Reliable { id, .. }) if id <= last => fail(
            "flush order",
            format!("a send after the restore got id {id} <= {last}"),
        ),
        _ => {}
    }
    let after = conn.snapshot();
    if !in_range(&after) {
        return;
    }
    if let Err(e) = Connection::new().restore(Timestamp(NOW + 2), after, None) {
        fail(
            "restored as stored",
            format!("the snapshot after a send is refused: {e}"),
        );
    }
}

/// Whether `nextId - 1` and the counters are at most 2^53 - 1, as `restore`
/// requires (JS numbers are exact up to there). A snapshot stored at that
/// edge can be restored, count one more connect or send, and write one that
/// is refused; getting there from zero takes 2^53 events.
fn in_range(snapshot: &Snapshot) -> bool {
    let c = &snapshot.counters;
    [
        snapshot.next_id.wrapping_sub(1),
        c.worker_starts,
        c.connects,
        c.reconnects,
        c.sent,
        c.received,
        c.keepalives,
    ]
    .iter()
    .all(|&n| n < 1 << 53)
}

/// A reference decoder: standard base64, padded, pad bits ignored.
fn base64(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let body = bytes
        .strip_suffix(b"==")
        .or_else(|| bytes.strip_suffix(b"="));
    let pad = bytes.len() - body.map_or(bytes.len(), <[u8]>::len);
    let body = body.unwrap_or(bytes);
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in body {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // "==" leaves 4 stray bits, "=" leaves 2; a single char after them is invalid.
    let ok = match pad {
        0 => bits == 0,
        1 => bits == 2,
        _ => bits == 4,
    };
    ok.then_some(out)
}
