//! `keep_connected`, what `start({url, options})` does at every worker
//! start: nothing when the restored connection already goes there with the
//! same settings; a reconnect with the given ones when an update changed
//! them, when the browser's restart took the token out of session storage,
//! or when the URL changed; nothing at all for a bad URL or option.

mod support;

use support::native::*;
use sw_websocket::core::{Action, ConnState, Connection, Error, Snapshot, Timestamp};

const T: u64 = 1_700_000_000_000;
const WITH_TOKEN: &str = r#"{"authToken": "tok", "authQueryParam": "token", "keepaliveMs": 15000}"#;

/// What a connected worker stored with `options`, and its token.
fn earlier_life(options: &str) -> (Snapshot, Option<String>) {
    let mut conn = Connection::new();
    conn.connect(Timestamp(T), URL, opts(options))
        .expect("connect");
    conn.handle_open(Timestamp(T));
    (conn.snapshot(), conn.secret().map(str::to_owned))
}

/// A worker started on that state, `secret` as session storage still has it,
/// restored and its socket open; the actions so far dropped.
fn restarted(snapshot: Snapshot, secret: Option<String>) -> Connection {
    let mut conn = Connection::new();
    conn.handle_worker_start();
    conn.restore(Timestamp(T + 1_000), snapshot, secret)
        .expect("restores");
    conn.handle_open(Timestamp(T + 1_001));
    actions(&mut conn);
    conn
}

/// The URLs opened and the closes asked for, in order.
fn opens_and_closes(conn: &mut Connection) -> Vec<String> {
    actions(conn)
        .into_iter()
        .filter_map(|a| match a {
            Action::Open { url, .. } => Some(format!("open {url}")),
            Action::Close { code, reason } => Some(format!("close {code} {reason}")),
            _ => None,
        })
        .collect()
}

#[test]
fn the_same_url_and_settings_at_a_worker_start_change_nothing() {
    let (snapshot, secret) = earlier_life(WITH_TOKEN);
    let mut conn = restarted(snapshot, secret);
    let kept = conn.keep_connected(Timestamp(T + 1_002), URL, opts(WITH_TOKEN));
    assert_eq!(kept, Ok(false));
    assert_eq!(opens_and_closes(&mut conn), Vec::<String>::new());
    assert_eq!(conn.status().state, ConnState::Open);
}

#[test]
fn settings_an_update_changed_close_and_reconnect_with_them() {
    let (snapshot, secret) = earlier_life(WITH_TOKEN);
    let mut conn = restarted(snapshot, secret);
    let newer = r#"{"authToken": "tok", "authQueryParam": "token", "keepaliveMs": 25000}"#;
    assert_eq!(
        conn.keep_connected(Timestamp(T + 1_002), URL, opts(newer)),
        Ok(true)
    );
    assert_eq!(
        opens_and_closes(&mut conn),
        [
            "close 1000 settings changed",
            &format!("open {URL}?token=tok")
        ]
    );
    assert_eq!(conn.snapshot().options.keepalive_ms, Some(25000.0));
    assert!(
        !to_json(&conn.snapshot()).contains("\"tok\""),
        "the token is never stored"
    );
    // The next worker start with the same settings keeps that connection.
    conn.handle_open(Timestamp(T + 1_003));
    assert_eq!(
        conn.keep_connected(Timestamp(T + 1_004), URL, opts(newer)),
        Ok(false)
    );
}

#[test]
fn a_token_the_browser_restart_took_is_given_again() {
    let (snapshot, _) = earlier_life(WITH_TOKEN);
    // Session storage is empty after a browser restart: the restore opens
    // without the token.
    let mut conn = Connection::new();
    conn.handle_worker_start();
    conn.restore(Timestamp(T + 1_000), snapshot, None)
        .expect("restores");
    assert_eq!(opens_and_closes(&mut conn), [format!("open {URL}")]);
    conn.handle_open(Timestamp(T + 1_001));
    assert_eq!(
        conn.keep_connected(Timestamp(T + 1_002), URL, opts(WITH_TOKEN)),
        Ok(true)
    );
    assert_eq!(
        opens_and_closes(&mut conn),
        [
            "close 1000 settings changed",
            &format!("open {URL}?token=tok")
        ]
    );
    assert_eq!(conn.secret(), Some("tok"));
}

#[test]
fn another_url_closes_with_url_changed() {
    let (snapshot, secret) = earlier_life("{}");
    let mut conn = restarted(snapshot, secret);
    let other = "ws://127.0.0.1:9/other";
    assert_eq!(
        conn.keep_connected(Timestamp(T + 1_002), other, opts("{}")),
        Ok(true)
    );
    assert_eq!(
        opens_and_closes(&mut conn),
        ["close 1000 url changed".to_owned(), format!("open {other}")]
    );
}

#[test]
fn a_closed_intent_connects_and_a_gave_up_one_stays() {
    let mut fresh = Connection::new();
    assert_eq!(
        fresh.keep_connected(Timestamp(T), URL, opts("{}")),
        Ok(true)
    );
    assert_eq!(opens_and_closes(&mut fresh), [format!("open {URL}")]);

    let mut gave_up = Connection::new();
    gave_up
        .connect(Timestamp(T), URL, opts(r#"{"maxRetries": 0}"#))
        .expect("connect");
    gave_up.handle_close(Timestamp(T + 1), 1006, "", false);
    actions(&mut gave_up);
    assert_eq!(gave_up.status().state, ConnState::GaveUp);
    let kept = gave_up.keep_connected(Timestamp(T + 2), URL, opts(r#"{"maxRetries": 0}"#));
    assert_eq!(kept, Ok(false), "given up stays given up, as before");
}

#[test]
fn a_bad_url_or_option_changes_nothing() {
    let (snapshot, secret) = earlier_life("{}");
    let mut conn = restarted(snapshot, secret);
    let bad_url = conn.keep_connected(Timestamp(T + 1_002), "http://example.com/", opts("{}"));
    assert!(matches!(bad_url, Err(Error::InvalidUrl(_))), "{bad_url:?}");
    let bad_option = conn.keep_connected(Timestamp(T + 1_002), URL, opts(r#"{"keepaliveMs": 5}"#));
    assert!(
        matches!(bad_option, Err(Error::InvalidOption(_))),
        "{bad_option:?}"
    );
    assert_eq!(opens_and_closes(&mut conn), Vec::<String>::new());
    assert_eq!(conn.status().state, ConnState::Open);
}
