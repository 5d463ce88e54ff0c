//! The options object callers pass to `connect`, checked into a [`Config`].

use crate::core::codec::{whole, Record, Rules, Slot, Visit};
use crate::core::outbox::{DEFAULT_MAX_OUTBOX_BYTES, DEFAULT_MAX_OUTBOX_MESSAGES};
use crate::core::schedule::Sleep;
use crate::core::text::number;
use crate::core::Protocols;
use crate::core::{
    Auth, Backoff, Config, Error, Heartbeat, Keepalive, Millis, DEFAULT_CLOSE_TIMEOUT_MS,
    DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_FATAL_CLOSE_CODES, DEFAULT_HANDLER_TIMEOUT_MS,
    DEFAULT_HEARTBEAT_TIMEOUT_MS, DEFAULT_KEEPALIVE_MESSAGE, DEFAULT_KEEPALIVE_MS,
    DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_WAKE_EVERY_MS, DEFAULT_WATCHDOG_MS,
};

/// Connect options as they come from JS (camelCase keys, numbers as `f64`).
///
/// Unknown keys are rejected so that a typo is an error, not a silent default.
/// They are stored with the snapshot (the fields that are set), except
/// `authToken`, which is kept apart in `chrome.storage.session`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// `false` turns the keepalive off.
    pub keepalive: Option<bool>,
    /// Keepalive interval in milliseconds (1 000 to 29 000, default 20 000).
    pub keepalive_ms: Option<f64>,
    /// Keepalive message text (default `"keep alive"`).
    pub keepalive_message: Option<String>,
    /// Text the server answers the keepalive with; turns the heartbeat on.
    pub heartbeat_reply: Option<String>,
    /// Time to wait for the heartbeat reply, in milliseconds (default 10 000).
    pub heartbeat_timeout_ms: Option<f64>,
    /// Time a socket may take to open, in milliseconds (default 10 000).
    pub connect_timeout_ms: Option<f64>,
    /// Time the closing handshake may take, in milliseconds (default 5 000).
    pub close_timeout_ms: Option<f64>,
    /// Largest message `send` accepts, in bytes (default 32 MiB).
    pub max_message_bytes: Option<f64>,
    /// Subprotocols: one string or a list.
    pub protocols: Option<Protocols>,
    /// `false`: never reconnect by itself.
    pub reconnect: Option<bool>,
    /// First backoff ceiling in milliseconds (default 1 000).
    pub backoff_base_ms: Option<f64>,
    /// Largest backoff ceiling in milliseconds (default 60 000).
    pub backoff_max_ms: Option<f64>,
    /// Uptime after which the attempt count resets, in milliseconds (default 5 000).
    pub min_uptime_ms: Option<f64>,
    /// Attempts before giving up (default: never give up).
    pub max_retries: Option<f64>,
    /// Close codes after which the connection stays closed.
    pub fatal_close_codes: Option<Vec<f64>>,
    /// `false`: no watchdog alarm (a stopped worker stays stopped).
    pub watchdog: Option<bool>,
    /// Watchdog alarm period in milliseconds (default 30 000).
    pub watchdog_ms: Option<f64>,
    /// Outbox bound by count (default 1 000).
    pub max_outbox_messages: Option<f64>,
    /// Outbox bound by bytes (default 1 MiB).
    pub max_outbox_bytes: Option<f64>,
    /// Every text send is reliable (default `false`).
    pub reliable: Option<bool>,
    /// Reliable inbound delivery: resume, handle in order, ack (default `false`).
    pub reliable_inbound: Option<bool>,
    /// How long an inbound message's handlers may take, in milliseconds
    /// (default 60 000, at most 300 000).
    pub handler_timeout_ms: Option<f64>,
    /// Sleep after this long without application data, in milliseconds
    /// (1 000 to 86 400 000; default: never).
    pub sleep_after_ms: Option<f64>,
    /// While asleep, wake this often, in milliseconds (30 000 to 86 400 000,
    /// default 300 000; needs `sleepAfterMs`).
    pub wake_every_ms: Option<f64>,
    /// A secret sent on every open; stored only in `chrome.storage.session`.
    pub auth_token: Option<String>,
    /// The query parameter that carries `authToken` (else a first message).
    pub auth_query_param: Option<String>,
}

/// Every key is optional and written only when set; unknown keys are refused.
impl Record for Options {
    fn rules(&self) -> Rules {
        Rules::OPTIONAL
    }

    fn fields(&mut self, v: &mut dyn Visit) {
        v.field("keepalive", Slot::OptBool(&mut self.keepalive));
        v.field("keepaliveMs", Slot::OptNumber(&mut self.keepalive_ms));
        v.field(
            "keepaliveMessage",
            Slot::OptText(&mut self.keepalive_message),
        );
        v.field("heartbeatReply", Slot::OptText(&mut self.heartbeat_reply));
        v.field(
            "heartbeatTimeoutMs",
            Slot::OptNumber(&mut self.heartbeat_timeout_ms),
        );
        v.field(
            "connectTimeoutMs",
            Slot::OptNumber(&mut self.connect_timeout_ms),
        );
        v.field(
            "closeTimeoutMs",
            Slot::OptNumber(&mut self.close_timeout_ms),
        );
        v.field(
            "maxMessageBytes",
            Slot::OptNumber(&mut self.max_message_bytes),
        );
        v.field("protocols", Slot::Protocols(&mut self.protocols));
        v.field("reconnect", Slot::OptBool(&mut self.reconnect));
        v.field("backoffBaseMs", Slot::OptNumber(&mut self.backoff_base_ms));
        v.field("backoffMaxMs", Slot::OptNumber(&mut self.backoff_max_ms));
        v.field("minUptimeMs", Slot::OptNumber(&mut self.min_uptime_ms));
        v.field("maxRetries", Slot::OptNumber(&mut self.max_retries));
        v.field(
            "fatalCloseCodes",
            Slot::OptNumbers(&mut self.fatal_close_codes),
        );
        v.field("watchdog", Slot::OptBool(&mut self.watchdog));
        v.field("watchdogMs", Slot::OptNumber(&mut self.watchdog_ms));
        v.field(
            "maxOutboxMessages",
            Slot::OptNumber(&mut self.max_outbox_messages),
        );
        v.field(
            "maxOutboxBytes",
            Slot::OptNumber(&mut self.max_outbox_bytes),
        );
        v.field("reliable", Slot::OptBool(&mut self.reliable));
        v.field("reliableInbound", Slot::OptBool(&mut self.reliable_inbound));
        v.field(
            "handlerTimeoutMs",
            Slot::OptNumber(&mut self.handler_timeout_ms),
        );
        v.field("sleepAfterMs", Slot::OptNumber(&mut self.sleep_after_ms));
        v.field("wakeEveryMs", Slot::OptNumber(&mut self.wake_every_ms));
        v.field("authToken", Slot::Secret(&mut self.auth_token));
        v.field("authQueryParam", Slot::OptText(&mut self.auth_query_param));
    }
}

impl Options {
    /// Turns the options into a validated [`Config`].
    ///
    /// Every number is checked first, in field order, then the config is
    /// built in one go (a chain of builder calls copies it at each step).
    pub fn to_config(&self) -> Result<Config, Error> {
        let o = self;
        let keepalive_ms = opt_whole("keepaliveMs", o.keepalive_ms)?;
        if o.keepalive == Some(false) && o.keepalive_ms.is_some() {
            return Err(Error::InvalidOption(
                "keepalive: false and keepaliveMs contradict each other".into(),
            ));
        }
        // Checked with or without a heartbeat reply, like every number: a
        // NaN kept unchecked would be stored as `null` and read back changed.
        let heartbeat_timeout = ms_or(
            "heartbeatTimeoutMs",
            o.heartbeat_timeout_ms,
            DEFAULT_HEARTBEAT_TIMEOUT_MS,
        )?;
        let connect_timeout = opt_whole("connectTimeoutMs", o.connect_timeout_ms)?;
        let close_timeout = opt_whole("closeTimeoutMs", o.close_timeout_ms)?;
        let max_message = opt_size("maxMessageBytes", o.max_message_bytes)?;
        let defaults = Backoff::default();
        let backoff = Backoff {
            base: ms_or("backoffBaseMs", o.backoff_base_ms, defaults.base.get())?,
            max: ms_or("backoffMaxMs", o.backoff_max_ms, defaults.max.get())?,
            min_uptime: ms_or("minUptimeMs", o.min_uptime_ms, defaults.min_uptime.get())?,
            max_retries: opt_whole("maxRetries", o.max_retries)?
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        };
        let fatal_close_codes = match &o.fatal_close_codes {
            Some(codes) => codes
                .iter()
                .map(|c| close_code(*c))
                .collect::<Result<Vec<u16>, Error>>()?,
            None => DEFAULT_FATAL_CLOSE_CODES.to_vec(),
        };
        let watchdog = match (o.watchdog, o.watchdog_ms) {
            (Some(false), Some(_)) => {
                return Err(Error::InvalidOption(
                    "watchdog: false and watchdogMs contradict each other".into(),
                ))
            }
            (Some(false), None) => None,
            (_, ms) => Some(Millis(
                opt_whole("watchdogMs", ms)?.unwrap_or(DEFAULT_WATCHDOG_MS),
            )),
        };
        let max_outbox_messages = opt_size("maxOutboxMessages", o.max_outbox_messages)?;
        let max_outbox_bytes = opt_size("maxOutboxBytes", o.max_outbox_bytes)?;
        let handler_timeout = ms_or(
            "handlerTimeoutMs",
            o.handler_timeout_ms,
            DEFAULT_HANDLER_TIMEOUT_MS,
        )?;
        let sleep = match (
            opt_whole("sleepAfterMs", o.sleep_after_ms)?,
            o.wake_every_ms,
        ) {
            (None, Some(_)) => {
                return Err(Error::InvalidOption(
                    "wakeEveryMs needs sleepAfterMs".into(),
                ))
            }
            (None, None) => None,
            (Some(after), every) => Some(Sleep {
                after: Millis(after),
                wake_every: Millis(
                    opt_whole("wakeEveryMs", every)?.unwrap_or(DEFAULT_WAKE_EVERY_MS),
                ),
            }),
        };
        if o.auth_token.is_none() && o.auth_query_param.is_some() {
            return Err(Error::InvalidOption(
                "authQueryParam needs authToken".into(),
            ));
        }
        let config = Config {
            keepalive: (o.keepalive != Some(false)).then(|| Keepalive {
                interval: Millis(keepalive_ms.unwrap_or(DEFAULT_KEEPALIVE_MS)),
                message: o
                    .keepalive_message
                    .clone()
                    .unwrap_or_else(|| DEFAULT_KEEPALIVE_MESSAGE.to_owned()),
            }),
            connect_timeout: Millis(connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT_MS)),
            close_timeout: Millis(close_timeout.unwrap_or(DEFAULT_CLOSE_TIMEOUT_MS)),
            max_message_bytes: max_message.unwrap_or(DEFAULT_MAX_MESSAGE_BYTES),
            protocols: match &o.protocols {
                Some(Protocols::One(p)) => vec![p.clone()],
                Some(Protocols::Many(list)) => list.clone(),
                None => Vec::new(),
            },
            reconnect: o.reconnect != Some(false),
            backoff,
            fatal_close_codes,
            watchdog,
            max_outbox_messages: max_outbox_messages.unwrap_or(DEFAULT_MAX_OUTBOX_MESSAGES),
            max_outbox_bytes: max_outbox_bytes.unwrap_or(DEFAULT_MAX_OUTBOX_BYTES),
            reliable: o.reliable == Some(true),
            reliable_inbound: o.reliable_inbound == Some(true),
            handler_timeout,
            heartbeat: o.heartbeat_reply.as_ref().map(|reply| Heartbeat {
                reply: reply.clone(),
                timeout: heartbeat_timeout,
            }),
            auth: o.auth_token.as_ref().map(|token| Auth {
                token: token.clone(),
                query_param: o.auth_query_param.clone(),
            }),
            sleep,
        };
        config.validate()
    }
}

fn opt_whole(name: &str, value: Option<f64>) -> Result<Option<u64>, Error> {
    value.map(|v| whole_number(name, v)).transpose()
}

fn opt_size(name: &str, value: Option<f64>) -> Result<Option<usize>, Error> {
    value.map(|v| size(name, v)).transpose()
}

fn close_code(value: f64) -> Result<u16, Error> {
    u16::try_from(whole_number("fatalCloseCodes", value)?).map_err(|_| {
        Error::InvalidOption(format!(
            "fatalCloseCodes: {} is not a close code",
            number(value)
        ))
    })
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

/// A non-negative whole number of at most 2^53 - 1, or a typed error naming the option.
pub(crate) fn whole_number(name: &str, value: f64) -> Result<u64, Error> {
    whole(value).ok_or_else(|| {
        Error::InvalidOption(format!(
            "{name} must be a non-negative whole number, not {}",
            number(value)
        ))
    })
}
