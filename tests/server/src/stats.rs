//! What the server saw, per connection, and the channels to reach live ones.

use crate::args::Args;
use crate::inbound;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

mod inbound_hub;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A command for one live connection's task.
#[derive(Debug)]
pub enum Command {
    /// Send this text message.
    Text(String),
    /// Send this binary message.
    Binary(Vec<u8>),
    /// Close with this code and reason.
    Close(u16, String),
}

/// One connection's record.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnRecord {
    pub id: u64,
    pub path: String,
    pub tag: Option<String>,
    pub opened_at: u64,
    pub closed_at: Option<u64>,
    pub close_code: Option<u16>,
    pub close_reason: Option<String>,
    /// Data frames received, keepalives and inbound protocol frames included.
    pub frames: u64,
    /// Application messages received (keepalives and `sw.resume` / `sw.ack` excluded).
    pub messages: u64,
    pub keepalives: u64,
    /// `sw.resume` and `sw.ack` frames received (not echoed, not in `lastTexts`).
    pub inbound_frames: u64,
    pub text_messages: u64,
    pub binary_messages: u64,
    /// Messages that came compressed (permessage-deflate, `/deflate` only).
    pub compressed_messages: u64,
    pub bytes: u64,
    pub last_frame_at: u64,
    /// The largest time between the open and the first frame, or between frames.
    pub max_gap_ms: u64,
    /// For a live connection, the time since the last frame (or the open).
    pub current_gap_ms: u64,
    /// The last text messages received (at most 1000, keepalives excluded).
    pub last_texts: Vec<String>,
}

impl ConnRecord {
    /// Counts a data frame of `len` bytes received at `now`.
    fn touch(&mut self, now: u64, len: usize) {
        self.max_gap_ms = self.max_gap_ms.max(now.saturating_sub(self.last_frame_at));
        self.last_frame_at = now;
        self.frames += 1;
        self.bytes += len as u64;
    }
}

/// Shared server state.
pub struct Hub {
    pub args: Args,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    records: Vec<ConnRecord>,
    live: HashMap<u64, mpsc::UnboundedSender<Command>>,
    reliable: HashMap<String, Reliable>,
    /// The inbound reliable store of each tag (untagged: `""`).
    inbound: HashMap<String, inbound::Store>,
    /// The live connections that sent `sw.resume`, with their tag.
    resumed: HashMap<u64, String>,
}

/// Reliable frames received under one tag, across connections.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Reliable {
    /// Every frame as `[id, dup]`, in arrival order.
    pub frames: Vec<(u64, bool)>,
    /// The data of each id, delivered once, in first-arrival order.
    pub delivered: Vec<serde_json::Value>,
    #[serde(skip)]
    seen: std::collections::HashSet<u64>,
}

impl Hub {
    pub fn new(args: Args) -> Self {
        Hub {
            args,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut guard = match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Records a new connection and returns its id.
    pub fn open(
        &self,
        path: String,
        tag: Option<String>,
        tx: mpsc::UnboundedSender<Command>,
    ) -> u64 {
        let now = now_ms();
        self.with(|inner| {
            inner.next_id += 1;
            let id = inner.next_id;
            inner.records.push(ConnRecord {
                id,
                path,
                tag,
                opened_at: now,
                closed_at: None,
                close_code: None,
                close_reason: None,
                frames: 0,
                messages: 0,
                keepalives: 0,
                inbound_frames: 0,
                text_messages: 0,
                binary_messages: 0,
                compressed_messages: 0,
                bytes: 0,
                last_frame_at: now,
                max_gap_ms: 0,
                current_gap_ms: 0,
                last_texts: Vec::new(),
            });
            inner.live.insert(id, tx);
            id
        })
    }

    /// Records a data frame; `text` is `None` for binary.
    pub fn frame(&self, id: u64, text: Option<&str>, len: usize) {
        let now = now_ms();
        let keepalive = text == Some(self.args.keepalive_text.as_str());
        self.with(|inner| {
            let Some(rec) = inner.records.iter_mut().find(|r| r.id == id) else {
                return;
            };
            rec.touch(now, len);
            if keepalive {
                rec.keepalives += 1;
                return;
            }
            rec.messages += 1;
            match text {
                Some(text) => {
                    rec.text_messages += 1;
                    if rec.last_texts.len() == 1000 {
                        rec.last_texts.remove(0);
                    }
                    rec.last_texts.push(text.chars().take(200).collect());
                }
                None => rec.binary_messages += 1,
            }
        });
    }

    /// Counts a message of connection `id` that came compressed.
    pub fn compressed(&self, id: u64) {
        self.with(|inner| {
            if let Some(rec) = inner.records.iter_mut().find(|r| r.id == id) {
                rec.compressed_messages += 1;
            }
        });
    }

    /// Records a reliable frame; the data of each id is delivered once.
    pub fn reliable(&self, tag: Option<&str>, msg_id: u64, dup: bool, data: serde_json::Value) {
        self.with(|inner| {
            let log = inner
                .reliable
                .entry(tag.unwrap_or_default().to_owned())
                .or_default();
            log.frames.push((msg_id, dup));
            if log.seen.insert(msg_id) {
                log.delivered.push(data);
            }
        })
    }

    /// Records the end of a connection.
    pub fn close(&self, id: u64, code: Option<u16>, reason: Option<String>) {
        let now = now_ms();
        self.with(|inner| {
            inner.live.remove(&id);
            inner.resumed.remove(&id);
            if let Some(rec) = inner.records.iter_mut().find(|r| r.id == id) {
                if rec.closed_at.is_none() {
                    rec.closed_at = Some(now);
                    rec.close_code = code;
                    rec.close_reason = reason;
                }
            }
        });
    }

    /// Sends a command to every live connection (or those with `tag`); returns how many.
    pub fn broadcast(&self, tag: Option<&str>, make: impl Fn() -> Command) -> usize {
        self.with(|inner| {
            let wanted: Vec<u64> = inner
                .records
                .iter()
                .filter(|r| r.closed_at.is_none() && (tag.is_none() || r.tag.as_deref() == tag))
                .map(|r| r.id)
                .collect();
            wanted
                .iter()
                .filter_map(|id| inner.live.get(id))
                .filter(|tx| tx.send(make()).is_ok())
                .count()
        })
    }

    /// How many connections were made (with `tag`, or in all).
    pub fn connections(&self, tag: Option<&str>) -> usize {
        self.with(|inner| {
            inner
                .records
                .iter()
                .filter(|r| tag.is_none() || r.tag.as_deref() == tag)
                .count()
        })
    }

    /// The stats document, for all connections or those with `tag`.
    pub fn stats(&self, tag: Option<&str>) -> serde_json::Value {
        let now = now_ms();
        self.with(|inner| {
            let records: Vec<ConnRecord> = inner
                .records
                .iter()
                .filter(|r| tag.is_none() || r.tag.as_deref() == tag)
                .cloned()
                .map(|mut r| {
                    if r.closed_at.is_none() {
                        r.current_gap_ms = now.saturating_sub(r.last_frame_at);
                    }
                    r
                })
                .collect();
            let reliable = tag
                .and_then(|t| inner.reliable.get(t))
                .cloned()
                .unwrap_or_default();
            let inbound = inner
                .inbound
                .get(tag.unwrap_or_default())
                .cloned()
                .unwrap_or_default();
            serde_json::json!({
                "now": now,
                "reliable": reliable,
                "inbound": inbound,
                "connections": records.len(),
                "openNow": records.iter().filter(|r| r.closed_at.is_none()).count(),
                "messages": records.iter().map(|r| r.messages).sum::<u64>(),
                "keepalives": records.iter().map(|r| r.keepalives).sum::<u64>(),
                "perConnection": records,
            })
        })
    }
}
