//! Sleeping when idle (`sleepAfterMs`, `wakeEveryMs`): only application data
//! keeps the socket up; asleep, an alarm wakes it to catch up and it sleeps
//! again; a send wakes it at once; close ends the schedule; a snapshot
//! taken asleep restores asleep. Driven by a virtual clock and a small
//! simulated server (`support/sim.rs`) that stores pushes and replays them
//! on resume.

mod support;

use support::native::*;
use support::sim::{Sim, SLEEPY};
use sw_websocket::core::{
    Action, ConnState, Connection, Message, Timestamp, SLEEP_REASON, WAKE_LINGER,
};

#[test]
fn only_application_data_keeps_it_awake() {
    let mut sim = Sim::new(SLEEPY);
    assert_eq!(sim.opens, [0]);
    // Keepalives every 5 s and protocol frames do not count.
    sim.run_until(8_000);
    sim.conn.handle_message(
        Timestamp(8_000),
        Message::Text(r#"{"type":"sw.ack","id":1}"#.into()),
    );
    // An application message at 10 s does: no sleep before 30 s.
    sim.run_until(10_000);
    sim.conn
        .handle_message(Timestamp(10_000), Message::Text("hello".into()));
    sim.run_until(29_999);
    assert_eq!(sim.state(), ConnState::Open);
    assert!(sim.closes.is_empty());
    sim.run_until(30_000);
    assert_eq!(sim.closes, [(30_000, 1000, SLEEP_REASON.to_owned())]);
    assert_eq!(sim.state(), ConnState::Sleeping);
    // A send of the app counts the same way.
    let mut sim = Sim::new(SLEEPY);
    sim.run_until(15_000);
    sim.conn
        .send(Timestamp(15_000), Message::Text("out".into()), PLAIN)
        .expect("open");
    sim.run_until(34_999);
    assert_eq!(sim.state(), ConnState::Open);
    sim.run_until(35_000);
    assert_eq!(sim.state(), ConnState::Sleeping);
}

#[test]
fn asleep_an_alarm_wakes_it_it_catches_up_and_sleeps_again() {
    let mut sim = Sim::new(SLEEPY);
    sim.run_until(20_010);
    assert_eq!(sim.state(), ConnState::Sleeping);
    let asleep_at = sim.closes[0].0;
    let wake_at = asleep_at + 60_000;
    assert_eq!(sim.conn.status().wake_at, Some(wake_at));
    // The watchdog alarm goes (it would keep waking the worker), the wake alarm is set.
    let alarms: Vec<&Action> = sim
        .alarms
        .iter()
        .filter(|(at, _)| *at == asleep_at)
        .map(|(_, a)| a)
        .collect();
    assert!(alarms.contains(&&Action::Watchdog(None)), "{alarms:?}");
    assert!(
        alarms.contains(&&Action::Wake(Some(Timestamp(wake_at)))),
        "{alarms:?}"
    );
    // Pushed while asleep: nothing happens until the wake.
    sim.now = asleep_at + 1_000;
    sim.push(1, "one");
    sim.push(2, "two");
    sim.run_until(wake_at - 1);
    assert_eq!((sim.opens.len(), sim.handled.len()), (1, 0));
    sim.run_until(wake_at);
    assert_eq!(sim.opens, [0, wake_at]);
    assert!(sim
        .alarms
        .iter()
        .any(|(at, a)| *at == wake_at && matches!(a, Action::Watchdog(Some(_)))));
    let ids: Vec<u64> = sim.handled.iter().map(|h| h.0).collect();
    assert_eq!(ids, [1, 2]);
    // It handled data: awake for sleepAfterMs after it, then asleep again.
    let handled_at = sim.handled[1].2;
    sim.run_until(handled_at + 19_999);
    assert_eq!(sim.state(), ConnState::Open);
    sim.run_until(handled_at + 20_000);
    assert_eq!(sim.state(), ConnState::Sleeping);
    assert_eq!(sim.acked, 2, "acked before it slept");
    // A wake that brings nothing sleeps again WAKE_LINGER after its open.
    let next = sim.conn.status().wake_at.expect("asleep");
    sim.run_until(next + 10 + WAKE_LINGER.get());
    assert_eq!(sim.state(), ConnState::Sleeping);
    assert_eq!(
        sim.closes.last().map(|c| c.0),
        Some(next + 10 + WAKE_LINGER.get())
    );
}

#[test]
fn ten_hours_of_sleep_wake_catch_up_sleep() {
    let mut sim = Sim::new(SLEEPY);
    let hours = 10 * 3_600_000;
    let mut pushed = Vec::new();
    let mut id = 0;
    while sim.now < hours {
        // The server stores a message every 90 s, whatever the client does.
        let next_push = (id + 1) * 90_000;
        sim.run_until(next_push);
        id += 1;
        sim.push(id, &format!("m{id}"));
        pushed.push((id, next_push));
    }
    sim.run_until(hours + 120_000);
    let ids: Vec<u64> = sim.handled.iter().map(|h| h.0).collect();
    let want: Vec<u64> = pushed.iter().map(|p| p.0).collect();
    assert_eq!(ids, want, "each handled once, in order");
    for ((_, pushed_at), (_, _, handled_at)) in pushed.iter().zip(&sim.handled) {
        assert!(
            handled_at - pushed_at <= 60_000 + 10,
            "pushed {pushed_at}, handled {handled_at}"
        );
    }
    // One socket per wake, and asleep most of the time.
    let wakes = sim
        .alarms
        .iter()
        .filter(|(_, a)| matches!(a, Action::Wake(Some(_))))
        .count();
    assert!(
        sim.opens.len() <= wakes + 1,
        "{} opens for {wakes} wakes",
        sim.opens.len()
    );
    let mut open_ms = 0;
    for (i, opened) in sim.opens.iter().enumerate() {
        let closed = sim.closes.get(i).map_or(sim.now, |c| c.0);
        open_ms += closed - opened;
    }
    let share = open_ms as f64 / sim.now as f64;
    assert!(share < 0.3, "open {:.0}% of the time", share * 100.0);
    assert_eq!(sim.acked, id);
}

#[test]
fn a_send_while_asleep_connects_at_once() {
    let mut sim = Sim::new(SLEEPY);
    sim.run_until(20_010);
    assert_eq!(sim.state(), ConnState::Sleeping);
    sim.now = 25_000;
    sim.conn
        .send(Timestamp(25_000), Message::Text("now".into()), PLAIN)
        .expect("queued");
    sim.settle();
    assert_eq!(sim.opens, [0, 25_000]);
    assert_eq!(sim.app_frames, ["now"]);
    assert!(sim
        .alarms
        .iter()
        .any(|(at, a)| *at == 25_000 && *a == Action::Wake(None)));
    // The send was application data: awake for sleepAfterMs after it.
    sim.run_until(25_010 + 19_999);
    assert_eq!(sim.state(), ConnState::Open);
    sim.run_until(25_010 + 20_000);
    assert_eq!(sim.state(), ConnState::Sleeping);
}

#[test]
fn close_while_asleep_ends_the_schedule() {
    let mut sim = Sim::new(SLEEPY);
    sim.run_until(20_010);
    sim.now = 30_000;
    sim.conn
        .close(Timestamp(30_000), None, None)
        .expect("closes");
    sim.settle();
    assert_eq!(sim.state(), ConnState::Closed);
    let last: Vec<&Action> = sim
        .alarms
        .iter()
        .filter(|(at, _)| *at == 30_000)
        .map(|(_, a)| a)
        .collect();
    assert!(last.contains(&&Action::Wake(None)), "{last:?}");
    sim.run_until(3_600_000);
    assert_eq!(sim.opens, [0], "no wake after close");
    assert_eq!(sim.conn.poll_timeout(), None);
}

#[test]
fn work_in_flight_holds_the_sleep_back() {
    let mut sim = Sim::new(SLEEPY);
    sim.run_until(1_000);
    // A reliable send the server does not ack (the Sim acks nothing of those).
    sim.conn
        .send(Timestamp(1_000), Message::Text("r".into()), RELIABLE)
        .expect("queued");
    sim.settle();
    sim.run_until(60_000);
    assert_eq!(
        sim.state(),
        ConnState::Open,
        "not while a send waits for its ack"
    );
    sim.conn.handle_message(
        Timestamp(60_000),
        Message::Text(r#"{"type":"sw.ack","id":1}"#.into()),
    );
    sim.run_until(60_000 + WAKE_LINGER.get());
    assert_eq!(sim.state(), ConnState::Sleeping);
}

#[test]
fn the_options_are_checked() {
    let mut conn = Connection::new();
    for (options, error) in [
        (
            r#"{"wakeEveryMs": 60000}"#,
            "wakeEveryMs needs sleepAfterMs",
        ),
        (
            r#"{"sleepAfterMs": 20000, "wakeEveryMs": 29999}"#,
            "wakeEveryMs must be from 30000",
        ),
        (r#"{"sleepAfterMs": 999}"#, "sleepAfterMs must be from 1000"),
    ] {
        let got = conn
            .connect(Timestamp(0), URL, opts(options))
            .expect_err(options)
            .to_string();
        assert!(got.contains(error), "{options}: {got}");
    }
    conn.connect(Timestamp(0), URL, opts(r#"{"sleepAfterMs": 20000}"#))
        .expect("default period");
    let every = conn.config().sleep().map(|s| s.wake_every().get());
    assert_eq!(every, Some(300_000));
}
