//! The room's side of `sw.ack`: each ack in the socket's attachment at once,
//! and in storage per client id ([`Reader`]) with the room's next write of
//! acks (one write for all its sockets, at most every
//! [`inbound::ACK_WRITE_MS`]), or when the socket resumes or closes.

use super::log::{attachment, load_meta, MAX_KEYS};
use super::Room;
use crate::inbound::{self, Reader};
use crate::protocol::Attachment;
use std::collections::BTreeMap;
use worker::js_sys::{Date, Object, Reflect};
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Result, Storage, WebSocket};

/// What the room keeps of a socket's client: from storage for a client id
/// (without the socket's own ack, which may be newer); nothing without one.
pub(super) async fn stored_reader(storage: &Storage, att: &Attachment) -> Result<Reader> {
    let Some(client) = &att.client else {
        return Ok(Reader::default());
    };
    let key = inbound::reader_key(client);
    let text = storage.get::<String>(&key).await?;
    Ok(text
        .map(|text| Reader::from_json(&text))
        .unwrap_or_default())
}

/// Writes a socket's client's [`Reader`] to storage (nothing without a
/// client id: the attachment holds its ack) and notes in `att` (to
/// serialize) that its ack is stored.
pub(super) async fn write_reader(
    storage: &Storage,
    att: &mut Attachment,
    reader: Reader,
) -> Result<()> {
    if let Some(client) = &att.client {
        let key = inbound::reader_key(client);
        storage.put(&key, reader.to_json()).await?;
        att.ack_stored = att.acked;
    }
    Ok(())
}

impl Room {
    /// `sw.ack` of `id`: in the socket's attachment; the room's acks go to
    /// storage if their write is due.
    pub(super) async fn ack(&self, ws: &WebSocket, id: u64) -> Result<()> {
        let mut att = attachment(ws);
        if id <= att.acked {
            return Ok(()); // cumulative: nothing new
        }
        att.acked = id;
        ws.serialize_attachment(&att)?;
        if att.client.is_some() && inbound::ack_write_due(self.acks_written_ms.get(), Date::now()) {
            self.write_acks().await?;
        }
        Ok(())
    }

    /// Writes the new acks of every socket with a client id, in one write.
    async fn write_acks(&self) -> Result<()> {
        self.acks_written_ms.set(Date::now());
        let storage = self.state.storage();
        let Some(meta) = load_meta(&storage).await? else {
            return Ok(());
        };
        let mut due = Vec::new();
        let mut acks: BTreeMap<String, u64> = BTreeMap::new();
        for socket in self.sockets() {
            let att = attachment(&socket);
            if let (Some(client), true) = (&att.client, att.acked > att.ack_stored) {
                let ack = acks.entry(inbound::reader_key(client)).or_default();
                *ack = (*ack).max(att.acked);
                due.push((socket, att));
            }
        }
        let keys: Vec<&str> = acks.keys().map(String::as_str).collect();
        let mut stored = BTreeMap::new();
        for chunk in keys.chunks(MAX_KEYS) {
            let found = storage.get_multiple(chunk.to_vec()).await?;
            found.for_each(&mut |value, key| {
                if let (Some(key), Some(value)) = (key.as_string(), value.as_string()) {
                    stored.insert(key, Reader::from_json(&value));
                }
            });
        }
        let mut changed = Vec::new();
        for (key, acked) in &acks {
            let mut reader = stored.get(key).copied().unwrap_or_default();
            if reader.ack(*acked, meta.last()) {
                changed.push((key, reader.to_json()));
            }
        }
        // Every put before any await: the runtime commits them together.
        let raw = storage.as_raw();
        let mut puts = Vec::new();
        for chunk in changed.chunks(MAX_KEYS) {
            let values = Object::new();
            for (key, reader) in chunk {
                Reflect::set(&values, &JsValue::from_str(key), &JsValue::from_str(reader))?;
            }
            puts.push(raw.put_multiple(values.into())?);
        }
        for put in puts {
            JsFuture::from(put).await?;
        }
        for (socket, mut att) in due {
            att.ack_stored = att.acked;
            // A socket that closed takes no attachment: its close writes its ack.
            let _ = socket.serialize_attachment(&att);
        }
        Ok(())
    }

    /// A socket closed or failed: its client's ack, and if it was resumed,
    /// that every logged message so far was sent to it (for `dup`).
    pub(super) async fn left(&self, ws: &WebSocket) -> Result<()> {
        let mut att = attachment(ws);
        if att.client.is_none() || !(att.resumed || att.acked > att.ack_stored) {
            return Ok(());
        }
        let storage = self.state.storage();
        let Some(meta) = load_meta(&storage).await? else {
            return Ok(());
        };
        let stored = stored_reader(&storage, &att).await?;
        let mut reader = stored;
        reader.ack(att.acked, meta.last());
        if att.resumed {
            reader.seen(meta.last());
        }
        if reader == stored {
            return Ok(());
        }
        write_reader(&storage, &mut att, reader).await
    }
}
