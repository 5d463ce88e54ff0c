//! Records as JSON text, through the core's codec (the field lists the
//! shell ships) and serde_json for the text.

use sw_websocket::core::codec::{decode, encode, Record, Value};

/// `record` as JSON text, written as the shell writes it.
pub fn to_json<R: Record + Default + Clone>(record: &R) -> String {
    let value: Value = encode(&mut record.clone());
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// A record read from JSON text as the shell reads it from a JS value.
pub fn from_json<R: Record + Default>(text: &str) -> Result<R, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    decode(&value)
}
