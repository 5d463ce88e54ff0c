//! The URL policy: `wss://` anywhere, `ws://` only to loopback.

use crate::core::ip::{ipv4, ipv6};
use crate::core::json::quote;
use crate::core::Error;

/// A WebSocket URL that passed the policy check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsUrl {
    url: String,
    secure: bool,
    host: String,
}

impl WsUrl {
    /// Checks `input` against the URL policy.
    ///
    /// Accepted: absolute `wss://` URLs to any host, and `ws://` URLs to
    /// `localhost`, `127.0.0.0/8` or `[::1]`. Rejected with
    /// [`Error::InvalidUrl`]: relative URLs, other schemes, fragments,
    /// credentials, blanks, bad ports. Rejected with [`Error::InsecureUrl`]:
    /// `ws://` to any other host.
    pub fn parse(input: &str) -> Result<WsUrl, Error> {
        let invalid = |why: &str| Error::InvalidUrl(format!("{why} in {}", quote(input)));
        if input.is_empty() {
            return Err(Error::InvalidUrl("the URL is empty".into()));
        }
        if input.len() > 8192 {
            return Err(Error::InvalidUrl(format!(
                "the URL is {} bytes long, at most 8192 are allowed",
                input.len()
            )));
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("blank or control character"));
        }
        // By hand: `split_once("://")` brings in the two-way string searcher.
        let scheme_end = input.as_bytes().windows(3).position(|w| w == b"://");
        let Some((scheme, rest)) =
            scheme_end.and_then(|at| Some((input.get(..at)?, input.get(at + 3..)?)))
        else {
            return Err(invalid("not an absolute ws:// or wss:// URL"));
        };
        let secure = if scheme.eq_ignore_ascii_case("wss") {
            true
        } else if scheme.eq_ignore_ascii_case("ws") {
            false
        } else {
            return Err(invalid("scheme must be ws or wss"));
        };
        if rest.contains('#') {
            return Err(invalid("fragment (#) not allowed"));
        }
        let authority = rest.split(['/', '?']).next().unwrap_or(rest);
        if authority.contains('@') {
            return Err(invalid("credentials in the URL are not allowed"));
        }
        let host = parse_host_port(authority).map_err(invalid)?;
        if !secure && !is_loopback(&host) {
            return Err(Error::InsecureUrl(host));
        }
        Ok(WsUrl {
            url: input.to_owned(),
            secure,
            host,
        })
    }

    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Whether the scheme is `wss`.
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// The host, lowercased; IPv6 addresses keep their brackets.
    pub fn host(&self) -> &str {
        &self.host
    }
}

/// Splits `host[:port]`, checking the port; returns the lowercased host.
fn parse_host_port(authority: &str) -> Result<String, &'static str> {
    let (host, port) = if let Some(after) = authority.strip_prefix('[') {
        let (inside, tail) = after.split_once(']').ok_or("unclosed [ in host")?;
        ipv6(inside).ok_or("invalid IPv6 address")?;
        let port = match tail.strip_prefix(':') {
            Some(port) => Some(port),
            None if tail.is_empty() => None,
            None => return Err("unexpected text after ]"),
        };
        (authority.get(..inside.len() + 2).unwrap_or(authority), port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("missing host");
    }
    if let Some(port) = port {
        if !port.is_empty() && (port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit())) {
            return Err("invalid port");
        }
        if port.parse::<u32>().is_ok_and(|p| p > 65535) {
            return Err("port out of range");
        }
    }
    if !host.starts_with('[') && !host.bytes().all(is_host_byte) {
        return Err("invalid character in host");
    }
    Ok(host.to_ascii_lowercase())
}

fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'%') || b >= 0x80
}

/// `localhost`, `127.0.0.0/8` or `[::1]`.
fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "localhost." {
        return true;
    }
    if let Some(inside) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return ipv6(inside) == Some([0, 0, 0, 0, 0, 0, 0, 1]);
    }
    ipv4(host).is_some_and(|[first, ..]| first == 127)
}
