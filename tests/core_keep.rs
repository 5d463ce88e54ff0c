//! `keep_connected`, what `start({url, options})` does at every worker
//! start: nothing when the restored connection already goes there with the
//! same settings; the given ones when an update changed them, when the
//! browser's restart took the token out of session storage, or when the
//! URL changed; nothing at all for a bad URL or option. Told before the
//! stored state is read (as `start()` does), the stored connection is
//! restored with the given settings: no socket opens with the old ones.

mod support;

use support::native::*;
use sw_websocket::core::{Action, ConnState, Connection, Error, Loaded, Snapshot, Timestamp};

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

const NO_RETRIES: &str = r#"{"maxRetries": 0}"#;

/// A connection that gave up at its first loss.
fn given_up() -> Connection {
    let mut conn = Connection::new();
    conn.connect(Timestamp(T), URL, opts(NO_RETRIES))
        .expect("connect");
    conn.handle_close(Timestamp(T + 1), 1006, "", false);
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
    assert_eq!(kept, Ok(()));
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
        Ok(())
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
        Ok(())
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
        Ok(())
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
        Ok(())
    );
    assert_eq!(
        opens_and_closes(&mut conn),
        ["close 1000 url changed".to_owned(), format!("open {other}")]
    );
}

#[test]
fn a_closed_intent_connects_and_a_gave_up_one_stays() {
    let mut fresh = Connection::new();
    assert_eq!(fresh.keep_connected(Timestamp(T), URL, opts("{}")), Ok(()));
    assert_eq!(opens_and_closes(&mut fresh), [format!("open {URL}")]);

    let mut gave_up = given_up();
    actions(&mut gave_up);
    assert_eq!(gave_up.status().state, ConnState::GaveUp);
    let kept = gave_up.keep_connected(Timestamp(T + 2), URL, opts(NO_RETRIES));
    assert_eq!(kept, Ok(()));
    assert_eq!(
        opens_and_closes(&mut gave_up),
        Vec::<String>::new(),
        "given up stays given up, as before"
    );
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

/// A worker start as `start()` makes it: the rule told first, then the
/// stored state read and handed over (`secret`: what session storage holds).
fn started_keeping(snapshot: Snapshot, secret: Option<String>, options: &str) -> Connection {
    let mut conn = Connection::new();
    conn.expect_stored_state();
    assert_eq!(
        conn.keep_connected(Timestamp(T + 1_000), URL, opts(options)),
        Ok(())
    );
    assert_eq!(actions(&mut conn), [], "nothing before the state is read");
    assert!(conn.resume(Timestamp(T + 1_000)));
    assert_eq!(actions(&mut conn), [Action::Load]);
    let why = conn.handle_loaded(
        Timestamp(T + 1_001),
        Loaded::Snapshot(Box::new(snapshot), secret),
    );
    assert_eq!(why, None);
    conn
}

#[test]
fn told_first_after_a_browser_restart_the_only_socket_opens_with_the_token() {
    let (snapshot, _) = earlier_life(WITH_TOKEN);
    let mut conn = started_keeping(snapshot, None, WITH_TOKEN);
    assert_eq!(
        opens_and_closes(&mut conn),
        [format!("open {URL}?token=tok")]
    );
    assert_eq!(conn.secret(), Some("tok"));
}

#[test]
fn told_first_a_first_message_token_goes_out_before_the_queued_messages() {
    let first_message = r#"{"authToken": "tok"}"#;
    let mut earlier = Connection::new();
    earlier
        .connect(Timestamp(T), URL, opts(first_message))
        .expect("connect");
    earlier.handle_open(Timestamp(T));
    earlier.handle_close(Timestamp(T + 1), 1006, "", false);
    earlier
        .send(Timestamp(T + 2), "queued".into(), PLAIN)
        .expect("queued");
    let mut conn = started_keeping(earlier.snapshot(), None, first_message);
    assert_eq!(
        opens_and_closes(&mut conn),
        [format!("open {URL}")],
        "one socket, no close"
    );
    conn.handle_open(Timestamp(T + 1_002));
    assert_eq!(
        sends(&mut conn),
        [r#"{"type":"sw.auth","token":"tok"}"#, "queued"]
    );
}

#[test]
fn told_first_the_same_settings_restore_as_stored() {
    let (snapshot, secret) = earlier_life(WITH_TOKEN);
    let mut conn = started_keeping(snapshot, secret, WITH_TOKEN);
    assert_eq!(
        opens_and_closes(&mut conn),
        [format!("open {URL}?token=tok")],
        "no close"
    );
}

#[test]
fn told_first_a_closed_or_missing_state_connects_and_a_gave_up_one_stays() {
    let mut closed = Connection::new();
    closed
        .connect(Timestamp(T), URL, opts("{}"))
        .expect("connect");
    closed.close(Timestamp(T + 1), None, None).expect("close");
    let mut conn = started_keeping(closed.snapshot(), None, "{}");
    assert_eq!(opens_and_closes(&mut conn), [format!("open {URL}")]);

    let mut nothing = Connection::new();
    nothing.expect_stored_state();
    nothing
        .keep_connected(Timestamp(T), URL, opts("{}"))
        .expect("valid");
    assert!(nothing.resume(Timestamp(T)));
    assert_eq!(nothing.handle_loaded(Timestamp(T), Loaded::Nothing), None);
    assert_eq!(opens_and_closes(&mut nothing), [format!("open {URL}")]);

    let mut conn = started_keeping(given_up().snapshot(), None, NO_RETRIES);
    assert_eq!(opens_and_closes(&mut conn), Vec::<String>::new());
    assert_eq!(conn.status().state, ConnState::GaveUp);
}

#[test]
fn told_first_a_storage_that_cannot_be_read_still_connects() {
    let mut conn = Connection::new();
    conn.expect_stored_state();
    conn.keep_connected(Timestamp(T), URL, opts("{}"))
        .expect("valid");
    assert!(conn.resume(Timestamp(T)));
    actions(&mut conn);
    let failed = Loaded::Failed(Error::Storage("disk on fire".into()));
    assert_eq!(conn.handle_loaded(Timestamp(T), failed), None);
    assert_eq!(opens_and_closes(&mut conn), [format!("open {URL}")]);
}
