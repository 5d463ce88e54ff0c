//! The messages that travel over the socket.

use crate::core::base64;
use crate::core::Error;

/// One WebSocket data message. Its variant is its kind, and this enum is the
/// only place the kind lives: [`Message::kind`] names it and `from_kind`
/// (inside the crate) reads the name back; the outbox listing and the stored
/// snapshot use them, reliable frames match on the variant.
///
/// `Json` is a text whose content is JSON (what `sendJson` sends): it goes on
/// the wire as a text frame, like `Text`, but a reliable frame embeds it as
/// it is where it quotes a `Text`. Received messages are only `Text` or
/// `Binary`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A text message.
    Text(String),
    /// A text message whose content is JSON.
    Json(String),
    /// A binary message.
    Binary(Vec<u8>),
}

impl Message {
    /// The payload's size in bytes (UTF-8 bytes for text).
    pub fn len(&self) -> usize {
        match self {
            Message::Text(text) | Message::Json(text) => text.len(),
            Message::Binary(bytes) => bytes.len(),
        }
    }

    /// Whether the payload is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text, when this is a text (or JSON) message.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Message::Text(text) | Message::Json(text) => Some(text),
            Message::Binary(_) => None,
        }
    }

    /// The name of its kind: "text", "json" or "binary".
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Text(_) => "text",
            Message::Json(_) => "json",
            Message::Binary(_) => "binary",
        }
    }

    /// The message of the kind `kind` names (as [`Message::kind`] gives
    /// it), from its stored form `data`: the text, or for binary standard
    /// base64. An unknown kind or bad base64 is a corrupt snapshot.
    pub(crate) fn from_kind(kind: &str, data: String) -> Result<Message, Error> {
        Ok(match kind {
            "text" => Message::Text(data),
            "json" => Message::Json(data),
            "binary" => Message::Binary(base64::decode(&data)?),
            other => {
                return Err(Error::CorruptSnapshot(format!(
                    "unknown message kind {}",
                    crate::core::json::quote(other)
                )))
            }
        })
    }
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Message::Text(text)
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Message::Text(text.to_owned())
    }
}

impl From<Vec<u8>> for Message {
    fn from(bytes: Vec<u8>) -> Self {
        Message::Binary(bytes)
    }
}
