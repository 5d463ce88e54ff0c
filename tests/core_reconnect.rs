//! Reconnect: the backoff schedule, jitter, min uptime, retry limit,
//! close-code policy, caller close, online/offline and the wake alarm.

mod support;

use support::native::*;
use sw_websocket::core::{
    Action, Backoff, ConnState, Connection, Error, Event, Intent, Millis, Options, Timestamp,
};

const URL: &str = "wss://example.com/socket";

/// A connection whose jitter is always `r`.
fn connection(options: &str, r: f64) -> Connection {
    let mut conn = Connection::new();
    conn.set_random(Box::new(move || r));
    conn.connect(Timestamp(0), URL, opts(options))
        .expect("valid");
    actions(&mut conn);
    conn
}

/// Fails every attempt at once; returns the delays between attempts.
fn failing_delays(conn: &mut Connection, attempts: usize) -> Vec<u64> {
    let mut now = 0;
    let mut delays = Vec::new();
    for _ in 0..attempts {
        conn.handle_close(Timestamp(now), 1006, "", false);
        let Some(at) = conn.poll_timeout() else { break };
        delays.push(at.as_millis() - now);
        now = at.as_millis();
        conn.handle_timeout(Timestamp(now));
        assert_eq!(conn.state(), ConnState::Connecting);
    }
    delays
}

#[test]
fn exact_schedule_under_a_fixed_random_source() {
    // r = 0.5: half of min(max, base * 2^(attempt-1)).
    let mut conn = connection(r#"{"backoffBaseMs": 1000, "backoffMaxMs": 30000}"#, 0.5);
    let delays = failing_delays(&mut conn, 8);
    assert_eq!(
        delays,
        vec![500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]
    );
    assert_eq!(conn.attempt(), 8);
    assert_eq!(conn.counters().reconnects, 8);
}

#[test]
fn full_jitter_stays_within_zero_and_the_ceiling() {
    let backoff = Backoff::default();
    for attempt in 1..40 {
        let ceiling = backoff.ceiling(attempt).get();
        assert!(ceiling <= backoff.max.get());
        assert_eq!(backoff.delay(attempt, 0.0).get(), 0);
        assert_eq!(backoff.delay(attempt, 1.0).get(), ceiling);
        assert!(backoff.delay(attempt, 0.999).get() <= ceiling);
        // Garbage from the random source is clamped, never a panic.
        assert!(backoff.delay(attempt, f64::NAN).get() <= ceiling);
        assert!(backoff.delay(attempt, -3.0).get() <= ceiling);
    }
    // The seeded default source spreads delays over the range.
    let mut conn = Connection::with_seed(42);
    conn.connect(Timestamp(0), URL, opts(r#"{"backoffMaxMs": 1000}"#))
        .expect("valid");
    let delays = failing_delays(&mut conn, 200);
    assert!(delays.iter().all(|d| *d <= 1_000));
    let distinct: std::collections::BTreeSet<_> = delays.iter().collect();
    assert!(
        distinct.len() > 50,
        "jitter varies: {} distinct",
        distinct.len()
    );
}

#[test]
fn attempts_reset_only_after_the_minimum_uptime() {
    let mut conn = connection(r#"{"minUptimeMs": 5000}"#, 1.0);
    failing_delays(&mut conn, 3);
    assert_eq!(conn.attempt(), 3);
    // Opens, but drops after 4 s: not stable, the count goes on.
    let now = conn.poll_timeout().map_or(0, |t| t.as_millis());
    conn.handle_open(Timestamp(now));
    conn.handle_close(Timestamp(now + 4_000), 1006, "", false);
    assert_eq!(conn.attempt(), 4);
    let at = conn.poll_timeout().expect("reconnect").as_millis();
    assert_eq!(at - (now + 4_000), 8_000, "ceiling of attempt 4");
    conn.handle_timeout(Timestamp(at));
    conn.handle_open(Timestamp(at));
    // Stable for 5 s: the next loss starts from attempt 1 again.
    conn.handle_close(Timestamp(at + 5_000), 1001, "", true);
    assert_eq!(conn.attempt(), 1);
    assert_eq!(conn.poll_timeout(), Some(Timestamp(at + 5_000 + 1_000)));
}

#[test]
fn retry_limit_gives_up_with_the_last_close() {
    let mut conn = connection(r#"{"maxRetries": 3}"#, 0.5);
    let delays = failing_delays(&mut conn, 3);
    assert_eq!(delays.len(), 3);
    events(&mut conn);
    conn.handle_close(Timestamp(1_000_000), 1011, "server error", false);
    assert_eq!(conn.state(), ConnState::GaveUp);
    assert_eq!(conn.poll_timeout(), None);
    let evs = events(&mut conn);
    assert!(evs.contains(&Event::State(ConnState::GaveUp)));
    assert!(evs.iter().any(
        |e| matches!(e, Event::GaveUp(Some(c)) if c.code == 1011 && c.reason == "server error")
    ));
    assert!(actions(&mut conn).contains(&Action::Watchdog(None)));
    assert_eq!(
        conn.status().last_error.map(|e| e.kind),
        Some("gave_up".into())
    );
    // Sending now says why.
    let err = conn
        .send(Timestamp(1_000_001), "x".into(), Default::default())
        .unwrap_err();
    assert_eq!(err, Error::GaveUp);
    // A new connect starts over.
    conn.connect(Timestamp(1_000_002), URL, Options::default())
        .expect("connect again");
    assert_eq!(conn.state(), ConnState::Connecting);
    assert_eq!(conn.attempt(), 0);
}

#[test]
fn close_code_policy() {
    for code in [1000, 1001, 1005, 1006, 1011, 1012, 1013, 4000] {
        let mut conn = connection("{}", 0.5);
        conn.handle_open(Timestamp(1));
        conn.handle_close(Timestamp(2), code, "", code != 1006);
        assert_eq!(conn.state(), ConnState::Backoff, "code {code} reconnects");
    }
    for code in [1002, 1003, 1007, 1008, 1009, 1010] {
        let mut conn = connection("{}", 0.5);
        conn.handle_open(Timestamp(1));
        conn.handle_close(Timestamp(2), code, "", true);
        assert_eq!(
            conn.state(),
            ConnState::Closed,
            "code {code} is fatal by default"
        );
        assert_eq!(conn.status().intent, Intent::Closed);
        assert!(actions(&mut conn).contains(&Action::Watchdog(None)));
    }
    let mut conn = connection(r#"{"fatalCloseCodes": [4001]}"#, 0.5);
    conn.handle_open(Timestamp(1));
    conn.handle_close(Timestamp(2), 4001, "auth", true);
    assert_eq!(conn.state(), ConnState::Closed);
    let mut conn = connection(r#"{"fatalCloseCodes": []}"#, 0.5);
    conn.handle_close(Timestamp(2), 1008, "", true);
    assert_eq!(
        conn.state(),
        ConnState::Backoff,
        "an empty list makes nothing fatal"
    );
    let mut conn = connection(r#"{"reconnect": false}"#, 0.5);
    conn.handle_close(Timestamp(2), 1006, "", false);
    assert_eq!(conn.state(), ConnState::Closed);
}

#[test]
fn the_callers_close_never_reconnects() {
    let mut conn = connection("{}", 0.5);
    conn.handle_open(Timestamp(1));
    conn.close(Timestamp(2), None, None).expect("valid");
    conn.handle_close(Timestamp(3), 1000, "", true);
    assert_eq!(conn.state(), ConnState::Closed);
    assert_eq!(conn.poll_timeout(), None);
    conn.handle_timeout(Timestamp(10_000_000));
    assert!(!actions(&mut conn)
        .iter()
        .any(|a| matches!(a, Action::Open { .. })));
    // Closing during backoff cancels the attempt.
    let mut conn = connection("{}", 0.5);
    conn.handle_close(Timestamp(1), 1006, "", false);
    assert_eq!(conn.state(), ConnState::Backoff);
    conn.close(Timestamp(2), None, None).expect("valid");
    assert_eq!(conn.state(), ConnState::Closed);
    assert_eq!(conn.poll_timeout(), None);
}

#[test]
fn offline_pauses_attempts_and_online_resumes_at_once() {
    let mut conn = connection(r#"{"backoffBaseMs": 10000}"#, 1.0);
    conn.handle_online(Timestamp(0), false);
    conn.handle_close(Timestamp(0), 1006, "", false);
    conn.handle_timeout(Timestamp(10_000));
    assert_eq!(conn.state(), ConnState::Backoff, "no attempt while offline");
    assert!(!actions(&mut conn)
        .iter()
        .any(|a| matches!(a, Action::Open { .. })));
    conn.handle_online(Timestamp(12_345), true);
    assert_eq!(conn.poll_timeout(), Some(Timestamp(12_345)));
    conn.handle_timeout(Timestamp(12_345));
    assert_eq!(conn.state(), ConnState::Connecting);
}

#[test]
fn long_delays_are_carried_by_a_wake_alarm() {
    let mut conn = connection(r#"{"backoffBaseMs": 40000, "backoffMaxMs": 40000}"#, 1.0);
    conn.handle_close(Timestamp(0), 1006, "", false);
    assert!(actions(&mut conn).contains(&Action::Wake(Some(Timestamp(40_000)))));
    conn.handle_timeout(Timestamp(40_000));
    conn.handle_open(Timestamp(40_010));
    assert!(
        actions(&mut conn).contains(&Action::Wake(None)),
        "cleared once open"
    );
    // Short delays need no alarm.
    let mut conn = connection(r#"{"backoffBaseMs": 1000}"#, 1.0);
    conn.handle_close(Timestamp(0), 1006, "", false);
    assert!(!actions(&mut conn)
        .iter()
        .any(|a| matches!(a, Action::Wake(_))));
}

#[test]
fn watchdog_follows_the_intent() {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, opts(r#"{"watchdogMs": 6000}"#))
        .expect("valid");
    assert_eq!(
        conn.poll_action(),
        Some(Action::Watchdog(Some(Millis::new(6_000))))
    );
    actions(&mut conn);
    conn.close(Timestamp(1), None, None).expect("valid");
    assert_eq!(conn.poll_action(), Some(Action::Watchdog(None)));
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, opts(r#"{"watchdog": false}"#))
        .expect("valid");
    assert_eq!(conn.poll_action(), Some(Action::Watchdog(None)));
}

#[test]
fn heartbeat_timeout_reconnects() {
    let mut conn = connection(
        r#"{"keepaliveMs": 5000, "heartbeatReply": "pong", "heartbeatTimeoutMs": 2000}"#,
        0.5,
    );
    conn.handle_open(Timestamp(0));
    conn.handle_timeout(Timestamp(5_000));
    assert!(actions(&mut conn).contains(&Action::Send("keep alive".into())));
    // The reply arrives: not an app message, the heartbeat is satisfied.
    conn.handle_message(Timestamp(5_100), "pong".into());
    events(&mut conn);
    conn.handle_timeout(Timestamp(7_100));
    assert_eq!(conn.state(), ConnState::Open);
    assert_eq!(conn.counters().received, 0);
    // Next time no reply: dead peer, the socket is dropped and retried.
    conn.handle_timeout(Timestamp(10_100));
    conn.handle_timeout(Timestamp(12_100));
    assert_eq!(conn.state(), ConnState::Backoff);
    assert!(actions(&mut conn).contains(&Action::Drop));
    assert!(events(&mut conn).contains(&Event::Error(Error::HeartbeatTimeout)));
}
