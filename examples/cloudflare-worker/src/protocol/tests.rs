//! The protocol module's native tests.

use super::*;

const KA: &str = DEFAULT_KEEPALIVE_MESSAGE;

fn rel<'a>(id: u64, dup: bool, payload: &'a str, data: &'a str) -> Frame<'a> {
    Frame::Reliable(Reliable {
        id,
        dup,
        payload: Cow::Borrowed(payload),
        data,
    })
}

#[test]
fn routes() {
    let ws = Some("websocket");
    let up = |room, client| Ok(Upgrade { room, client });
    assert_eq!(route("/ws/room-1", None, ws), up("room-1", None));
    assert_eq!(
        route("/ws/a", Some("x=1&client=c_9-Z&y"), Some("WebSocket")),
        up("a", Some("c_9-Z"))
    );
    assert_eq!(route("/ws/a", None, None), Err(Refusal::UpgradeRequired));
    assert_eq!(
        route("/ws/a", None, Some("h2c")),
        Err(Refusal::UpgradeRequired)
    );
    assert_eq!(route("/ws/a", None, Some("h2c, websocket")), up("a", None));
    for path in [
        "/",
        "/ws",
        "/ws/",
        "/ws/a/b",
        "/ws/a%20b",
        "/wss/a",
        "/x/ws/a",
    ] {
        assert_eq!(route(path, None, ws), Err(Refusal::NotFound), "{path}");
    }
    let long = format!("/ws/{}", "r".repeat(65));
    assert_eq!(route(&long, None, ws), Err(Refusal::NotFound));
    // The path first, then the client, then the upgrade.
    assert_eq!(
        route("/nope", Some("client=%"), None),
        Err(Refusal::NotFound)
    );
    assert_eq!(
        route("/ws/a", Some("client=%"), None),
        Err(Refusal::BadClient)
    );
    assert_eq!(
        route("/ws/a", Some("client=%"), ws),
        Err(Refusal::BadClient)
    );
    assert_eq!(
        route("/ws/a", Some("client=ok"), None),
        Err(Refusal::UpgradeRequired)
    );
}

#[test]
fn refusals() {
    assert_eq!(Refusal::NotFound.status(), 404);
    assert_eq!(Refusal::NotFound.body(), "Not Found");
    assert_eq!(Refusal::BadClient.status(), 400);
    assert_eq!(Refusal::UpgradeRequired.status(), 426);
    assert_eq!(
        Refusal::UpgradeRequired.body(),
        "Expected Upgrade: websocket"
    );
}

#[test]
fn client_ids() {
    assert_eq!(client_param(""), Ok(None));
    assert_eq!(client_param("a=1&b"), Ok(None));
    assert_eq!(client_param("client=abc"), Ok(Some("abc")));
    assert_eq!(
        client_param(&format!("client={}", "x".repeat(64))),
        Ok(Some("x".repeat(64).as_str()))
    );
    for bad in [
        "client",
        "client=",
        "client=a%41",
        "client=a+b",
        "client=a.b",
        "client=é",
        "client=a&client=a",
        "client=a&client=b",
    ] {
        assert_eq!(client_param(bad), Err(BadClient), "{bad}");
    }
    assert_eq!(
        client_param(&format!("client={}", "x".repeat(65))),
        Err(BadClient)
    );
    // Only the exact key counts.
    assert_eq!(client_param("clients=%&Client=%"), Ok(None));
}

#[test]
fn keepalive() {
    assert_eq!(classify("keep alive", KA), Frame::Keepalive);
    assert_eq!(classify("keep alive ", KA), Frame::App);
    assert_eq!(classify("ping", "ping"), Frame::Keepalive);
    assert_eq!(classify("keep alive", "ping"), Frame::App);
    // No keepalive text: nothing is one, not even the empty message.
    assert_eq!(classify("", ""), Frame::App);
}

#[test]
fn reliable_frames() {
    assert_eq!(
        classify(r#"{"type":"sw.msg","id":7,"dup":false,"data":"hi"}"#, KA),
        rel(7, false, "hi", r#""hi""#)
    );
    assert_eq!(
        classify(
            r#"{"type":"sw.msg","id":8,"dup":true,"data":{"b":1,"a":[2]}}"#,
            KA
        ),
        rel(8, true, r#"{"b":1,"a":[2]}"#, r#"{"b":1,"a":[2]}"#)
    );
    // Escapes in a string are decoded; other data keeps the client's text.
    assert_eq!(
        classify(r#"{"type":"sw.msg","id":1,"data":"a\"b\u00e9\n"}"#, KA),
        rel(1, false, "a\"bé\n", r#""a\"b\u00e9\n""#)
    );
    assert_eq!(
        classify(
            r#" { "data" : [1, 2] , "id" : 0 , "type" : "sw.msg" } "#,
            KA
        ),
        rel(0, false, "[1, 2]", "[1, 2]")
    );
    assert_eq!(
        classify(
            "{\"type\": \"sw.msg\",\n \"id\": 6,\t\"data\":  \"hi\" }",
            KA
        ),
        rel(6, false, "hi", r#""hi""#)
    );
    assert_eq!(
        classify(r#"{"type":"sw.msg","id":3}"#, KA),
        rel(3, false, "null", "null")
    );
    assert_eq!(
        classify(r#"{"type":"sw.msg","id":3,"data":null}"#, KA),
        rel(3, false, "null", "null")
    );
    assert_eq!(
        classify(r#"{"type":"sw.msg","id":9007199254740991,"data":1}"#, KA),
        rel(MAX_ID, false, "1", "1")
    );
    // An escaped type name is still the type.
    assert_eq!(
        classify(r#"{"type":"sw\u002emsg","id":2,"data":true}"#, KA),
        rel(2, false, "true", "true")
    );
    // Unknown fields are ignored.
    assert_eq!(
        classify(r#"{"type":"sw.msg","id":4,"data":5,"extra":{}}"#, KA),
        rel(4, false, "5", "5")
    );
}

#[test]
fn bad_reliable_frames() {
    for bad in [
        r#"{"type":"sw.msg"}"#,
        r#"{"type":"sw.msg","data":1}"#,
        r#"{"type":"sw.msg","id":"1","data":1}"#,
        r#"{"type":"sw.msg","id":1.5,"data":1}"#,
        r#"{"type":"sw.msg","id":1.0,"data":1}"#,
        r#"{"type":"sw.msg","id":-1,"data":1}"#,
        r#"{"type":"sw.msg","id":9007199254740992,"data":1}"#,
        r#"{"type":"sw.msg","id":18446744073709551616,"data":1}"#,
        r#"{"type":"sw.msg","id":null,"data":1}"#,
        r#"{"type":"sw.msg","id":1,"dup":"yes","data":1}"#,
        r#"{"type":"sw.msg","id":1,"id":2,"data":1}"#,
        r#"{"type":"sw.msg","id":1,"data":1,"data":2}"#,
        r#"{"type":"sw.msg","type":"sw.msg","id":1}"#,
        r#"{"type":"other","type":"sw.msg","id":1}"#,
    ] {
        assert_eq!(classify(bad, KA), Frame::BadReliable, "{bad}");
    }
}

#[test]
fn app_and_auth_frames() {
    for app in [
        "hello",
        "",
        "{",
        "{not json",
        r#"{"type":"sw.msg","id":1"#,
        r#"["sw.msg",1]"#,
        r#""sw.msg""#,
        r#"{"type":"chat","id":1}"#,
        r#"{"type":"sw.acked","id":1}"#,
        r#"{"kind":"sw.msg","id":1}"#,
        r#"{"type":1}"#,
        "{}",
    ] {
        assert_eq!(classify(app, KA), Frame::App, "{app}");
    }
    assert_eq!(
        classify(r#"{"type":"sw.auth","token":"secret"}"#, KA),
        Frame::Auth
    );
}

#[test]
fn dedup() {
    assert!(should_deliver(0, None));
    assert!(should_deliver(1, None));
    assert!(should_deliver(6, Some(5)));
    assert!(!should_deliver(5, Some(5)));
    assert!(!should_deliver(1, Some(5)));

    // A connection: 1..=3 delivered, then a reconnect resends 2 and 3 as
    // duplicates and goes on with 4.
    let mut highest = None;
    let mut delivered = Vec::new();
    for id in [1, 2, 3, 2, 3, 4] {
        // A delivered id is the new highest (should_deliver: above it).
        if should_deliver(id, highest) {
            delivered.push(id);
            highest = Some(id);
        }
    }
    assert_eq!(delivered, [1, 2, 3, 4]);
}

#[test]
fn acks_keys_and_closes() {
    assert_eq!(ack(42), r#"{"type":"sw.ack","id":42}"#);
    assert_eq!(client_key("abc"), "client:abc");
    assert_eq!(close_reply(1000), 1000);
    assert_eq!(close_reply(1001), 1001);
    assert_eq!(close_reply(4321), 4321);
    for reserved in [0, 999, 1005, 1006, 1015, 5000, u16::MAX] {
        assert_eq!(close_reply(reserved), 1000, "{reserved}");
    }
}

#[test]
fn attachment_round_trip() {
    let a = Attachment {
        client: Some("c".into()),
        highest: Some(9),
        conn: "0a1b".into(),
        resumed: true,
        acked: 12,
        ack_stored: 10,
    };
    let json = serde_json::to_string(&a).unwrap_or_default();
    assert_eq!(serde_json::from_str::<Attachment>(&json).ok(), Some(a));
    // An attachment of an older version has none of the inbound fields.
    let old = serde_json::from_str::<Attachment>(r#"{"client":null,"highest":3}"#).ok();
    assert_eq!(
        old,
        Some(Attachment {
            highest: Some(3),
            ..Attachment::default()
        })
    );
}
