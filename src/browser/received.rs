//! The last received messages, remembered for `received()`.

use crate::browser::js::convert::object;
use crate::core::Timestamp;
use js_sys::{Array, ArrayBuffer, JsString};
use std::collections::VecDeque;
use wasm_bindgen::{JsCast, JsValue};

/// How many received messages are remembered.
const RECENT_LIMIT: usize = 50;
/// Longest text `received()` gives per message, in UTF-16 units.
const RECENT_TEXT_CHARS: usize = 1000;
/// Longest text remembered as it is (no copy on the hot path; at most 50 of
/// them, 400 KiB); of a longer one only the head is copied out.
const RECENT_WHOLE_CHARS: usize = 4096;

/// A received message as remembered.
struct Recent {
    at: Timestamp,
    /// The text (its head, for a long one); `None` for binary.
    text: Option<JsValue>,
    /// UTF-16 units of a text, bytes of a binary message.
    length: usize,
}

/// The last [`RECENT_LIMIT`] received messages, oldest first.
#[derive(Default)]
pub(crate) struct Received {
    recent: VecDeque<Recent>,
}

impl Received {
    /// Remembers a received message: `data` as listeners get it. A text of
    /// up to `RECENT_WHOLE_CHARS` is kept as it is (no copy), the head of a
    /// longer one copied out (a slice would keep it all alive).
    pub(crate) fn remember(&mut self, at: Timestamp, data: &JsValue, binary: bool) {
        let (text, length) = if binary {
            let bytes = data.unchecked_ref::<ArrayBuffer>().byte_length();
            (None, bytes as usize)
        } else {
            // A message sorted as text by `glue.js` is a string.
            let text = data.unchecked_ref::<JsString>();
            let length = text.length() as usize;
            let kept = if length <= RECENT_WHOLE_CHARS {
                Some(data.clone())
            } else {
                text.substring(0, RECENT_TEXT_CHARS as u32)
                    .as_string()
                    .map(|head| JsValue::from_str(&head))
            };
            (kept, length)
        };
        if self.recent.len() >= RECENT_LIMIT {
            self.recent.pop_front();
        }
        self.recent.push_back(Recent { at, text, length });
    }

    /// The last `limit` of them, newest last, each `{at, type: "text", data,
    /// length}` (the first `RECENT_TEXT_CHARS` UTF-16 units of `data`) or
    /// `{at, type: "binary", bytes}`.
    pub(crate) fn to_js(&self, limit: usize) -> Array {
        let skip = self.recent.len().saturating_sub(limit);
        self.recent
            .iter()
            .skip(skip)
            .map(|r| {
                let at = JsValue::from_f64(r.at.as_millis() as f64);
                let length = JsValue::from_f64(r.length as f64);
                match &r.text {
                    Some(text) => object(&[
                        ("at", at),
                        ("type", "text".into()),
                        ("data", head(text)),
                        ("length", length),
                    ]),
                    None => object(&[("at", at), ("type", "binary".into()), ("bytes", length)]),
                }
            })
            .collect()
    }
}

/// The first `RECENT_TEXT_CHARS` UTF-16 units of a remembered text.
fn head(text: &JsValue) -> JsValue {
    text.unchecked_ref::<JsString>()
        .substring(0, RECENT_TEXT_CHARS as u32)
        .into()
}
