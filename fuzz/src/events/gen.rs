//! Input generators: connections, payloads, received messages, close
//! codes and connect options, read from the fuzzer's bytes.

use super::*;

pub(super) fn new_connection(input: &mut Input) -> Connection {
    let seed = input.u32();
    let mut conn = Connection::with_seed(u64::from(seed));
    if seed.is_multiple_of(8) {
        let mut i = seed as usize / 8;
        conn.set_random(Box::new(move || {
            i = i.wrapping_add(1);
            EDGES.get(i % EDGES.len()).copied().unwrap_or(0.0)
        }));
    }
    conn
}

/// Message `k` of `kind` (text, JSON, binary, text again) with `pad` bytes more.
pub(super) fn payload(k: u64, kind: u16, pad: usize) -> Message {
    match kind {
        1 => Message::Json(format!("\"m{k}:{}\"", "j".repeat(pad))),
        2 => {
            let mut bytes = k.to_le_bytes().to_vec();
            bytes.resize(8 + pad, 0xab);
            Message::Binary(bytes)
        }
        _ => Message::Text(format!("m{k}:{}", "x".repeat(pad))),
    }
}

/// The serial `k` a message of [`payload`] carries.
pub(super) fn tag(message: &Message) -> Option<u64> {
    match message {
        Message::Binary(bytes) => Some(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?)),
        Message::Text(text) | Message::Json(text) => {
            let rest = text.strip_prefix('"').unwrap_or(text).strip_prefix('m')?;
            let (digits, _) = rest.split_once(':')?;
            digits.parse().ok()
        }
    }
}

/// The id and dup flag of a reliable frame.
pub(super) fn reliable_frame(text: &str) -> Option<(u64, bool)> {
    let rest = text.strip_prefix(FRAME_PREFIX)?;
    let (id, rest) = rest.split_once(',')?;
    let dup = rest.strip_prefix("\"dup\":")?;
    let dup = if dup.starts_with("true,") {
        true
    } else if dup.starts_with("false,") {
        false
    } else {
        return None;
    };
    Some((id.parse().ok()?, dup))
}

/// A received message: random text, acks (well-formed or not), the heartbeat
/// reply, binary, the keepalive text echoed.
pub(super) fn incoming(input: &mut Input, driver: &Driver<'_>, heartbeat: Option<&str>) -> Message {
    let known: Vec<u64> = driver.conn.outbox().map(|e| e.id).collect();
    let ack_id = |input: &mut Input| -> u64 {
        let pick = usize::from(input.byte());
        known
            .get(pick % (known.len() + 2))
            .copied()
            .unwrap_or_else(|| u64::from(input.u16()))
    };
    match input.below(8) {
        0 => Message::Text(input.text(24)),
        1 | 2 => Message::Text(format!("{{\"type\":\"sw.ack\",\"id\":{}}}", ack_id(input))),
        3 => Message::Text(heartbeat.unwrap_or("pong").to_owned()),
        4 => Message::Binary(input.bytes(16).to_vec()),
        5 => {
            let n = ack_id(input);
            let text = match input.below(8) {
                0 => format!("{{ \"type\" : \"sw.ack\" , \"id\" : {n}.0 }}"),
                1 => format!("{{\"id\":{n},\"type\":\"sw.ack\"}}"),
                2 => "{\"type\":\"sw.ack\",\"id\":-1}".to_owned(),
                3 => format!("{{\"type\":\"sw.ack\",\"id\":\"{n}\"}}"),
                4 => "{\"type\":\"sw.ack\"}".to_owned(),
                5 => format!("{{\"type\":\"sw.ack\",\"id\":{n}e1}}"),
                6 => format!("{{\"type\":\"sw.ack\",\"id\":{n},\"x\":{{}}}}"),
                _ => format!("{{\"type\":\"sw.ack\",\"id\":{n}}} "),
            };
            Message::Text(text)
        }
        6 => Message::Text(
            driver
                .conn
                .config()
                .keepalive()
                .map_or("keep alive".to_owned(), |k| k.message.clone()),
        ),
        _ => Message::Text(format!("{{{}{ACK_MARK}", input.text(16))),
    }
}

pub(super) fn close_code(input: &mut Input) -> u16 {
    match input.below(8) {
        0 => 1000,
        1 => 1001,
        2 => 1005,
        3 => 1006,
        4 => 1002,
        5 => 1008,
        6 => 4000 + u16::from(input.byte()),
        _ => input.u16(),
    }
}

/// A number near `typical`, sometimes one no option accepts.
pub(super) fn num(input: &mut Input, typical: u64) -> f64 {
    match input.byte() {
        0 => -1.0,
        1 => 0.5,
        2 => f64::NAN,
        3 => 1e300,
        4 => 0.0,
        b => ((u64::from(b) * typical) / 64) as f64,
    }
}

pub(super) fn pick<'a>(input: &mut Input, from: &[&'a str]) -> &'a str {
    from.get(usize::from(input.byte()) % from.len())
        .copied()
        .unwrap_or_default()
}

/// Connect options, each set or not by a bit of the input.
pub(super) fn options(input: &mut Input) -> Options {
    let flags = input.u32();
    let bit = |n: u32| flags >> n & 1 == 1;
    let mut o = Options::default();
    if bit(0) {
        o.keepalive = Some(bit(1));
    }
    if bit(2) {
        o.keepalive_ms = Some(num(input, 8_000));
    }
    if bit(3) {
        o.keepalive_message = Some(pick(input, &["ka", "", "keep alive", "pong"]).to_owned());
    }
    if bit(4) {
        o.heartbeat_reply = Some(pick(input, &["pong", "ka", "keep alive"]).to_owned());
    }
    if bit(5) {
        o.heartbeat_timeout_ms = Some(num(input, 2_000));
    }
    if bit(6) {
        o.connect_timeout_ms = Some(num(input, 2_000));
    }
    if bit(7) {
        o.close_timeout_ms = Some(num(input, 2_000));
    }
    if bit(8) {
        o.max_message_bytes = Some(num(input, 32));
    }
    if bit(9) {
        o.protocols = Some(match input.below(4) {
            0 => Protocols::One("chat".into()),
            1 => Protocols::Many(vec!["a".into(), "b".into()]),
            2 => Protocols::Many(Vec::new()),
            _ => Protocols::One("bad token".into()),
        });
    }
    if bit(10) {
        o.reconnect = Some(bit(11));
    }
    if bit(12) {
        o.backoff_base_ms = Some(num(input, 200));
    }
    if bit(13) {
        o.backoff_max_ms = Some(num(input, 40_000));
    }
    if bit(14) {
        o.min_uptime_ms = Some(num(input, 2_000));
    }
    if bit(15) {
        o.max_retries = Some(num(input, 4));
    }
    if bit(16) {
        let n = input.below(4);
        o.fatal_close_codes = Some(
            (0..n)
                .map(|_| match input.below(6) {
                    0 => 1000.0,
                    1 => 4000.0,
                    2 => 1006.0,
                    3 => 70_000.0,
                    4 => 1.5,
                    _ => f64::from(4000 + u16::from(input.byte())),
                })
                .collect(),
        );
    }
    if bit(17) {
        o.watchdog = Some(bit(18));
    }
    if bit(19) {
        o.watchdog_ms = Some(num(input, 30_000));
    }
    if bit(20) {
        o.max_outbox_messages = Some(num(input, 4));
    }
    if bit(21) {
        o.max_outbox_bytes = Some(num(input, 64));
    }
    if bit(22) {
        o.reliable = Some(bit(23));
    }
    if bit(24) {
        o.auth_token = Some(pick(input, &["tok", "", "t ok&="]).to_owned());
    }
    if bit(25) {
        o.auth_query_param = Some(pick(input, &["token", "a b"]).to_owned());
    }
    o
}
