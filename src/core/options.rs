//! The options object callers pass to `connect`, checked into a [`Config`].

use crate::core::text::number;
use crate::core::{Auth, Backoff, Config, Error, Heartbeat, Millis};
use serde::{Deserialize, Serialize};

/// Connect options as they come from JS (camelCase keys, numbers as `f64`).
///
/// Unknown keys are rejected so that a typo is an error, not a silent default.
/// They are stored with the snapshot, except `authToken`, which is kept apart
/// in `chrome.storage.session`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Options {
    /// `false` turns the keepalive off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepalive: Option<bool>,
    /// Keepalive interval in milliseconds (1 000 to 29 000, default 20 000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepalive_ms: Option<f64>,
    /// Keepalive message text (default `"keep alive"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepalive_message: Option<String>,
    /// Text the server answers the keepalive with; turns the heartbeat on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat_reply: Option<String>,
    /// Time to wait for the heartbeat reply, in milliseconds (default 10 000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat_timeout_ms: Option<f64>,
    /// Time a socket may take to open, in milliseconds (default 10 000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_timeout_ms: Option<f64>,
    /// Time the closing handshake may take, in milliseconds (default 5 000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_timeout_ms: Option<f64>,
    /// Largest message `send` accepts, in bytes (default 32 MiB).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_message_bytes: Option<f64>,
    /// Subprotocols: one string or a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocols: Option<Protocols>,
    /// `false`: never reconnect by itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconnect: Option<bool>,
    /// First backoff ceiling in milliseconds (default 1 000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backoff_base_ms: Option<f64>,
    /// Largest backoff ceiling in milliseconds (default 60 000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backoff_max_ms: Option<f64>,
    /// Uptime after which the attempt count resets, in milliseconds (default 5 000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_uptime_ms: Option<f64>,
    /// Attempts before giving up (default: never give up).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<f64>,
    /// Close codes after which the connection stays closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fatal_close_codes: Option<Vec<f64>>,
    /// `false`: no watchdog alarm (a stopped worker stays stopped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watchdog: Option<bool>,
    /// Watchdog alarm period in milliseconds (default 30 000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watchdog_ms: Option<f64>,
    /// Outbox bound by count (default 1 000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_outbox_messages: Option<f64>,
    /// Outbox bound by bytes (default 1 MiB).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_outbox_bytes: Option<f64>,
    /// Every text send is reliable (default `false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliable: Option<bool>,
    /// A secret sent on every open; stored only in `chrome.storage.session`.
    #[serde(skip_serializing)]
    pub auth_token: Option<String>,
    /// The query parameter that carries `authToken` (else a first message).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_query_param: Option<String>,
}

/// One subprotocol or several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Protocols {
    /// A single subprotocol.
    One(String),
    /// Several subprotocols, in order of preference.
    Many(Vec<String>),
}

impl Options {
    /// Turns the options into a validated [`Config`].
    pub fn to_config(&self) -> Result<Config, Error> {
        let o = self;
        let mut config = Config::default();
        if let Some(ms) = o.keepalive_ms {
            config = config.keepalive_ms(whole_number("keepaliveMs", ms)?);
        }
        if let Some(message) = &o.keepalive_message {
            config = config.keepalive_message(message.clone());
        }
        match o.keepalive {
            Some(false) if o.keepalive_ms.is_some() => {
                return Err(Error::InvalidOption(
                    "keepalive: false and keepaliveMs contradict each other".into(),
                ))
            }
            Some(false) => config = config.without_keepalive(),
            _ => {}
        }
        if let Some(reply) = &o.heartbeat_reply {
            let timeout = ms_or("heartbeatTimeoutMs", o.heartbeat_timeout_ms, 10_000)?;
            config = config.heartbeat(Some(Heartbeat {
                reply: reply.clone(),
                timeout,
            }));
        }
        if let Some(ms) = o.connect_timeout_ms {
            config = config.connect_timeout_ms(whole_number("connectTimeoutMs", ms)?);
        }
        if let Some(ms) = o.close_timeout_ms {
            config = config.close_timeout_ms(whole_number("closeTimeoutMs", ms)?);
        }
        if let Some(bytes) = o.max_message_bytes {
            config = config.max_message_bytes(size("maxMessageBytes", bytes)?);
        }
        match &o.protocols {
            Some(Protocols::One(p)) => config = config.protocols(vec![p.clone()]),
            Some(Protocols::Many(list)) => config = config.protocols(list.clone()),
            None => {}
        }
        if o.reconnect == Some(false) {
            config = config.without_reconnect();
        }
        let defaults = Backoff::default();
        config = config.backoff(Backoff {
            base: ms_or("backoffBaseMs", o.backoff_base_ms, defaults.base.get())?,
            max: ms_or("backoffMaxMs", o.backoff_max_ms, defaults.max.get())?,
            min_uptime: ms_or("minUptimeMs", o.min_uptime_ms, defaults.min_uptime.get())?,
            max_retries: match o.max_retries {
                Some(n) => Some(u32::try_from(whole_number("maxRetries", n)?).unwrap_or(u32::MAX)),
                None => None,
            },
        });
        if let Some(codes) = &o.fatal_close_codes {
            let codes = codes
                .iter()
                .map(|c| {
                    u16::try_from(whole_number("fatalCloseCodes", *c)?).map_err(|_| {
                        Error::InvalidOption(format!(
                            "fatalCloseCodes: {} is not a close code",
                            number(*c)
                        ))
                    })
                })
                .collect::<Result<Vec<u16>, Error>>()?;
            config = config.fatal_close_codes(codes);
        }
        match (o.watchdog, o.watchdog_ms) {
            (Some(false), Some(_)) => {
                return Err(Error::InvalidOption(
                    "watchdog: false and watchdogMs contradict each other".into(),
                ))
            }
            (Some(false), None) => config = config.watchdog(None),
            (_, Some(ms)) => {
                config = config.watchdog(Some(Millis(whole_number("watchdogMs", ms)?)))
            }
            _ => {}
        }
        if o.max_outbox_messages.is_some() || o.max_outbox_bytes.is_some() {
            let messages = o
                .max_outbox_messages
                .map_or(Ok(crate::core::outbox::DEFAULT_MAX_OUTBOX_MESSAGES), |n| {
                    size("maxOutboxMessages", n)
                })?;
            let bytes = o
                .max_outbox_bytes
                .map_or(Ok(crate::core::outbox::DEFAULT_MAX_OUTBOX_BYTES), |n| {
                    size("maxOutboxBytes", n)
                })?;
            config = config.outbox_limits(messages, bytes);
        }
        config = config.reliable(o.reliable == Some(true));
        if let Some(token) = &o.auth_token {
            config = config.auth(Some(Auth {
                token: token.clone(),
                query_param: o.auth_query_param.clone(),
            }));
        } else if o.auth_query_param.is_some() {
            return Err(Error::InvalidOption(
                "authQueryParam needs authToken".into(),
            ));
        }
        config.validate()
    }
}

fn ms_or(name: &str, value: Option<f64>, default: u64) -> Result<Millis, Error> {
    match value {
        Some(v) => whole_number(name, v).map(Millis),
        None => Ok(Millis(default)),
    }
}

fn size(name: &str, value: f64) -> Result<usize, Error> {
    whole_number(name, value).map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// A non-negative whole number of at most 2^53, or a typed error naming the option.
pub(crate) fn whole_number(name: &str, value: f64) -> Result<u64, Error> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if !value.is_finite() || value < 0.0 || value.fract() != 0.0 || value > MAX_SAFE {
        return Err(Error::InvalidOption(format!(
            "{name} must be a non-negative whole number, not {}",
            number(value)
        )));
    }
    // In range and whole: the conversion is exact.
    Ok(value as u64)
}
