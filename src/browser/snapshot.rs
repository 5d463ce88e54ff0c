//! The stored snapshot and the status as plain JS objects, in the layout of
//! the core's serde derives: camelCase keys in field order, `None` as `null`;
//! unknown keys refused where the derive refuses them.

use crate::browser::convert::object;
use crate::browser::options::{options_from_js, options_to_js};
use crate::browser::reader::{
    boolean, js_number, or_null, read_object, string, whole, whole_u16, whole_u32, Item, Reader,
};
use crate::core::{CloseInfo, Counters, ErrorInfo, Snapshot, SnapshotV1, Status, StoredMessage};
use wasm_bindgen::JsValue;

const SNAPSHOT_KEYS: [&str; 12] = [
    "version",
    "intent",
    "url",
    "options",
    "attempt",
    "nextAttemptAt",
    "gaveUp",
    "counters",
    "nextId",
    "outbox",
    "lastClose",
    "lastError",
];
const MESSAGE_KEYS: [&str; 4] = ["id", "kind", "data", "reliable"];

const BOOL: &str = "true or false";
const STRING: &str = "a string";
const WHOLE: &str = "a non-negative whole number";

/// Reads a version 2 snapshot.
pub(crate) fn snapshot_from_js(raw: &JsValue) -> Result<Snapshot, String> {
    read_object(raw.clone(), |r| {
        r.only(&SNAPSHOT_KEYS);
        Snapshot {
            version: r.req("version", whole_u32, WHOLE),
            intent: r.req("intent", string, STRING),
            url: r.opt("url", string, STRING),
            options: options_from_js(&r.object("options")),
            attempt: r.req("attempt", whole_u32, WHOLE),
            next_attempt_at: r.opt("nextAttemptAt", whole, WHOLE),
            gave_up: r.req("gaveUp", boolean, BOOL),
            counters: counters_from_js(&r.object("counters")),
            next_id: r.req("nextId", whole, WHOLE),
            outbox: r.list("outbox", stored_message).unwrap_or_else(|| {
                r.missing("outbox");
                Vec::new()
            }),
            last_close: r.nested("lastClose", |c| CloseInfo {
                code: c.req("code", whole_u16, "a close code"),
                reason: c.req("reason", string, STRING),
                was_clean: c.req("wasClean", boolean, BOOL),
            }),
            last_error: r.nested("lastError", |e| ErrorInfo {
                kind: e.req("kind", string, STRING),
                message: e.req("message", string, STRING),
            }),
        }
    })
}

/// Reads the first, pre-release layout (unknown keys ignored, as its derive does).
pub(crate) fn snapshot_v1_from_js(raw: &JsValue) -> Result<SnapshotV1, String> {
    read_object(raw.clone(), |r| SnapshotV1 {
        version: r.req("version", whole_u32, WHOLE),
        intent: r.req("intent", string, STRING),
        url: r.opt("url", string, STRING),
        outbox: r
            .list("outbox", |item| item.read(string, STRING))
            .unwrap_or_default(),
    })
}

/// Counters: a missing one is 0, unknown keys are ignored (as the derive does).
fn counters_from_js(r: &Reader) -> Counters {
    let count = |key: &str| r.opt(key, whole, WHOLE).unwrap_or_default();
    Counters {
        worker_starts: count("workerStarts"),
        connects: count("connects"),
        reconnects: count("reconnects"),
        sent: count("sent"),
        received: count("received"),
        keepalives: count("keepalives"),
    }
}

fn stored_message(item: &Item) -> StoredMessage {
    let r = item.object();
    r.only(&MESSAGE_KEYS);
    StoredMessage {
        id: r.req("id", whole, WHOLE),
        kind: r.req("kind", string, STRING),
        data: r.req("data", string, STRING),
        reliable: r.req("reliable", boolean, BOOL),
    }
}

/// The snapshot as stored.
pub(crate) fn snapshot_to_js(s: &Snapshot) -> JsValue {
    let outbox: js_sys::Array = s
        .outbox
        .iter()
        .map(|m| {
            object(&[
                ("id", js_number(m.id)),
                ("kind", m.kind.as_str().into()),
                ("data", m.data.as_str().into()),
                ("reliable", m.reliable.into()),
            ])
        })
        .collect();
    let c = &s.counters;
    let counters = object(&[
        ("workerStarts", js_number(c.worker_starts)),
        ("connects", js_number(c.connects)),
        ("reconnects", js_number(c.reconnects)),
        ("sent", js_number(c.sent)),
        ("received", js_number(c.received)),
        ("keepalives", js_number(c.keepalives)),
    ]);
    object(&[
        ("version", s.version.into()),
        ("intent", s.intent.as_str().into()),
        ("url", or_null(s.url.as_deref().map(JsValue::from_str))),
        ("options", options_to_js(&s.options)),
        ("attempt", s.attempt.into()),
        ("nextAttemptAt", or_null(s.next_attempt_at.map(js_number))),
        ("gaveUp", s.gave_up.into()),
        ("counters", counters),
        ("nextId", js_number(s.next_id)),
        ("outbox", outbox.into()),
        ("lastClose", close_to_js(s.last_close.as_ref())),
        ("lastError", error_to_js(s.last_error.as_ref())),
    ])
}

/// The status handed to JS.
pub(crate) fn status_to_js(s: &Status) -> JsValue {
    object(&[
        ("state", s.state.into()),
        ("intent", s.intent.into()),
        ("url", or_null(s.url.as_deref().map(JsValue::from_str))),
        ("workerStarts", js_number(s.worker_starts)),
        ("connects", js_number(s.connects)),
        ("reconnects", js_number(s.reconnects)),
        ("sent", js_number(s.sent)),
        ("received", js_number(s.received)),
        ("keepalives", js_number(s.keepalives)),
        ("outbox", js_number(s.outbox)),
        ("outboxBytes", js_number(s.outbox_bytes)),
        ("attempt", s.attempt.into()),
        ("nextAttemptAt", or_null(s.next_attempt_at.map(js_number))),
        ("lastError", error_to_js(s.last_error.as_ref())),
        ("lastClose", close_to_js(s.last_close.as_ref())),
        ("openedAt", or_null(s.opened_at.map(js_number))),
    ])
}

fn close_to_js(close: Option<&CloseInfo>) -> JsValue {
    or_null(close.map(|c| {
        object(&[
            ("code", c.code.into()),
            ("reason", c.reason.as_str().into()),
            ("wasClean", c.was_clean.into()),
        ])
    }))
}

fn error_to_js(error: Option<&ErrorInfo>) -> JsValue {
    or_null(error.map(|e| {
        object(&[
            ("kind", e.kind.as_str().into()),
            ("message", e.message.as_str().into()),
        ])
    }))
}
