//! The room's side of the inbound mode: its log in storage and `sw.resume`
//! (`sw.ack` and what a leaving socket records: `acks.rs`). The decisions
//! are in [`crate::inbound`]; this file reads and writes storage and sockets.
//!
//! Each handler awaits storage only: the runtime delivers no other event to
//! the object while a storage call is in flight (its input gate), so an
//! append, a replay and an ack never interleave, and a resumed socket gets
//! its replay before any newer message. Frames sent after a write are held
//! by the runtime until that write is durable (its output gate): no client
//! sees an id the log could lose.

use super::acks::{stored_reader, write_reader};
use super::Room;
use crate::inbound::{self, Entry, Meta};
use crate::protocol::Attachment;
use std::collections::BTreeMap;
use worker::js_sys::{Date, Object, Reflect};
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{console_error, ListOptions, Result, Storage, WebSocket};

/// The most keys one storage call takes (`get`, `put`, `delete` of several).
pub(super) const MAX_KEYS: usize = 128;

/// A socket's attachment; an unreadable one counts as empty.
pub(super) fn attachment(ws: &WebSocket) -> Attachment {
    ws.deserialize_attachment()
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// The log's bookkeeping; `None` when the room has no log yet (or an
/// unreadable one, which a new log then replaces).
pub(super) async fn load_meta(storage: &Storage) -> Result<Option<Meta>> {
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
        let keys: Vec<JsValue> = dropped
            .iter()
            .map(|id| inbound::entry_key(*id).into())
            .collect();
        let deletes = keys
            .chunks(MAX_KEYS)
            .map(|chunk| raw.delete_multiple(chunk.to_vec()))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        JsFuture::from(put).await?;
        for delete in deletes {
            JsFuture::from(delete).await?;
        }
        Ok(Some(id))
    }

    /// `sw.resume` after `after`: the log's messages above it (gaps first
    /// where it lost some), then the socket gets new messages as `sw.msg`.
    pub(super) async fn resume(&self, ws: &WebSocket, after: u64) -> Result<()> {
        let storage = self.state.storage();
        let mut att = attachment(ws);
        if let Some(meta) = load_meta(&storage).await? {
            let mut reader = stored_reader(&storage, &att).await?;
            reader.ack(att.acked, meta.last());
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
            write_reader(&storage, &mut att, reader).await?;
        }
        att.resumed = true;
        ws.serialize_attachment(&att)
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
