//! The log's bookkeeping ([`Meta`]: which ids it holds and their size) and
//! the frames of a replay ([`replay`]).

use super::{gap_frame, msg_frame, Entry, LOG_MAX_BYTES, LOG_MAX_MESSAGES};
use crate::protocol::MAX_ID;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::future::Future;

/// The first id of a new log: `now_ms` (the time, milliseconds since the
/// epoch) times 1000, at least 1 (the client takes no id 0). Until the year
/// 2255 this is below 2^53 / 2, which leaves the log more ids than it can use.
pub fn first_id(now_ms: f64) -> u64 {
    let ms = if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as u64
    } else {
        0
    };
    ms.saturating_mul(1000).clamp(1, MAX_ID / 2)
}

/// The log's bookkeeping, stored under [`super::META_KEY`]. Ids `first` to
/// `next - 1` are in the log (an entry may be missing or a mark: a replay
/// reports those as gaps); ids from `base` to `first - 1` were given and
/// trimmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The first id this log gave.
    pub base: u64,
    /// The oldest id it still holds.
    pub first: u64,
    /// The id the next message gets.
    pub next: u64,
    /// The size of the entries it holds (their `data`).
    pub bytes: u64,
}

impl Meta {
    /// An empty log; see [`first_id`].
    pub fn new(now_ms: f64) -> Self {
        let base = first_id(now_ms);
        Meta {
            base,
            first: base,
            next: base,
            bytes: 0,
        }
    }

    /// Reads the stored form; `None` if it is not a consistent one.
    pub fn from_json(text: &str) -> Option<Self> {
        let meta: Meta = serde_json::from_str(text).ok()?;
        let ordered = 1 <= meta.base && meta.base <= meta.first && meta.first <= meta.next;
        (ordered && meta.next <= MAX_ID + 1).then_some(meta)
    }

    /// The stored form.
    pub fn to_json(self) -> String {
        serde_json::to_string(&self).unwrap_or_default()
    }

    /// The last id given (`base - 1` while none was).
    pub fn last(&self) -> u64 {
        self.next - 1
    }

    /// How many ids the log holds.
    pub fn len(&self) -> u64 {
        self.next - self.first
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Gives the next id to an entry of `size` bytes; `None` once the ids ran
    /// out (after [`MAX_ID`]).
    pub fn push(&mut self, size: u64) -> Option<u64> {
        if self.next > MAX_ID {
            return None;
        }
        let id = self.next;
        self.next += 1;
        self.bytes = self.bytes.saturating_add(size);
        Some(id)
    }

    /// Whether the oldest entry must go: the log is over a bound and holds
    /// more than the newest entry (which stays, whatever its size).
    pub fn needs_trim(&self) -> bool {
        self.len() > 1 && (self.len() > LOG_MAX_MESSAGES || self.bytes > LOG_MAX_BYTES)
    }

    /// Drops the oldest entry, of `size` bytes.
    pub fn drop_first(&mut self, size: u64) {
        if !self.is_empty() {
            self.first += 1;
            self.bytes = self.bytes.saturating_sub(size);
        }
    }

    /// The ids a resume after `after` reads: from `after + 1` (or `first`)
    /// to `next - 1`; empty (never reversed) when `after` is at or above the
    /// last id.
    pub fn resume_range(&self, after: u64) -> std::ops::Range<u64> {
        let start = after.saturating_add(1).max(self.first);
        start..self.next.max(start)
    }
}

/// Drops the oldest entries while [`Meta::needs_trim`]; `size_of(id)` reads
/// the size of entry `id` (0 if it is missing). Returns the ids dropped, whose
/// entries the caller deletes when it stores the new `meta`.
pub async fn trim<E, F, Fut>(meta: &mut Meta, mut size_of: F) -> Result<Vec<u64>, E>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<u64, E>>,
{
    let mut dropped = Vec::new();
    while meta.needs_trim() {
        let id = meta.first;
        meta.drop_first(size_of(id).await?);
        dropped.push(id);
    }
    Ok(dropped)
}

/// The frames that answer `sw.resume` after `after`, in order: every entry
/// above it that `me` (the resuming connection's [`crate::protocol::Attachment::sender`])
/// did not send, as `sw.msg` (`dup` up to `dup_upto`), and a `sw.gap` for each
/// run of ids it cannot send (trimmed, marks of messages too long to keep,
/// missing entries) before the next message, or last with the next id.
/// Entries of `me` are skipped without a gap. `stored` holds the entries of
/// [`Meta::resume_range`] by id.
pub fn replay(
    meta: &Meta,
    after: u64,
    stored: &BTreeMap<u64, String>,
    me: Option<&str>,
    dup_upto: u64,
) -> Vec<String> {
    let mut frames = Vec::new();
    let range = meta.resume_range(after);
    // Ids above `after` that this log gave and trimmed.
    let trimmed = after.saturating_add(1).max(meta.base) < meta.first;
    let mut gap = trimmed.then_some(after);
    for id in range {
        let entry = stored.get(&id).map(|s| Entry::decode(s));
        match entry {
            Some(Entry { sender, .. }) if me.is_some_and(|me| me == sender) => {}
            Some(Entry {
                data: Some(data), ..
            }) => {
                if let Some(after) = gap.take() {
                    frames.push(gap_frame(after, id));
                }
                frames.push(msg_frame(id, id <= dup_upto, data));
            }
            _ => {
                gap.get_or_insert(id - 1);
            }
        }
    }
    if let Some(after) = gap {
        frames.push(gap_frame(after, meta.next));
    }
    frames
}
