//! The `flush order` invariant: on open, the auth frame (when the token goes
//! in a frame), then the resume from the stored inbound position (when
//! `reliableInbound` is on), then the restored outbox in id order, reliable
//! entries as `dup: true` frames; a send after it gets an id at or above the
//! stored `nextId`.

use super::reference::in_range;
use super::{drain, fail, NOW};
use sw_websocket::core::{
    Action, ConnState, Connection, Message, OutboxEntry, SendOptions, Sent, Snapshot, Timestamp,
};

/// Checks what the restored `conn` sends on open, and the id of a send after.
pub(super) fn check(
    conn: &mut Connection,
    state: ConnState,
    first: &Snapshot,
    entries: &[OutboxEntry],
    snapshot: &Snapshot,
) {
    // On open, the outbox goes out in order.
    if state == ConnState::Connecting {
        conn.handle_open(Timestamp(NOW + 1));
        let frames: Vec<Message> = drain(conn)
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
        // Reliable inbound: the resume from the stored position, before the outbox.
        let frames = if first.options.reliable_inbound == Some(true) {
            let resume = format!(
                "{{\"type\":\"sw.resume\",\"after\":{}}}",
                first.inbound_handled
            );
            match frames.split_first() {
                Some((frame, rest)) if frame.as_text() == Some(resume.as_str()) => rest,
                other => fail(
                    "flush order",
                    format!("{:?} sent first, not {resume}", other.map(|(f, _)| f)),
                ),
            }
        } else {
            frames
        };
        if frames.len() != entries.len() {
            fail(
                "flush order",
                format!("{} frames for {} entries", frames.len(), entries.len()),
            );
        }
        for (frame, entry) in frames.iter().zip(entries) {
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
