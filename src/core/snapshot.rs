//! The persisted state: versioned, migrated, checked before use.

use crate::core::outbox::OutboxEntry;
use crate::core::{CloseInfo, Counters, Error, ErrorInfo, Message, Options};
use serde::{Deserialize, Serialize};

/// The snapshot layout this version writes.
pub const SNAPSHOT_VERSION: u32 = 2;

/// Everything needed to come back after the worker was stopped. Secrets
/// (`authToken`) are not in it: the shell keeps them in `chrome.storage.session`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Snapshot {
    /// Always [`SNAPSHOT_VERSION`].
    pub version: u32,
    /// "open" after `connect`, "closed" after `close` (or a fatal close).
    pub intent: String,
    /// The URL of the connection.
    pub url: Option<String>,
    /// The connect options, without secrets.
    pub options: Options,
    /// Reconnect attempts since the last stable connection.
    pub attempt: u32,
    /// When the next attempt is due (ms since the epoch), while in backoff.
    pub next_attempt_at: Option<u64>,
    /// Whether the retry limit ran out.
    pub gave_up: bool,
    /// The counters.
    pub counters: Counters,
    /// The next outbox id.
    pub next_id: u64,
    /// The outbox, in order.
    pub outbox: Vec<StoredMessage>,
    /// How the last socket closed.
    pub last_close: Option<CloseInfo>,
    /// The last error.
    pub last_error: Option<ErrorInfo>,
}

/// An outbox entry as stored: binary data in base64.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StoredMessage {
    /// The entry's id.
    pub id: u64,
    /// "text", "json" or "binary".
    pub kind: String,
    /// The text, or base64 for binary.
    pub data: String,
    /// Kept until acknowledged.
    pub reliable: bool,
}

/// The first, pre-release layout: intent, URL and a text-only outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotV1 {
    /// Always 1.
    pub version: u32,
    /// "open" or "closed".
    pub intent: String,
    /// The URL.
    pub url: Option<String>,
    /// Queued text messages.
    #[serde(default)]
    pub outbox: Vec<String>,
}

impl SnapshotV1 {
    /// The same state in the current layout.
    pub fn migrate(self) -> Snapshot {
        let outbox: Vec<StoredMessage> = self
            .outbox
            .into_iter()
            .zip(1u64..)
            .map(|(data, id)| StoredMessage {
                id,
                kind: "text".into(),
                data,
                reliable: false,
            })
            .collect();
        Snapshot {
            version: SNAPSHOT_VERSION,
            intent: self.intent,
            url: self.url,
            options: Options::default(),
            attempt: 0,
            next_attempt_at: None,
            gave_up: false,
            counters: Counters::default(),
            next_id: outbox.len() as u64 + 1,
            outbox,
            last_close: None,
            last_error: None,
        }
    }
}

impl StoredMessage {
    pub(crate) fn from_entry(entry: &OutboxEntry) -> StoredMessage {
        let data = match &entry.message {
            Message::Text(text) | Message::Json(text) => text.clone(),
            Message::Binary(bytes) => base64_encode(bytes),
        };
        StoredMessage {
            id: entry.id,
            kind: entry.message.kind().into(),
            data,
            reliable: entry.reliable,
        }
    }

    /// Back to an outbox entry; reliable entries count as sent (resends say `dup`).
    pub(crate) fn to_entry(&self) -> Result<OutboxEntry, Error> {
        Ok(OutboxEntry {
            id: self.id,
            message: Message::from_kind(&self.kind, self.data.clone())?,
            reliable: self.reliable,
            sent: self.reliable,
        })
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(
                    ALPHABET.get(index as usize).copied().unwrap_or(b'A'),
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 with padding; anything else is a corrupt snapshot.
pub(crate) fn base64_decode(text: &str) -> Result<Vec<u8>, Error> {
    let bad = || Error::CorruptSnapshot("invalid base64 in the outbox".into());
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (index, chunk) in bytes.chunks(4).enumerate() {
        let last = index + 1 == bytes.len() / 4;
        let mut n: u32 = 0;
        let mut pad = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let v = match c {
                b'=' if last && i >= 2 => {
                    pad += 1;
                    0
                }
                _ if pad > 0 => return Err(bad()),
                _ => ALPHABET.iter().position(|&a| a == c).ok_or_else(bad)? as u32,
            };
            n = (n << 6) | v;
        }
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(decoded.get(..3 - pad).ok_or_else(bad)?);
    }
    Ok(out)
}
