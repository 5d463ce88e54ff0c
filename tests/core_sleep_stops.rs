//! Sleeping when idle across worker stops: a snapshot taken asleep restores
//! asleep until its wake (the alarm set again, never the watchdog), and a
//! worker stopped between the steps of falling asleep or waking connects at
//! once on its next start.

mod support;

use support::native::*;
use support::sim::{Sim, SLEEPY};
use sw_websocket::core::{Action, ConnState, Connection, Timestamp, WAKE_LINGER};

#[test]
fn a_snapshot_taken_asleep_restores_asleep_until_its_wake() {
    let mut sim = Sim::new(SLEEPY);
    sim.run_until(20_010);
    let until = sim.conn.status().wake_at.expect("asleep");
    let snapshot = sim.conn.snapshot();
    assert_eq!(snapshot.sleep_until, Some(until));
    // A worker that starts again before the wake (any event woke it).
    let mut conn = Connection::new();
    conn.restore(Timestamp(until - 30_000), snapshot.clone(), None)
        .expect("restores");
    let acts = actions(&mut conn);
    assert_eq!(conn.state(), ConnState::Sleeping);
    assert!(
        !acts.iter().any(|a| matches!(a, Action::Open { .. })),
        "{acts:?}"
    );
    assert!(
        acts.contains(&Action::Wake(Some(Timestamp(until)))),
        "the alarm again: {acts:?}"
    );
    let watchdogs: Vec<&Action> = acts
        .iter()
        .filter(|a| matches!(a, Action::Watchdog(_)))
        .collect();
    assert_eq!(
        watchdogs,
        [&Action::Watchdog(None)],
        "never set while asleep"
    );
    conn.handle_timeout(Timestamp(until));
    assert!(actions(&mut conn)
        .iter()
        .any(|a| matches!(a, Action::Open { .. })));
    // One started by the wake alarm itself: connects at once, and lingers
    // only WAKE_LINGER when nothing comes.
    let mut conn = Connection::new();
    conn.restore(Timestamp(until + 5), snapshot, None)
        .expect("restores");
    assert_eq!(conn.state(), ConnState::Connecting);
    actions(&mut conn);
    conn.handle_open(Timestamp(until + 50));
    actions(&mut conn);
    conn.handle_timeout(Timestamp(until + 50 + WAKE_LINGER.get()));
    assert!(actions(&mut conn)
        .iter()
        .any(|a| matches!(a, Action::Close { code: 1000, .. })));
}

#[test]
fn a_worker_stopped_between_the_steps_of_falling_asleep_or_waking_loses_nothing() {
    let mut sim = Sim::new(SLEEPY);
    sim.run_until(19_000);
    // Stopped during the closing handshake to sleep: the snapshot of that
    // moment is not asleep yet, so the next worker connects at once.
    sim.conn.handle_timeout(Timestamp(20_010));
    assert_eq!(sim.conn.state(), ConnState::Closing);
    let closing = sim.conn.snapshot();
    assert_eq!(closing.sleep_until, None);
    let mut conn = Connection::new();
    conn.restore(Timestamp(21_000), closing, None)
        .expect("restores");
    assert_eq!(conn.state(), ConnState::Connecting);
    // Stopped after the wake's timer fired but before the socket opened and
    // anything was written: the stored snapshot still says asleep, with a
    // wake time past, so the next worker wakes at once.
    let mut sim = Sim::new(SLEEPY);
    sim.run_until(20_010);
    let asleep = sim.conn.snapshot();
    let until = asleep.sleep_until.expect("asleep");
    let mut conn = Connection::new();
    conn.restore(Timestamp(until + 1), asleep, None)
        .expect("restores");
    assert_eq!(conn.state(), ConnState::Connecting);
    assert!(
        actions(&mut conn).contains(&Action::Watchdog(Some(sw_websocket::core::Millis(30_000))))
    );
}
