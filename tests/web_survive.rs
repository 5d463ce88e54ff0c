//! Browser tests for surviving the worker: the storage glue against fake
//! storage areas with chrome.storage's interface (writes that coalesce, fail
//! and settle, the stored layout, the token kept apart), and reconnecting
//! when the test server drops connections. A worker start: `web_resume.rs`.
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::JSON;
use support::*;
use sw_websocket::core::SNAPSHOT_VERSION;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

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
    assert_eq!(
        field(&stored("local", "queue"), "version"),
        SNAPSHOT_VERSION
    );
    assert_eq!(field(&sw.status(), "outbox"), 50);
    sw.close(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("valid");
    until("intent stored", || {
        field(&stored("local", "queue"), "intent") == "closed"
    })
    .await;
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
         lastClose,lastError,inboundHandled,sleepUntil,openAt"
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
