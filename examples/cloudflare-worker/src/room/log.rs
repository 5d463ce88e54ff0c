//! The room's side of the inbound mode: its log in storage, `sw.resume`,
//! `sw.ack`, and what a leaving socket records. The decisions are in
//! [`crate::inbound`]; this file reads and writes storage and sockets.
//!
//! Each handler awaits storage only: the runtime delivers no other event to
//! the object while a storage call is in flight (its input gate), so an
//! append, a replay and an ack never interleave, and a resumed socket gets
//! its replay before any newer message. Frames sent after a write are held
//! by the runtime until that write is durable (its output gate): no client
//! sees an id the log could lose.

use super::Room;
use crate::inbound::{self, Entry, Meta, Reader};
use crate::protocol::Attachment;
use std::collections::BTreeMap;
use worker::js_sys::{Date, Object, Reflect};
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{console_error, ListOptions, Result, Storage, WebSocket};

/// A socket's attachment; an unreadable one counts as empty.
fn attachment(ws: &WebSocket) -> Attachment {
    ws.deserialize_attachment()
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// The log's bookkeeping; `None` when the room has no log yet (or an
/// unreadable one, which a new log then replaces).
async fn load_meta(storage: &Storage) -> Result<Option<Meta>> {
    let text = storage.get::<String>(inbound::META_KEY).await?;
    Ok(text.and_then(|text| Meta::from_json(&text)))
}

/// The stored entries a resume after `after` sends, by id.
async fn read_entries(storage: &Storage, meta: &Meta, after: u64) -> Result<BTreeMap<u64, String>> {
    let range = meta.resume_range(after);
    let mut entries = BTreeMap::new();
    if range.is_empty() {
        return Ok(entries);
    }
    let (start, end) = (
        inbound::entry_key(range.start),
        inbound::entry_key(range.end),
    );
    let found = storage
        .list_with_options(ListOptions::new().start(&start).end(&end))
        .await?;
    found.for_each(&mut |value, key| {
        let id = key.as_string().and_then(|key| inbound::id_of_key(&key));
        if let (Some(id), Some(value)) = (id, value.as_string()) {
            entries.insert(id, value);
        }
    });
    Ok(entries)
}

/// What the room keeps of a socket's client: in storage for a client id,
/// in the attachment (the ack) without one.
async fn reader(storage: &Storage, att: &Attachment) -> Result<Reader> {
    Ok(match &att.client {
        Some(client) => storage
            .get::<String>(&inbound::reader_key(client))
            .await?
            .map(|text| Reader::from_json(&text))
            .unwrap_or_default(),
        None => Reader {
            acked: att.acked,
            sent: 0,
        },
    })
}

/// Stores `reader` ([`reader`]): in storage for a client id, else in `att`
/// (the caller then serializes it).
async fn store_reader(storage: &Storage, att: &mut Attachment, reader: Reader) -> Result<()> {
    match &att.client {
        Some(client) => {
            storage
                .put(&inbound::reader_key(client), reader.to_json())
                .await
        }
        None => {
            att.acked = reader.acked;
            Ok(())
        }
    }
}

impl Room {
    /// A room message from `from`: `plain` to each other socket that did not
    /// resume, as before the inbound mode; then logged with `data` and sent
    /// as `sw.msg` to each resumed socket but those of its sender.
    pub(super) async fn publish(&self, from: &WebSocket, plain: &str, data: &str) -> Result<()> {
        let sender = attachment(from).sender();
        let mut resumed = Vec::new();
        for socket in self.others(from) {
            let other = attachment(&socket);
            if !other.resumed {
                // A socket that is closing refuses; the others still get it.
                let _ = socket.send_with_str(plain);
            } else if sender.is_none() || other.sender() != sender {
                resumed.push(socket);
            }
        }
        let Some(id) = self.append(sender.as_deref(), data).await? else {
            return Ok(());
        };
        let frame = inbound::msg_frame(id, false, data);
        for socket in resumed {
            let _ = socket.send_with_str(&frame);
        }
        Ok(())
    }

    /// Appends an entry to the log and trims it; its id (`None` once the
    /// ids ran out, which the log reports and then logs nothing).
    async fn append(&self, sender: Option<&str>, data: &str) -> Result<Option<u64>> {
        let storage = self.state.storage();
        let mut meta = match load_meta(&storage).await? {
            Some(meta) => meta,
            None => Meta::new(Date::now()),
        };
        let (entry, size) = inbound::encode_entry(sender, data);
        let Some(id) = meta.push(size) else {
            console_error!("the inbound log ran out of ids");
            return Ok(None);
        };
        let storage_ref = &storage;
        let dropped = inbound::trim(&mut meta, |old| async move {
            let stored = storage_ref.get::<String>(&inbound::entry_key(old)).await?;
            Ok::<u64, worker::Error>(stored.map_or(0, |e| Entry::decode(&e).size()))
        })
        .await?;
        let values = Object::new();
        Reflect::set(&values, &inbound::entry_key(id).into(), &entry.into())?;
        Reflect::set(&values, &inbound::META_KEY.into(), &meta.to_json().into())?;
        // Both calls before any await: the runtime commits them together.
        let raw = storage.as_raw();
        let put = raw.put_multiple(values.into())?;
        let delete = if dropped.is_empty() {
            None
        } else {
            let keys = dropped
                .iter()
                .map(|id| JsValue::from(inbound::entry_key(*id)));
            Some(raw.delete_multiple(keys.collect())?)
        };
        JsFuture::from(put).await?;
        if let Some(delete) = delete {
            JsFuture::from(delete).await?;
        }
        Ok(Some(id))
    }

    /// `sw.resume` after `after`: the log's messages above it (gaps first
    /// where it lost some), then the socket gets new messages as `sw.msg`.
    pub(super) async fn resume(&self, ws: &WebSocket, after: u64) -> Result<()> {
        let storage = self.state.storage();
        let mut att = attachment(ws);
        let mut reader = reader(&storage, &att).await?;
        if let Some(meta) = load_meta(&storage).await? {
            // Sent everything already: this socket (a second resume), or
            // another of its client that is live.
            let live = att.resumed || self.client_live_elsewhere(ws, &att);
            let dup_upto = if live { meta.last() } else { reader.dup_upto() };
            let entries = read_entries(&storage, &meta, after).await?;
            let me = att.sender();
            for frame in inbound::replay(&meta, after, &entries, me.as_deref(), dup_upto) {
                ws.send_with_str(&frame)?;
            }
            reader.seen(meta.last());
        }
        att.resumed = true;
        store_reader(&storage, &mut att, reader).await?;
        ws.serialize_attachment(&att)
    }

    /// `sw.ack` of `id`: recorded for the socket's client (or the socket).
    pub(super) async fn ack(&self, ws: &WebSocket, id: u64) -> Result<()> {
        let storage = self.state.storage();
        let Some(meta) = load_meta(&storage).await? else {
            return Ok(()); // no log: nothing to ack
        };
        let mut att = attachment(ws);
        let mut reader = reader(&storage, &att).await?;
        if !reader.ack(id, meta.last()) {
            return Ok(());
        }
        store_reader(&storage, &mut att, reader).await?;
        if att.client.is_none() {
            ws.serialize_attachment(&att)?;
        }
        Ok(())
    }

    /// A socket closed or failed: if it was resumed with a client id, every
    /// logged message so far was sent to that client (for `dup`).
    pub(super) async fn left(&self, ws: &WebSocket) -> Result<()> {
        let mut att = attachment(ws);
        if !att.resumed || att.client.is_none() {
            return Ok(());
        }
        let storage = self.state.storage();
        let mut reader = reader(&storage, &att).await?;
        match load_meta(&storage).await? {
            Some(meta) if reader.seen(meta.last()) => {
                store_reader(&storage, &mut att, reader).await
            }
            _ => Ok(()),
        }
    }

    /// Whether another socket of the same client id is resumed.
    fn client_live_elsewhere(&self, ws: &WebSocket, att: &Attachment) -> bool {
        att.client.is_some()
            && self.others(ws).iter().any(|socket| {
                let other = attachment(socket);
                other.resumed && other.client == att.client
            })
    }
}
