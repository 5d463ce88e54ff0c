//! The hub's side of the inbound reliable protocol (the wire is in
//! [`crate::inbound`]): one store per tag, kept across connections, and the
//! live connections that sent `sw.resume`.
//!
//! Every frame for a connection goes through its command channel while the
//! hub's lock is held, so a resume's replay and new pushes keep id order.

use super::{now_ms, Command, Hub};
use crate::inbound::ClientFrame;
use serde::Serialize;

/// What `/control/push?reliable=1` did.
#[derive(Debug, Serialize)]
pub struct Pushed {
    /// The id of the first message stored (`null` for `count=0`).
    pub first: Option<u64>,
    /// The id of the last message stored (`null` for `count=0`).
    pub last: Option<u64>,
    /// How many resumed connections of the tag they were sent to at once.
    pub live: usize,
}

/// What `/control/forget` did.
#[derive(Debug, Serialize)]
pub struct Forgot {
    /// How many stored messages were forgotten.
    pub forgotten: usize,
    /// How many are still stored.
    pub stored: usize,
}

impl Hub {
    /// Counts a `sw.resume` / `sw.ack` frame of `len` bytes from connection
    /// `id` of `tag` and acts on it: a resume replays the stored messages
    /// above its `after` to that connection and makes it live for pushes; an
    /// ack drops the messages it covers.
    pub fn inbound_frame(&self, id: u64, tag: Option<&str>, frame: ClientFrame, len: usize) {
        let now = now_ms();
        let key = tag.unwrap_or_default();
        self.with(|inner| {
            if let Some(rec) = inner.records.iter_mut().find(|r| r.id == id) {
                rec.touch(now, len);
                rec.inbound_frames += 1;
            }
            let store = inner.inbound.entry(key.to_owned()).or_default();
            match frame {
                ClientFrame::Resume(after) => {
                    let frames = store.resume(after);
                    if let Some(tx) = inner.live.get(&id) {
                        for text in frames {
                            let _ = tx.send(Command::Text(text));
                        }
                        inner.resumed.insert(id, key.to_owned());
                    }
                }
                ClientFrame::Ack(upto) => store.ack(upto),
                ClientFrame::Malformed => store.malformed(),
            }
        })
    }

    /// Stores `texts` for `tag`, in order, and sends each at once to every
    /// live connection of `tag` that resumed (as it is stored: the first
    /// goes out before the last is made, as plain pushes do).
    pub fn inbound_push(&self, tag: &str, texts: impl Iterator<Item = String>) -> Pushed {
        self.with(|inner| {
            let mut live: Vec<u64> = inner
                .resumed
                .iter()
                .filter(|(_, t)| t.as_str() == tag)
                .map(|(conn, _)| *conn)
                .collect();
            live.sort_unstable();
            let senders: Vec<_> = live
                .iter()
                .filter_map(|conn| inner.live.get(conn))
                .collect();
            let store = inner.inbound.entry(tag.to_owned()).or_default();
            let (mut first, mut last) = (None, None);
            for text in texts {
                let id = store.push(text);
                first.get_or_insert(id);
                last = Some(id);
                for tx in &senders {
                    if let Some(frame) = store.send(id) {
                        let _ = tx.send(Command::Text(frame));
                    }
                }
            }
            Pushed {
                first,
                last,
                live: live.len(),
            }
        })
    }

    /// Forgets the stored messages of `tag` with an id up to `up_to`.
    pub fn inbound_forget(&self, tag: &str, up_to: u64) -> Forgot {
        self.with(|inner| {
            let store = inner.inbound.entry(tag.to_owned()).or_default();
            let forgotten = store.forget(up_to);
            Forgot {
                forgotten,
                stored: store.stored(),
            }
        })
    }
}
