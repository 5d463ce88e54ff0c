//! Routing: what the Worker does with a request (404, 400, 426, or the
//! upgrade forwarded to a room's Durable Object).

/// The longest client id or room name.
pub const MAX_NAME_LEN: usize = 64;

/// The body of the answer to a plain (not upgrade) request on `/ws/<room>`.
pub const UPGRADE_REQUIRED_BODY: &str = "Expected Upgrade: websocket";
/// The body of the answer to an unknown path.
pub const NOT_FOUND_BODY: &str = "Not Found";
/// The body of the answer to a bad `client` query parameter.
pub const BAD_CLIENT_BODY: &str = "Bad client id: 1 to 64 characters of A-Z a-z 0-9 _ -";

/// A request the Worker answers itself instead of upgrading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 404: not `/ws/<room>`.
    NotFound,
    /// 400: a `client` query parameter that is not a valid id, or more than one.
    BadClient,
    /// 426: `/ws/<room>` without `Upgrade: websocket`.
    UpgradeRequired,
}

impl Refusal {
    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            Refusal::NotFound => 404,
            Refusal::BadClient => 400,
            Refusal::UpgradeRequired => 426,
        }
    }

    /// The text body.
    pub fn body(self) -> &'static str {
        match self {
            Refusal::NotFound => NOT_FOUND_BODY,
            Refusal::BadClient => BAD_CLIENT_BODY,
            Refusal::UpgradeRequired => UPGRADE_REQUIRED_BODY,
        }
    }
}

/// A WebSocket upgrade to forward to a room's Durable Object.
#[derive(Debug, PartialEq, Eq)]
pub struct Upgrade<'a> {
    /// The room name, the Durable Object's name.
    pub room: &'a str,
    /// The client id, if the query has one.
    pub client: Option<&'a str>,
}

/// Decides what to do with a request from its path, its query (without the
/// `?`) and its `Upgrade` header. The path is checked first, then the client
/// id, then the upgrade, so a plain GET shows each refusal.
pub fn route<'a>(
    path: &'a str,
    query: Option<&'a str>,
    upgrade: Option<&str>,
) -> Result<Upgrade<'a>, Refusal> {
    let room = match path.strip_prefix("/ws/") {
        Some(room) if valid_name(room) => room,
        _ => return Err(Refusal::NotFound),
    };
    let client = client_param(query.unwrap_or("")).map_err(|BadClient| Refusal::BadClient)?;
    if !is_websocket_upgrade(upgrade) {
        return Err(Refusal::UpgradeRequired);
    }
    Ok(Upgrade { room, client })
}

/// A room name or client id: 1 to 64 characters of `A-Z a-z 0-9 _ -`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A bad `client` query parameter.
#[derive(Debug, PartialEq, Eq)]
pub struct BadClient;

/// The `client` parameter of a raw query string. Its value is taken as it is:
/// a valid id needs no escapes, so one with `%` or `+` is refused. Given twice,
/// it is refused too (which one would the client mean?).
pub fn client_param(query: &str) -> Result<Option<&str>, BadClient> {
    let mut found = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key != "client" {
            continue;
        }
        if found.is_some() || !valid_name(value) {
            return Err(BadClient);
        }
        found = Some(value);
    }
    Ok(found)
}

/// Whether an `Upgrade` header asks for a WebSocket (a list may name several
/// protocols; names are case-insensitive).
pub fn is_websocket_upgrade(header: Option<&str>) -> bool {
    header.is_some_and(|h| {
        h.split(',')
            .any(|token| token.trim().eq_ignore_ascii_case("websocket"))
    })
}
