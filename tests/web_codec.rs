//! The record codec's two sides agree: each record written through the JS
//! side (`JsValue`, what ships) and through the native side (`Value`, what
//! the native tests and the fuzz targets use) is the same JSON text, each
//! side reads back what the other wrote, and a bad stored value is refused
//! with the same words on both sides.
#![cfg(target_arch = "wasm32")]

use std::fmt::Debug;
use sw_websocket::core::codec::{decode, encode, Record, Value};
use sw_websocket::core::{
    Connection, Error, Message, Options, Protocols, SendOptions, Snapshot, Timestamp,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

fn stringify(value: &JsValue) -> String {
    let text = js_sys::JSON::stringify(value).expect("a plain object");
    text.as_string().expect("a string")
}

fn parse(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("JSON")
}

/// Writes `record` on both sides, compares the text, reads each text on
/// both sides; returns what was read (equal on all four reads).
fn agree<R: Record + Default + Clone + PartialEq + Debug>(record: &R) -> R {
    let js: JsValue = encode(&mut record.clone());
    let native: Value = encode(&mut record.clone());
    let js_text = stringify(&js);
    let native_text = serde_json::to_string(&native).expect("serializes");
    assert_eq!(js_text, native_text, "the two sides write the same");
    let read_js: R = decode(&js).expect("JS reads what JS wrote");
    let read_native: R = decode(&native).expect("Rust reads what Rust wrote");
    let js_reads_native: R = decode(&parse(&native_text)).expect("JS reads Rust's text");
    let native_value: Value = serde_json::from_str(&js_text).expect("JSON");
    let native_reads_js: R = decode(&native_value).expect("Rust reads JS's text");
    assert_eq!(read_js, read_native);
    assert_eq!(read_js, js_reads_native);
    assert_eq!(read_js, native_reads_js);
    read_js
}

/// Options with every key set.
fn every_option() -> Options {
    Options {
        keepalive: Some(true),
        keepalive_ms: Some(15_000.0),
        keepalive_message: Some("ping".into()),
        heartbeat_reply: Some("pong".into()),
        heartbeat_timeout_ms: Some(4_000.0),
        connect_timeout_ms: Some(3_000.0),
        close_timeout_ms: Some(2_000.0),
        max_message_bytes: Some(65_536.0),
        protocols: Some(Protocols::Many(vec!["a".into(), "b".into()])),
        reconnect: Some(true),
        backoff_base_ms: Some(500.0),
        backoff_max_ms: Some(30_000.0),
        min_uptime_ms: Some(1_000.0),
        max_retries: Some(7.0),
        fatal_close_codes: Some(vec![4001.0, 4002.0]),
        watchdog: Some(true),
        watchdog_ms: Some(25_000.0),
        max_outbox_messages: Some(10.0),
        max_outbox_bytes: Some(10_000.0),
        reliable: Some(false),
        reliable_inbound: Some(true),
        handler_timeout_ms: Some(5_000.0),
        sleep_after_ms: Some(20_000.0),
        wake_every_ms: Some(60_000.0),
        auth_token: Some("secret".into()),
        auth_query_param: Some("token".into()),
    }
}

/// A connection that has been through most of what a snapshot holds:
/// every option, a queued text, JSON and binary message, a lost socket,
/// backoff, an error.
fn lived() -> Connection {
    let mut conn = Connection::new();
    let t = Timestamp(1_700_000_000_000);
    conn.connect(t, "ws://127.0.0.1:9/ws", every_option())
        .expect("valid");
    conn.handle_open(t);
    conn.handle_close(t, 1006, "gone ✓", false);
    conn.send(t, "text".into(), SendOptions::default())
        .expect("queued");
    let reliable = SendOptions {
        reliable: Some(true),
    };
    conn.send(t, Message::Json("{\"a\":[1,2.5]}".into()), reliable)
        .expect("queued");
    conn.send(
        t,
        Message::Binary(vec![0, 1, 254, 255]),
        SendOptions::default(),
    )
    .expect("queued");
    let error = Error::Storage("for the lastError field".into());
    conn.handle_storage_error(t, error);
    conn
}

#[wasm_bindgen_test]
fn snapshots_status_and_options_are_the_same_on_both_sides() {
    let conn = lived();
    let snapshot = conn.snapshot();
    assert!(snapshot.next_attempt_at.is_some() && snapshot.last_error.is_some());
    assert_eq!(snapshot.outbox.len(), 3);
    let mut written = snapshot.clone();
    written.options.auth_token = None; // kept in session storage, never written
    assert_eq!(agree(&snapshot), written);

    agree(&conn.status());
    // Asleep: the wake time in both (sleepUntil, wakeAt).
    let mut asleep = Connection::new();
    let t = Timestamp(1_700_000_000_000);
    asleep
        .connect(t, "ws://127.0.0.1:9/ws", every_option())
        .expect("valid");
    asleep.handle_open(t);
    let idle = Timestamp(t.0 + 20_000);
    asleep.handle_timeout(idle);
    asleep.handle_close(idle, 1000, "", true);
    let snapshot = asleep.snapshot();
    assert_eq!(snapshot.sleep_until, Some(idle.0 + 60_000));
    let mut written = snapshot.clone();
    written.options.auth_token = None;
    assert_eq!(agree(&snapshot), written);
    assert_eq!(agree(&asleep.status()).wake_at, Some(idle.0 + 60_000));
    let mut one = Options {
        protocols: Some(Protocols::One("chat".into())),
        ..Options::default()
    };
    assert_eq!(agree(&one), one);
    one.auth_token = Some("never written".into());
    let js: JsValue = encode(&mut one.clone());
    assert!(!stringify(&js).contains("never written"));
}

#[wasm_bindgen_test]
fn both_sides_refuse_a_bad_stored_value_with_the_same_words() {
    let good: Value = encode(&mut lived().snapshot());
    let good = serde_json::to_string(&good).expect("serializes");
    let bad = [
        "\"text\"".to_owned(),
        "[1]".to_owned(),
        "{}".to_owned(),
        r#"{"version":9}"#.to_owned(),
        r#"{"version":1,"intent":"open","outbox":[1]}"#.to_owned(),
        good.replace("\"intent\":\"open\"", "\"intent\":\"sideways\""),
        good.replace("\"attempt\":", "\"extra\":1,\"attempt\":"),
        good.replace("\"nextId\":", "\"nextId\":-1,\"was\":"),
        good.replace("\"keepaliveMs\":15000", "\"keepaliveMs\":\"15000\""),
        good.replace("\"protocols\":[\"a\",\"b\"]", "\"protocols\":[1]"),
        good.replace("\"code\":1006", "\"code\":70000"),
        good.replace("\"kind\":\"text\"", "\"kind\":null"),
        good.replace("\"workerStarts\":0", "\"workerStarts\":0.5"),
    ];
    for text in bad {
        let native: Value = serde_json::from_str(&text).expect("JSON");
        let js_error = Snapshot::from_stored(&parse(&text)).expect_err("JS refuses");
        let native_error = Snapshot::from_stored(&native).expect_err("Rust refuses");
        assert_eq!(js_error, native_error, "{text}");
    }
}
