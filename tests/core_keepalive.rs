//! The activity-aware keepalive, driven by a virtual clock.

mod support;

use support::native::*;
use sw_websocket::core::{
    Action, ConnState, Connection, Event, Message, Options, SendOptions, Timestamp,
};

const URL: &str = "ws://127.0.0.1:9000/ws";

/// Runs the connection until `end`, firing timers exactly at their deadlines
/// and calling `traffic` at each of its times; returns every action with its time.
fn run(
    conn: &mut Connection,
    end: u64,
    traffic: &mut dyn FnMut(&mut Connection, u64) -> Option<u64>,
    first_traffic: Option<u64>,
) -> Vec<(u64, Action)> {
    let mut log = Vec::new();
    let mut next_traffic = first_traffic;
    loop {
        while let Some(action) = conn.poll_action() {
            log.push((u64::MAX, action));
        }
        let timer = conn.poll_timeout().map(|t| t.as_millis());
        let now = match (timer, next_traffic) {
            (Some(t), Some(n)) => t.min(n),
            (Some(t), None) => t,
            (None, Some(n)) => n,
            (None, None) => break,
        };
        if now > end {
            break;
        }
        if next_traffic == Some(now) {
            next_traffic = traffic(conn, now);
        }
        conn.handle_timeout(Timestamp(now));
        while let Some(action) = conn.poll_action() {
            log.push((now, action));
        }
    }
    log
}

fn open_connection(config: Options) -> Connection {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, config).expect("valid");
    assert!(std::iter::from_fn(|| conn.poll_action()).any(|a| matches!(a, Action::Open { .. })));
    conn.handle_open(Timestamp(0));
    while conn.poll_action().is_some() {}
    conn
}

fn keepalive_times(log: &[(u64, Action)]) -> Vec<u64> {
    log.iter()
        .filter(|(_, a)| matches!(a, Action::Send(Message::Text(t)) if t == "keep alive"))
        .map(|(t, _)| *t)
        .collect()
}

#[test]
fn idle_connection_gets_a_keepalive_every_interval_for_20_intervals() {
    let mut conn = open_connection(Options::default());
    let interval = 20_000;
    let log = run(&mut conn, 20 * interval, &mut |_, _| None, None);
    let times = keepalive_times(&log);
    assert_eq!(times.len(), 20, "one keepalive per interval: {times:?}");
    let mut last = 0;
    for t in &times {
        assert_eq!(t - last, interval, "gap between data frames");
        last = *t;
    }
    assert_eq!(conn.counters().keepalives, 20);
    assert_eq!(conn.status().state, ConnState::Open);
    assert!(conn.status().opened_at.is_some());
}

#[test]
fn steady_outgoing_traffic_sends_no_keepalive() {
    let mut conn = open_connection(opts(r#"{"keepaliveMs": 5000}"#));
    let mut send_every_second = |c: &mut Connection, now: u64| {
        c.send(
            Timestamp(now),
            Message::from("tick"),
            SendOptions::default(),
        )
        .expect("open");
        Some(now + 1_000)
    };
    let log = run(&mut conn, 200_000, &mut send_every_second, Some(1_000));
    assert_eq!(keepalive_times(&log), Vec::<u64>::new());
    assert_eq!(conn.counters().keepalives, 0);
    assert_eq!(conn.counters().sent, 200);
}

#[test]
fn steady_incoming_traffic_sends_no_keepalive() {
    let mut conn = open_connection(opts(r#"{"keepaliveMs": 5000}"#));
    let mut receive = |c: &mut Connection, now: u64| {
        c.handle_message(Timestamp(now), Message::Binary(vec![1, 2, 3]));
        Some(now + 4_999)
    };
    let log = run(&mut conn, 100_000, &mut receive, Some(4_999));
    assert!(keepalive_times(&log).is_empty());
    assert_eq!(conn.counters().received, 20);
}

#[test]
fn keepalive_waits_a_full_interval_after_the_last_message() {
    let mut conn = open_connection(opts(r#"{"keepaliveMs": 10000}"#));
    let mut once = |c: &mut Connection, now: u64| {
        c.handle_message(Timestamp(now), Message::from("hello"));
        None
    };
    let log = run(&mut conn, 35_000, &mut once, Some(7_000));
    assert_eq!(keepalive_times(&log), vec![17_000, 27_000]);
}

#[test]
fn no_gap_ever_exceeds_the_interval_with_sparse_traffic() {
    let interval = 20_000;
    let mut conn = open_connection(Options::default());
    // Traffic at irregular times; the keepalive must fill every silence.
    let times = [3_000u64, 45_000, 46_000, 90_000, 150_000, 151_500, 300_000];
    let mut idx = 0;
    let mut traffic = |c: &mut Connection, now: u64| {
        c.send(
            Timestamp(now),
            Message::from("data"),
            SendOptions::default(),
        )
        .expect("open");
        idx += 1;
        times.get(idx).copied()
    };
    let log = run(&mut conn, 20 * interval, &mut traffic, Some(times[0]));
    let mut frames: Vec<u64> = log
        .iter()
        .filter(|(_, a)| matches!(a, Action::Send(_)))
        .map(|(t, _)| *t)
        .collect();
    frames.insert(0, 0);
    let max_gap = frames.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
    assert!(max_gap <= interval, "largest silence {max_gap} ms");
    let tail = 20 * interval - frames.last().copied().unwrap_or(0);
    assert!(tail <= interval);
}

#[test]
fn keepalive_off_sends_nothing_and_sets_no_timer() {
    let mut conn = open_connection(opts(r#"{"keepalive": false}"#));
    assert_eq!(conn.poll_timeout(), None);
    conn.handle_timeout(Timestamp(1_000_000));
    assert!(conn.poll_action().is_none());
    assert_eq!(conn.counters().keepalives, 0);
}

#[test]
fn custom_keepalive_message_is_sent() {
    let mut conn = open_connection(opts(r#"{"keepaliveMessage": "{\"type\":\"ka\"}"}"#));
    conn.handle_timeout(Timestamp(20_000));
    assert_eq!(
        conn.poll_action(),
        Some(Action::Send(Message::from("{\"type\":\"ka\"}")))
    );
    while conn.poll_event().is_some() {}
    // The keepalive is not an application message.
    assert_eq!(conn.counters().sent, 0);
}

#[test]
fn no_keepalive_before_open_or_after_close() {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, opts(r#"{"connectTimeoutMs": 60000}"#))
        .expect("valid");
    while conn.poll_action().is_some() {}
    conn.handle_timeout(Timestamp(25_000));
    let during = conn.poll_action();
    assert!(during.is_none(), "nothing while connecting: {during:?}");
    conn.handle_open(Timestamp(25_000));
    conn.close(Timestamp(26_000), None, None).expect("valid");
    conn.handle_close(Timestamp(26_100), 1000, "", true);
    while conn.poll_action().is_some() {}
    assert_eq!(conn.poll_timeout(), None);
    assert!(matches!(
        std::iter::from_fn(|| conn.poll_event()).last(),
        Some(Event::State(_))
    ));
}
