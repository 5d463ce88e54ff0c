//! Messages whose payload the shell keeps (`send_in_place`,
//! `handle_message_in_place`): the same checks, counters and timers as the
//! copied path, and no copy where the copied path would queue or read it.

mod support;

use support::native::*;
use sw_websocket::core::{Connection, Error, Event, Message, SendOptions, Timestamp, ACK_MARK};

fn conn(options: &str) -> Connection {
    let mut conn = Connection::new();
    let options = opts(options);
    conn.connect(Timestamp(0), URL, options).expect("valid");
    while conn.poll_action().is_some() {}
    conn
}

#[test]
fn in_place_send_goes_only_to_an_open_socket_and_is_counted() {
    let mut c = conn("{}");
    // Connecting: the copied path must queue it.
    assert_eq!(c.send_in_place(Timestamp(1), 10, &PLAIN), Ok(false));
    c.handle_open(Timestamp(2));
    while c.poll_action().is_some() {}
    assert_eq!(c.send_in_place(Timestamp(3), 10, &PLAIN), Ok(true));
    assert_eq!(c.status().counters.sent, 1);
    // It asks for no action: the shell sends the value itself.
    assert!(c.poll_action().is_none());
    // It is activity: the keepalive moves.
    assert_eq!(c.poll_timeout(), Some(Timestamp(3 + 20_000)));
}

#[test]
fn in_place_send_has_the_checks_of_send() {
    let mut c = conn(r#"{"maxMessageBytes": 100}"#);
    c.handle_open(Timestamp(1));
    assert!(matches!(
        c.send_in_place(Timestamp(2), 101, &PLAIN),
        Err(Error::MessageTooLarge {
            size: 101,
            max: 100
        })
    ));
    let reliable = SendOptions {
        reliable: Some(true),
    };
    assert_eq!(c.send_in_place(Timestamp(2), 10, &reliable), Ok(false));
    c.close(Timestamp(3), None, None).expect("closes");
    assert_eq!(
        c.send_in_place(Timestamp(4), 10, &PLAIN),
        Err(Error::NotOpen)
    );
}

#[test]
fn in_place_message_is_counted_like_a_copied_one() {
    let mut c = conn("{}");
    assert!(
        !c.handle_message_in_place(Timestamp(1)),
        "nothing is open yet"
    );
    c.handle_open(Timestamp(2));
    events(&mut c);
    assert!(c.handle_message_in_place(Timestamp(5)));
    c.handle_message(Timestamp(6), Message::Text("copied".into()));
    assert_eq!(c.status().counters.received, 2);
    assert_eq!(
        events(&mut c),
        [Event::Message(Message::Text("copied".into()))]
    );
    assert_eq!(c.poll_timeout(), Some(Timestamp(6 + 20_000)));
}

#[test]
fn protocol_frames_are_recognisable_without_a_copy() {
    let mut c = conn(r#"{"heartbeatReply": "pong"}"#);
    c.handle_open(Timestamp(1));
    events(&mut c);
    assert_eq!(c.heartbeat_reply(), Some("pong"));
    assert!(r#"{"type":"sw.ack","id":3}"#.contains(ACK_MARK));
    // Replies and acks, given to the copied path, reach neither the app nor the count.
    c.handle_message(Timestamp(2), Message::Text("pong".into()));
    c.handle_message(
        Timestamp(3),
        Message::Text(r#"{"type":"sw.ack","id":3}"#.into()),
    );
    assert_eq!(c.status().counters.received, 0);
    assert_eq!(events(&mut c), [Event::Ack(3)]);
    assert_eq!(conn("{}").heartbeat_reply(), None);
}

/// The shell dispatches an in-place message after the core call and the
/// drive that follows it: that keeps the order of the copied path only if
/// the call itself asks for nothing and reports nothing, in any state (a
/// heartbeat wait, a sleep schedule, reliable inbound, closing).
#[test]
fn in_place_message_queues_no_action_and_no_event() {
    let configs = [
        "{}",
        r#"{"heartbeatReply": "pong", "heartbeatTimeoutMs": 5000}"#,
        r#"{"sleepAfterMs": 60000}"#,
        r#"{"reliableInbound": true}"#,
    ];
    for options in configs {
        let mut c = conn(options);
        c.handle_open(Timestamp(1));
        while c.poll_action().is_some() {}
        events(&mut c);
        // A keepalive (and with it a heartbeat wait) is under way.
        c.handle_timeout(Timestamp(1 + 20_000));
        while c.poll_action().is_some() {}
        events(&mut c);
        for at in [20_002, 20_003] {
            assert!(c.handle_message_in_place(Timestamp(at)), "{options}");
            assert!(c.poll_action().is_none(), "{options}: an action at {at}");
            assert!(events(&mut c).is_empty(), "{options}: an event at {at}");
        }
        c.close(Timestamp(20_004), None, None).expect("closes");
        while c.poll_action().is_some() {}
        events(&mut c);
        assert!(
            c.handle_message_in_place(Timestamp(20_005)),
            "{options}: closing still delivers"
        );
        assert!(
            c.poll_action().is_none() && events(&mut c).is_empty(),
            "{options}: closing"
        );
    }
}
