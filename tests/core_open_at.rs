//! `openAt`, the snapshot's hint for the JS that starts a worker: it says
//! when a worker started with that snapshot opens its socket at once, and to
//! what. Checked against what `restore` then does, in every kind of state.

mod support;

use support::native::*;
use sw_websocket::core::{Action, Connection, Protocols, Snapshot, Timestamp};

const T: u64 = 1_700_000_000_000;

fn connected(options: &str) -> Connection {
    let mut conn = Connection::new();
    conn.connect(Timestamp(T), URL, opts(options))
        .expect("connect");
    conn.handle_open(Timestamp(T));
    conn
}

/// The Open action `restore` asks for at `now`, if any: (url, protocols).
fn opens_at(snapshot: &Snapshot, secret: Option<&str>, now: u64) -> Option<(String, Vec<String>)> {
    let mut conn = Connection::new();
    conn.handle_worker_start();
    conn.restore(Timestamp(now), snapshot.clone(), secret.map(str::to_owned))
        .expect("restores");
    actions(&mut conn).into_iter().find_map(|a| match a {
        Action::Open { url, protocols } => Some((url, protocols)),
        _ => None,
    })
}

/// The hint agrees with `restore`: no open before `openAt`, an open to the
/// stored URL with the stored protocols from then on; none at all without it.
fn check(name: &str, conn: &Connection, secret: Option<&str>) -> Option<u64> {
    let snapshot = conn.snapshot();
    let back = stored(&to_json_value(&snapshot)).expect("reads back");
    assert_eq!(back.open_at, snapshot.open_at, "{name}: written and read");
    let Some(at) = snapshot.open_at else {
        if let Some((url, _)) = opens_at(&snapshot, secret, T + 86_400_000) {
            assert_ne!(
                Some(url.as_str()),
                snapshot.url.as_deref(),
                "{name}: opens as stored without the hint"
            );
        }
        return None;
    };
    let from = at.max(T);
    // As JS reads them: one string or a list.
    let protocols = match snapshot.options.protocols.clone() {
        None => vec![],
        Some(Protocols::One(p)) => vec![p],
        Some(Protocols::Many(list)) => list,
    };
    let expected = Some((snapshot.url.clone().expect("a URL"), protocols));
    assert_eq!(
        opens_at(&snapshot, secret, from),
        expected,
        "{name}: at openAt"
    );
    assert_eq!(
        opens_at(&snapshot, secret, from + 60_000),
        expected,
        "{name}: later"
    );
    if at > T {
        assert_eq!(
            opens_at(&snapshot, secret, at - 1),
            None,
            "{name}: before openAt"
        );
    }
    Some(at)
}

#[test]
fn open_connected_and_connecting_open_at_once() {
    let open = connected(r#"{"protocols": ["chat", "v2"]}"#);
    assert_eq!(check("open", &open, None), Some(0));
    let one = connected(r#"{"protocols": "chat"}"#);
    assert_eq!(check("one protocol", &one, None), Some(0));
    let mut connecting = Connection::new();
    connecting
        .connect(Timestamp(T), URL, opts("{}"))
        .expect("connect");
    assert_eq!(check("connecting", &connecting, None), Some(0));
}

#[test]
fn backoff_and_sleep_open_once_they_are_over() {
    let mut backoff = connected("{}");
    backoff.handle_close(Timestamp(T + 10), 1006, "", false);
    let at = check("backoff", &backoff, None).expect("opens after the backoff");
    assert!(at > T + 10, "{at}");

    let mut asleep = connected(r#"{"sleepAfterMs": 1000, "wakeEveryMs": 60000}"#);
    asleep.handle_timeout(Timestamp(T + 1_000));
    asleep.handle_close(Timestamp(T + 1_000), 1000, "", true);
    assert_eq!(check("asleep", &asleep, None), Some(T + 61_000));
}

#[test]
fn closed_gave_up_idle_and_a_secret_in_the_url_have_none() {
    assert_eq!(check("idle", &Connection::new(), None), None);

    let mut closed = connected("{}");
    closed.close(Timestamp(T), None, None).expect("close");
    closed.handle_close(Timestamp(T), 1000, "", true);
    assert_eq!(check("closed", &closed, None), None);

    let mut gave_up = connected(r#"{"maxRetries": 0}"#);
    gave_up.handle_close(Timestamp(T), 1006, "", false);
    assert_eq!(check("gave up", &gave_up, None), None);

    // The restored socket opens, but to a URL with the secret (not stored).
    let auth = connected(r#"{"authToken": "tok", "authQueryParam": "token"}"#);
    assert_eq!(check("secret in the URL", &auth, Some("tok")), None);
    let secret_url = opens_at(&auth.snapshot(), Some("tok"), T).expect("opens");
    assert!(secret_url.0.ends_with("token=tok"), "{secret_url:?}");
}
