//! Browser tests for surviving the worker: the storage glue against fake
//! storage areas with chrome.storage's interface, restore and quarantine, and
//! reconnecting when the test server drops connections.
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::JSON;
use support::*;
use sw_websocket::{set_storage_areas, SwWebSocket};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

#[wasm_bindgen(inline_js = r#"
// Storage areas with chrome.storage's get/set/remove, counting writes.
function area() {
  const data = new Map();
  return {
    data, writes: 0,
    async get(key) {
      if (this.failingReads) throw new Error(this.failingReads);
      return data.has(key) ? { [key]: structuredClone(data.get(key)) } : {};
    },
    failing: null,
    failingReads: null,
    async set(items) {
      if (this.failing) throw new Error(this.failing);
      this.writes++;
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v)); },
    async remove(key) { data.delete(key); },
  };
}
let areas;
export function fakeAreas() {
  if (!areas) areas = { local: area(), session: area() };
  return areas;
}
export function stored(name, key) { return fakeAreas()[name].data.get(key); }
export function store(name, key, value) { fakeAreas()[name].data.set(key, value); }
export function writes(name) { return fakeAreas()[name].writes; }
export function failWrites(name, message) { fakeAreas()[name].failing = message; }
export function failReads(name, message) { fakeAreas()[name].failingReads = message; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = fakeAreas)]
    fn fake_areas() -> JsValue;
    fn stored(area: &str, key: &str) -> JsValue;
    fn store(area: &str, key: &str, value: &JsValue);
    fn writes(area: &str) -> u32;
    #[wasm_bindgen(js_name = failWrites)]
    fn fail_writes(area: &str, message: JsValue);
    #[wasm_bindgen(js_name = failReads)]
    fn fail_reads(area: &str, message: JsValue);
}

fn json(text: &str) -> JsValue {
    JSON::parse(text).expect("json")
}

async fn persistent(key: &str) -> SwWebSocket {
    set_storage_areas(fake_areas());
    let sw = SwWebSocket::new(json(&format!(r#"{{"storageKey": "{key}"}}"#))).expect("valid");
    JsFuture::from(sw.resume()).await.expect("resume resolves");
    sw
}

#[wasm_bindgen_test]
async fn queued_sends_resolve_after_their_write_and_bursts_coalesce() {
    let sw = persistent("queue").await;
    // Nothing listens on port 1: the connection waits in backoff.
    sw.connect(
        "ws://127.0.0.1:1/ws".into(),
        json(r#"{"backoffBaseMs": 60000}"#),
    )
    .expect("valid");
    until("backoff", || field(&sw.status(), "state") == "backoff").await;
    let before = writes("local");
    let sends: Vec<_> = (0..50)
        .map(|i| sw.send(format!("m{i}").into(), JsValue::UNDEFINED))
        .collect();
    for (i, promise) in sends.into_iter().enumerate() {
        let receipt = JsFuture::from(promise).await.expect("queued");
        assert_eq!(field(&receipt, "queued"), true);
        assert_eq!(field(&receipt, "id").as_f64(), Some(i as f64 + 1.0));
        // Resolved only once the message is in storage.
        let outbox = field(&stored("local", "queue"), "outbox");
        assert!(js_sys::Array::from(&outbox).length() as usize > i);
    }
    let burst_writes = writes("local") - before;
    assert!(burst_writes <= 2, "50 sends took {burst_writes} writes");
    assert_eq!(field(&stored("local", "queue"), "version"), 2);
    assert_eq!(field(&sw.status(), "outbox"), 50);
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
    until("intent stored", || {
        field(&stored("local", "queue"), "intent") == "closed"
    })
    .await;
}

#[wasm_bindgen_test]
async fn resume_restores_the_outbox_and_reconnects() {
    let snapshot = json(&format!(
        r#"{{"version": 2, "intent": "open", "url": "{}", "options": {{}}, "attempt": 3,
            "nextAttemptAt": null, "gaveUp": false,
            "counters": {{"workerStarts": 4, "connects": 7, "reconnects": 3, "sent": 1,
                          "received": 0, "keepalives": 0}},
            "nextId": 3,
            "outbox": [{{"id": 1, "kind": "text", "data": "first", "reliable": false}},
                       {{"id": 2, "kind": "text", "data": "second", "reliable": false}}],
            "lastClose": null, "lastError": null}}"#,
        url("resume")
    ));
    fake_areas();
    store("local", "resume", &snapshot);
    let sw = persistent("resume").await;
    until("open", || field(&sw.status(), "state") == "open").await;
    let status = sw.status();
    assert_eq!(field(&status, "workerStarts"), 5);
    assert_eq!(field(&status, "reconnects"), 4);
    let mut texts = JsValue::UNDEFINED;
    for _ in 0..40 {
        texts = field(&stats("resume").await, "perConnection.0.lastTexts");
        if js_sys::Array::from(&texts).length() == 2 {
            break;
        }
        JsFuture::from(sleep(50)).await.expect("sleep");
    }
    assert_eq!(
        JSON::stringify(&texts)
            .ok()
            .and_then(|s| s.as_string())
            .as_deref(),
        Some(r#"["first","second"]"#)
    );
    until("outbox emptied in storage", || {
        js_sys::Array::from(&field(&stored("local", "resume"), "outbox")).length() == 0
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_corrupt_snapshot_is_quarantined_and_replaced() {
    fake_areas();
    store("local", "corrupt", &"garbage".into());
    let sw = persistent("corrupt").await;
    let status = sw.status();
    assert_eq!(field(&status, "lastError.kind"), "corrupt_snapshot");
    assert_eq!(
        field(&stored("local", "corrupt:quarantine"), "value"),
        "garbage"
    );
    until("replaced", || {
        field(&stored("local", "corrupt"), "version") == 2
    })
    .await;
    // And the socket works.
    sw.connect(url("after-corrupt").into(), JsValue::UNDEFINED)
        .expect("valid");
    until("open", || field(&sw.status(), "state") == "open").await;
}

#[wasm_bindgen_test]
async fn the_auth_token_stays_in_session_storage() {
    let sw = persistent("secret").await;
    sw.connect(url("secret").into(), json(r#"{"authToken": "tok-123"}"#))
        .expect("valid");
    until("open", || field(&sw.status(), "state") == "open").await;
    until("stored", || !stored("local", "secret").is_undefined()).await;
    until("secret stored", || {
        stored("session", "secret:secret") == "tok-123"
    })
    .await;
    let local = JSON::stringify(&stored("local", "secret"))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    assert!(!local.contains("tok-123"), "{local}");
    let status = JSON::stringify(&sw.status())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    assert!(!status.contains("tok-123"));
    // The server got the token as the first message.
    JsFuture::from(sleep(200)).await.expect("sleep");
    let first = field(&stats("secret").await, "perConnection.0.lastTexts.0");
    assert_eq!(first, r#"{"type":"sw.auth","token":"tok-123"}"#);
}

#[wasm_bindgen_test]
async fn reconnects_when_the_server_drops_the_connection() {
    let sw = open(
        "drop",
        json(r#"{"backoffBaseMs": 200, "backoffMaxMs": 200}"#),
    )
    .await;
    let closed = next(&sw, "close");
    let base = server().replace("ws://", "http://").replace("/ws", "");
    JsFuture::from(get_json(&format!(
        "{base}/control/close?tag=drop&code=1012&reason=restart"
    )))
    .await
    .expect("control");
    let event = wait(closed, "close").await;
    assert_eq!(field(&event, "code"), 1012);
    until("open again", || field(&sw.status(), "state") == "open").await;
    let status = sw.status();
    assert_eq!(field(&status, "reconnects"), 1);
    assert_eq!(field(&status, "connects"), 2);
    assert_eq!(field(&stats("drop").await, "connections"), 2);
    // A fatal code ends it.
    let closed = next(&sw, "close");
    JsFuture::from(get_json(&format!(
        "{base}/control/close?tag=drop&code=1008&reason=policy"
    )))
    .await
    .expect("control");
    wait(closed, "close").await;
    JsFuture::from(sleep(600)).await.expect("sleep");
    assert_eq!(field(&sw.status(), "state"), "closed");
    assert_eq!(field(&stats("drop").await, "connections"), 2);
}

#[wasm_bindgen_test]
async fn the_stored_snapshot_keeps_its_layout() {
    let sw = persistent("layout").await;
    sw.connect(
        "ws://127.0.0.1:1/ws".into(),
        json(
            r#"{"reliable": true, "protocols": ["chat"], "keepaliveMs": 5000,
                "fatalCloseCodes": [4000], "backoffBaseMs": 60000, "keepalive": null}"#,
        ),
    )
    .expect("valid");
    until("backoff", || field(&sw.status(), "state") == "backoff").await;
    JsFuture::from(sw.send("queued".into(), JsValue::UNDEFINED))
        .await
        .expect("queued");
    let stored = stored("local", "layout");
    let keys = |value: &JsValue| {
        js_sys::Object::keys(&value.clone().into())
            .iter()
            .filter_map(|k| k.as_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(
        keys(&stored),
        "version,intent,url,options,attempt,nextAttemptAt,gaveUp,counters,nextId,outbox,\
         lastClose,lastError"
    );
    let text = |value: &JsValue| {
        JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    };
    // Set options only, in the derive's field order.
    assert_eq!(
        text(&field(&stored, "options")),
        r#"{"keepaliveMs":5000,"protocols":["chat"],"backoffBaseMs":60000,"fatalCloseCodes":[4000],"reliable":true}"#
    );
    assert_eq!(
        keys(&field(&stored, "counters")),
        "workerStarts,connects,reconnects,sent,received,keepalives"
    );
    assert_eq!(
        text(&field(&stored, "outbox")),
        r#"[{"id":1,"kind":"text","data":"queued","reliable":true}]"#
    );
    assert_eq!(field(&stored, "url"), "ws://127.0.0.1:1/ws");
    assert!(field(&stored, "nextAttemptAt").as_f64().is_some());
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
}

#[wasm_bindgen_test]
async fn a_snapshot_with_an_unknown_key_is_quarantined_naming_it() {
    let snapshot = json(
        r#"{"version": 2, "intent": "closed", "url": null, "options": {}, "attempt": 0,
            "nextAttemptAt": null, "gaveUp": false, "counters": {}, "nextId": 1,
            "outbox": [], "lastClose": null, "lastError": null, "extra": 1}"#,
    );
    fake_areas();
    store("local", "unknown-key", &snapshot);
    let sw = persistent("unknown-key").await;
    assert_eq!(field(&sw.status(), "lastError.kind"), "corrupt_snapshot");
    let why = field(&stored("local", "unknown-key:quarantine"), "why")
        .as_string()
        .unwrap_or_default();
    assert!(why.contains("\"extra\""), "{why}");
}

#[wasm_bindgen_test]
async fn a_failed_counters_only_write_is_reported_and_written_later() {
    let sw = persistent("failing").await;
    sw.connect(url("failing-writes").into(), JsValue::UNDEFINED)
        .expect("valid");
    until("open", || field(&sw.status(), "state") == "open").await;
    until("the open written", || {
        field(&stored("local", "failing"), "counters.connects") == 1
    })
    .await;
    // Sent on the open socket: only the counters change, nothing waits for
    // the write, and yet its failure must not go unnoticed.
    fail_writes("local", "quota exceeded (fake)".into());
    let reported = next(&sw, "error");
    let receipt = JsFuture::from(sw.send("counted".into(), JsValue::UNDEFINED))
        .await
        .expect("sent on the open socket");
    assert_eq!(field(&receipt, "queued"), false);
    let event = wait(reported, "the error event of the failed write").await;
    assert_eq!(field(&event, "error.kind"), "storage");
    let message = field(&event, "error.message")
        .as_string()
        .unwrap_or_default();
    assert!(message.contains("quota exceeded (fake)"), "{message}");
    assert_eq!(field(&sw.status(), "lastError.kind"), "storage");
    assert_eq!(
        field(&sw.status(), "state"),
        "open",
        "the socket is unharmed"
    );
    // The store recovers: the next change writes every counter, the lost one too.
    fail_writes("local", JsValue::NULL);
    JsFuture::from(sw.send("after".into(), JsValue::UNDEFINED))
        .await
        .expect("sent");
    until("both sends counted in storage", || {
        field(&stored("local", "failing"), "counters.sent") == 2
    })
    .await;
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
}

#[wasm_bindgen_test]
async fn a_failed_write_rejects_the_queued_send_it_held_and_takes_it_back() {
    let sw = persistent("rejecting").await;
    // Nothing listens on port 1: sends wait in the outbox.
    let options = json(r#"{"backoffBaseMs": 60000}"#);
    sw.connect("ws://127.0.0.1:1/ws".into(), options)
        .expect("valid");
    until("backoff", || field(&sw.status(), "state") == "backoff").await;
    fail_writes("local", "quota exceeded (fake)".into());
    let refused = JsFuture::from(sw.send("refused".into(), JsValue::UNDEFINED))
        .await
        .expect_err("not stored");
    assert_eq!(field(&refused, "kind"), "storage");
    assert_eq!(sw.outbox().length(), 0, "taken back out of the outbox");
    fail_writes("local", JsValue::NULL);
    let receipt = JsFuture::from(sw.send("kept".into(), JsValue::UNDEFINED))
        .await
        .expect("stored");
    assert_eq!(field(&receipt, "queued"), true);
    let outbox = field(&stored("local", "rejecting"), "outbox");
    assert_eq!(js_sys::Array::from(&outbox).length(), 1);
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
}

/// A stored snapshot of an earlier life whose ids below `next_id` may have
/// reached the wire.
fn earlier_life(key: &str, next_id: u32) {
    let snapshot = json(&format!(
        r#"{{"version": 2, "intent": "closed", "url": null, "options": {{}}, "attempt": 0,
            "nextAttemptAt": null, "gaveUp": false, "counters": {{}}, "nextId": {next_id},
            "outbox": [], "lastClose": null, "lastError": null}}"#
    ));
    fake_areas();
    store("local", key, &snapshot);
    set_storage_areas(fake_areas());
}

/// The reliable frames the server got under `tag`, once there are `count`.
async fn reliable_frames(tag: &str, count: u32) -> Vec<(f64, bool)> {
    let mut frames = js_sys::Array::new();
    for _ in 0..60 {
        frames = js_sys::Array::from(&field(&stats(tag).await, "reliable.frames"));
        if frames.length() >= count {
            break;
        }
        JsFuture::from(sleep(50)).await.expect("sleep");
    }
    frames
        .iter()
        .map(|f| {
            (
                field(&f, "0").as_f64().unwrap_or(0.0),
                field(&f, "1") == true,
            )
        })
        .collect()
}

async fn sent_id(promise: js_sys::Promise) -> f64 {
    let receipt = JsFuture::from(promise).await.expect("stored");
    field(&receipt, "id").as_f64().unwrap_or(0.0)
}

#[wasm_bindgen_test]
async fn a_connect_before_resume_goes_on_from_the_stored_ids() {
    earlier_life("ids-first", 5000);
    let sw = SwWebSocket::new(json(r#"{"storageKey": "ids-first"}"#)).expect("valid");
    // No resume(): connect and send at once, then again (a second connect
    // before the stored ids were read must not let the writes go).
    let reliable = || json(r#"{"reliable": true}"#);
    sw.connect(url("ids-first").into(), reliable())
        .expect("valid");
    let first = sw.send("first of this life".into(), JsValue::UNDEFINED);
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
    sw.connect(url("ids-first").into(), reliable())
        .expect("valid");
    let second = sw.send("second".into(), JsValue::UNDEFINED);
    let ids = [sent_id(first).await, sent_id(second).await];
    assert!(ids[0] >= 5000.0 && ids[1] > ids[0], "ids {ids:?}");
    let frames = reliable_frames("ids-first", 2).await;
    assert!(
        frames.len() >= 2 && frames.iter().all(|(id, _)| *id >= 5000.0),
        "the server got {frames:?}"
    );
    let next_id = field(&stored("local", "ids-first"), "nextId").as_f64();
    assert!(next_id > Some(ids[1]), "stored nextId {next_id:?}");
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
}

#[wasm_bindgen_test]
async fn a_failed_read_after_a_connect_that_came_first_holds_the_writes() {
    earlier_life("ids-unread", 6000);
    fail_reads("local", "disk on fire".into());
    let sw = SwWebSocket::new(json(r#"{"storageKey": "ids-unread"}"#)).expect("valid");
    sw.connect(url("ids-unread").into(), json(r#"{"reliable": true}"#))
        .expect("valid");
    let first = sw.send("waits for the stored ids".into(), JsValue::UNDEFINED);
    until("the read error", || {
        field(&sw.status(), "lastError.kind") == "storage"
    })
    .await;
    JsFuture::from(sleep(200)).await.expect("sleep");
    // Nothing written over the stored ids.
    assert_eq!(
        field(&stored("local", "ids-unread"), "nextId").as_f64(),
        Some(6000.0)
    );
    // Storage comes back: the next change reads again.
    fail_reads("local", JsValue::NULL);
    let second = sw.send("then this".into(), JsValue::UNDEFINED);
    let ids = [sent_id(first).await, sent_id(second).await];
    assert!(ids[0] >= 6000.0 && ids[1] > ids[0], "ids {ids:?}");
    let frames = reliable_frames("ids-unread", 2).await;
    assert!(
        frames.iter().all(|(id, _)| *id >= 6000.0),
        "the server got {frames:?}"
    );
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
}

#[wasm_bindgen_test]
async fn a_quarantined_snapshot_keeps_its_ids_from_coming_back() {
    // Unreadable (an unknown version), but its nextId says ids below 7000
    // may have reached the wire.
    fake_areas();
    store(
        "local",
        "ids-corrupt",
        &json(r#"{"version": 99, "nextId": 7000, "outbox": "?"}"#),
    );
    let sw = persistent("ids-corrupt").await;
    assert_eq!(field(&sw.status(), "lastError.kind"), "corrupt_snapshot");
    sw.connect(url("ids-corrupt").into(), json(r#"{"reliable": true}"#))
        .expect("valid");
    let sent = sw.send("after the quarantine".into(), JsValue::UNDEFINED);
    let receipt = JsFuture::from(sent).await.expect("stored");
    let id = field(&receipt, "id").as_f64().unwrap_or(0.0);
    assert!(id >= 7000.0, "id {id} may be on the wire already");
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
}
