//! State transitions of the connection.

mod support;

use support::native::*;
use sw_websocket::core::{
    Action, ConnState, Connection, Error, Event, Intent, Message, Millis, Options, SendOptions,
    Timestamp,
};

const URL: &str = "ws://localhost:9000/ws";

#[test]
fn open_send_receive_close() {
    let mut conn = Connection::new();
    assert_eq!(conn.state(), ConnState::Idle);
    conn.connect(Timestamp(0), URL, Options::default())
        .expect("valid");
    assert_eq!(
        actions(&mut conn),
        vec![
            Action::Watchdog(Some(Millis::new(30_000))),
            Action::Open {
                url: URL.into(),
                protocols: vec![]
            }
        ]
    );
    assert_eq!(events(&mut conn), vec![Event::State(ConnState::Connecting)]);
    conn.handle_open(Timestamp(5));
    assert_eq!(
        events(&mut conn),
        vec![Event::State(ConnState::Open), Event::Open]
    );
    conn.send(Timestamp(6), Message::from("hi"), SendOptions::default())
        .expect("open");
    assert_eq!(actions(&mut conn), vec![Action::Send(Message::from("hi"))]);
    conn.handle_message(Timestamp(7), Message::Binary(vec![0, 255]));
    assert_eq!(
        events(&mut conn),
        vec![Event::Message(Message::Binary(vec![0, 255]))]
    );
    conn.close(Timestamp(8), Some(4000), Some("bye"))
        .expect("valid");
    assert_eq!(
        actions(&mut conn),
        vec![
            Action::Watchdog(None),
            Action::Close {
                code: 4000,
                reason: "bye".into()
            }
        ]
    );
    assert_eq!(conn.state(), ConnState::Closing);
    conn.handle_close(Timestamp(9), 4000, "bye", true);
    let evs = events(&mut conn);
    assert!(
        matches!(&evs[..], [Event::State(ConnState::Closing), Event::Close(info), Event::State(ConnState::Closed)] if info.code == 4000 && info.was_clean)
    );
    let status = conn.status();
    assert_eq!(
        (status.state, status.intent),
        (ConnState::Closed, Intent::Closed)
    );
    assert_eq!(
        (
            status.counters.connects,
            status.counters.sent,
            status.counters.received
        ),
        (1, 1, 1)
    );
    assert_eq!(status.last_close.map(|c| c.reason), Some("bye".into()));
}

#[test]
fn send_before_open_is_not_open_and_too_large_is_rejected() {
    let mut conn = Connection::new();
    assert_eq!(
        conn.send(Timestamp(0), Message::from("x"), SendOptions::default()),
        Err(Error::NotOpen)
    );
    conn.connect(Timestamp(0), URL, opts(r#"{"maxMessageBytes": 4}"#))
        .expect("valid");
    conn.handle_open(Timestamp(1));
    let err = conn
        .send(
            Timestamp(2),
            Message::Binary(vec![0; 5]),
            SendOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err, Error::MessageTooLarge { size: 5, max: 4 });
    assert!(conn
        .send(
            Timestamp(2),
            Message::Binary(vec![0; 4]),
            SendOptions::default()
        )
        .is_ok());
}

#[test]
fn connect_twice_is_an_error_and_bad_input_changes_nothing() {
    let mut conn = Connection::new();
    assert_eq!(
        conn.connect(Timestamp(0), "ws://example.com", Options::default())
            .unwrap_err()
            .kind(),
        "insecure_url"
    );
    assert_eq!(conn.state(), ConnState::Idle);
    assert!(actions(&mut conn).is_empty());
    conn.connect(Timestamp(0), URL, Options::default())
        .expect("valid");
    assert_eq!(
        conn.connect(Timestamp(1), URL, Options::default()),
        Err(Error::AlreadyConnected)
    );
    assert_eq!(
        conn.close(Timestamp(1), Some(1001), None),
        Err(Error::InvalidCloseCode(1001))
    );
    assert_eq!(conn.state(), ConnState::Connecting);
}

#[test]
fn connect_timeout_drops_the_socket() {
    let mut conn = Connection::new();
    conn.connect(
        Timestamp(0),
        URL,
        opts(r#"{"connectTimeoutMs": 3000, "reconnect": false}"#),
    )
    .expect("valid");
    let _ = actions(&mut conn);
    assert_eq!(conn.poll_timeout(), Some(Timestamp(3_000)));
    conn.handle_timeout(Timestamp(3_000));
    assert_eq!(
        actions(&mut conn),
        vec![Action::Drop, Action::Watchdog(None)]
    );
    let evs = events(&mut conn);
    assert!(evs.contains(&Event::Error(Error::ConnectTimeout)));
    assert_eq!(conn.state(), ConnState::Closed);
    assert_eq!(
        conn.status().last_error.map(|e| e.kind),
        Some("connect_timeout".into())
    );
    // A late open from the dropped socket changes nothing.
    conn.handle_open(Timestamp(3_001));
    assert_eq!(conn.state(), ConnState::Closed);
}

#[test]
fn unanswered_close_is_dropped_after_the_close_timeout() {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, opts(r#"{"closeTimeoutMs": 2000}"#))
        .expect("valid");
    conn.handle_open(Timestamp(1));
    conn.close(Timestamp(10), None, None).expect("valid");
    let _ = actions(&mut conn);
    conn.handle_timeout(Timestamp(2_010));
    assert_eq!(actions(&mut conn), vec![Action::Drop]);
    assert_eq!(conn.state(), ConnState::Closed);
}

#[test]
fn error_then_close_from_the_browser() {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, Options::default())
        .expect("valid");
    conn.handle_error(Timestamp(1));
    conn.handle_close(Timestamp(1), 1006, "", false);
    let evs = events(&mut conn);
    assert!(matches!(evs.get(1), Some(Event::Error(Error::Socket(_)))));
    // The caller did not close: the connection waits to reconnect.
    assert!(matches!(evs.last(), Some(Event::State(ConnState::Backoff))));
    assert_eq!(conn.status().intent, Intent::Open);
}

#[test]
fn connect_while_closing_replaces_the_socket() {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, Options::default())
        .expect("valid");
    conn.handle_open(Timestamp(1));
    conn.close(Timestamp(2), None, None).expect("valid");
    let _ = actions(&mut conn);
    conn.connect(Timestamp(3), URL, Options::default())
        .expect("valid");
    let acts = actions(&mut conn);
    assert!(matches!(
        &acts[..],
        [Action::Drop, Action::Watchdog(Some(_)), Action::Open { .. }]
    ));
    assert_eq!(conn.state(), ConnState::Connecting);
    assert_eq!(conn.counters().connects, 2);
}
