//! Browser tests of a worker start: `resume()` restores and reconnects, a
//! stored value that cannot be restored is quarantined and reported (at a
//! resume, or after a `connect()` that came first), and ids go on from the
//! stored `nextId` whatever came first.
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::JSON;
use support::*;
use sw_websocket::core::SNAPSHOT_VERSION;
use sw_websocket::{set_storage_areas, SwWebSocket};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

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
        field(&stored("local", "corrupt"), "version") == SNAPSHOT_VERSION
    })
    .await;
    // And the socket works.
    sw.connect(url("after-corrupt").into(), JsValue::UNDEFINED)
        .expect("valid");
    until("open", || field(&sw.status(), "state") == "open").await;
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

#[wasm_bindgen_test]
async fn a_corrupt_value_met_after_a_connect_that_came_first_is_quarantined_too() {
    fake_areas();
    store(
        "local",
        "corrupt-first",
        &json(r#"{"version": 99, "nextId": 8000}"#),
    );
    set_storage_areas(fake_areas());
    let sw = SwWebSocket::new(json(r#"{"storageKey": "corrupt-first"}"#)).expect("valid");
    sw.connect(url("corrupt-first").into(), json(r#"{"reliable": true}"#))
        .expect("valid");
    let id = sent_id(sw.send("first".into(), JsValue::UNDEFINED)).await;
    assert!(id >= 8000.0, "id {id} may be on the wire already");
    // The connect's state replaced it, but not silently.
    assert_eq!(field(&sw.status(), "lastError.kind"), "corrupt_snapshot");
    let kept = stored("local", "corrupt-first:quarantine");
    assert_eq!(field(&kept, "value.nextId"), 8000);
    assert_eq!(
        field(&stored("local", "corrupt-first"), "version"),
        SNAPSHOT_VERSION
    );
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
}
