//! Connection settings with defaults, builder setters and validation.

use crate::core::json::quote;
use crate::core::outbox::{DEFAULT_MAX_OUTBOX_BYTES, DEFAULT_MAX_OUTBOX_MESSAGES};
use crate::core::schedule::Sleep;
use crate::core::{Auth, Backoff, Error, Millis};

/// The default keepalive interval: 20 s, well inside Chrome's 30 s idle limit.
pub const DEFAULT_KEEPALIVE_MS: u64 = 20_000;
/// The shortest keepalive interval allowed.
pub const MIN_KEEPALIVE_MS: u64 = 1_000;
/// The longest keepalive interval allowed: it must beat the 30 s idle timer.
pub const MAX_KEEPALIVE_MS: u64 = 29_000;
/// The default keepalive message.
pub const DEFAULT_KEEPALIVE_MESSAGE: &str = "keep alive";
/// The default time a socket may take to open.
pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 10_000;
/// How long the heartbeat reply may take by default, in milliseconds.
pub const DEFAULT_HEARTBEAT_TIMEOUT_MS: u64 = 10_000;
/// The default time the closing handshake may take before the socket is dropped.
pub const DEFAULT_CLOSE_TIMEOUT_MS: u64 = 5_000;
/// The default largest message accepted by `send`, in bytes.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// How long an inbound message's handlers may take by default.
pub const DEFAULT_HANDLER_TIMEOUT_MS: u64 = 60_000;
/// The longest handler timeout allowed: Chrome ends a single event after 5 min.
pub const MAX_HANDLER_TIMEOUT_MS: u64 = 300_000;

/// The default watchdog alarm period: Chrome's minimum for packed extensions.
pub const DEFAULT_WATCHDOG_MS: u64 = 30_000;
/// Close codes that end the connection instead of reconnecting, by default:
/// protocol error, unsupported data, invalid payload, policy violation, too big,
/// missing extension.
pub const DEFAULT_FATAL_CLOSE_CODES: [u16; 6] = [1002, 1003, 1007, 1008, 1009, 1010];

/// A heartbeat: after each keepalive a reply (or any message) must arrive in time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heartbeat {
    /// The text the server answers the keepalive with; not passed to the app.
    pub reply: String,
    /// How long to wait for it before the connection counts as dead.
    pub timeout: Millis,
}

/// The application-level keepalive: a data message sent after `interval` of
/// silence in both directions. Protocol pings do not reset Chrome's idle timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keepalive {
    /// Silence after which the message is sent.
    pub interval: Millis,
    /// The text message sent.
    pub message: String,
}

impl Default for Keepalive {
    fn default() -> Self {
        Keepalive {
            interval: Millis(DEFAULT_KEEPALIVE_MS),
            message: DEFAULT_KEEPALIVE_MESSAGE.to_owned(),
        }
    }
}

/// Settings of one connection. Build with [`Config::default`] and the setters,
/// then [`Config::validate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub(crate) keepalive: Option<Keepalive>,
    pub(crate) connect_timeout: Millis,
    pub(crate) close_timeout: Millis,
    pub(crate) max_message_bytes: usize,
    pub(crate) protocols: Vec<String>,
    pub(crate) reconnect: bool,
    pub(crate) backoff: Backoff,
    pub(crate) fatal_close_codes: Vec<u16>,
    pub(crate) watchdog: Option<Millis>,
    pub(crate) max_outbox_messages: usize,
    pub(crate) max_outbox_bytes: usize,
    pub(crate) reliable: bool,
    /// Reliable inbound delivery (`sw.resume`, `sw.msg`, `sw.ack`, `sw.gap`).
    pub(crate) reliable_inbound: bool,
    /// How long an inbound message's handlers may take.
    pub(crate) handler_timeout: Millis,
    pub(crate) heartbeat: Option<Heartbeat>,
    pub(crate) auth: Option<Auth>,
    /// Sleep when idle (`sleepAfterMs`, `wakeEveryMs`).
    pub(crate) sleep: Option<Sleep>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            keepalive: Some(Keepalive::default()),
            connect_timeout: Millis(DEFAULT_CONNECT_TIMEOUT_MS),
            close_timeout: Millis(DEFAULT_CLOSE_TIMEOUT_MS),
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            protocols: Vec::new(),
            reconnect: true,
            backoff: Backoff::default(),
            fatal_close_codes: DEFAULT_FATAL_CLOSE_CODES.to_vec(),
            watchdog: Some(Millis(DEFAULT_WATCHDOG_MS)),
            max_outbox_messages: DEFAULT_MAX_OUTBOX_MESSAGES,
            max_outbox_bytes: DEFAULT_MAX_OUTBOX_BYTES,
            reliable: false,
            reliable_inbound: false,
            handler_timeout: Millis(DEFAULT_HANDLER_TIMEOUT_MS),
            heartbeat: None,
            auth: None,
            sleep: None,
        }
    }
}

impl Config {
    /// Sets the keepalive interval in milliseconds (1 000 to 29 000).
    pub fn keepalive_ms(mut self, ms: u64) -> Self {
        let message = self.keepalive.map(|k| k.message).unwrap_or_default();
        self.keepalive = Some(Keepalive {
            interval: Millis(ms),
            message: if message.is_empty() {
                DEFAULT_KEEPALIVE_MESSAGE.to_owned()
            } else {
                message
            },
        });
        self
    }

    /// Sets the keepalive message text.
    pub fn keepalive_message(mut self, message: impl Into<String>) -> Self {
        let interval = self
            .keepalive
            .map_or(Millis(DEFAULT_KEEPALIVE_MS), |k| k.interval);
        self.keepalive = Some(Keepalive {
            interval,
            message: message.into(),
        });
        self
    }

    /// Turns the keepalive off: Chrome will stop an idle worker after 30 s.
    pub fn without_keepalive(mut self) -> Self {
        self.keepalive = None;
        self
    }

    /// Sets how long a socket may take to open, in milliseconds.
    pub fn connect_timeout_ms(mut self, ms: u64) -> Self {
        self.connect_timeout = Millis(ms);
        self
    }

    /// Sets how long the closing handshake may take, in milliseconds.
    pub fn close_timeout_ms(mut self, ms: u64) -> Self {
        self.close_timeout = Millis(ms);
        self
    }

    /// Sets the largest message `send` accepts, in bytes.
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
    }

    /// Sets the WebSocket subprotocols offered to the server.
    pub fn protocols(mut self, protocols: Vec<String>) -> Self {
        self.protocols = protocols;
        self
    }

    /// The keepalive, if on.
    pub fn keepalive(&self) -> Option<&Keepalive> {
        self.keepalive.as_ref()
    }

    /// How long a socket may take to open.
    pub fn connect_timeout(&self) -> Millis {
        self.connect_timeout
    }

    /// How long the closing handshake may take.
    pub fn close_timeout(&self) -> Millis {
        self.close_timeout
    }

    /// The largest message `send` accepts, in bytes.
    pub fn max_message(&self) -> usize {
        self.max_message_bytes
    }

    /// The subprotocols offered to the server.
    pub fn subprotocols(&self) -> &[String] {
        &self.protocols
    }

    /// When to sleep and how often to wake, if sleeping when idle is on.
    pub fn sleep(&self) -> Option<Sleep> {
        self.sleep
    }

    /// Checks every setting, returning the config or the first problem found.
    pub fn validate(self) -> Result<Self, Error> {
        if let Some(keepalive) = &self.keepalive {
            let ms = keepalive.interval.get();
            if !(MIN_KEEPALIVE_MS..=MAX_KEEPALIVE_MS).contains(&ms) {
                return Err(Error::InvalidOption(format!(
                    "keepaliveMs must be from {MIN_KEEPALIVE_MS} to {MAX_KEEPALIVE_MS} \
                     (Chrome stops an idle worker after 30 000 ms), not {ms}; \
                     use keepalive: false to turn it off"
                )));
            }
            if keepalive.message.is_empty() {
                return Err(Error::InvalidOption(
                    "keepaliveMessage must not be empty".into(),
                ));
            }
        }
        check_range("connectTimeoutMs", self.connect_timeout.get(), 100, 300_000)?;
        check_range("closeTimeoutMs", self.close_timeout.get(), 100, 60_000)?;
        check_range(
            "handlerTimeoutMs",
            self.handler_timeout.get(),
            1,
            MAX_HANDLER_TIMEOUT_MS,
        )?;
        if self.max_message_bytes == 0 {
            return Err(Error::InvalidOption(
                "maxMessageBytes must be at least 1".into(),
            ));
        }
        if self.reconnect {
            check_range("backoffBaseMs", self.backoff.base.get(), 1, 3_600_000)?;
            check_range(
                "backoffMaxMs",
                self.backoff.max.get(),
                self.backoff.base.get(),
                86_400_000,
            )?;
            check_range("minUptimeMs", self.backoff.min_uptime.get(), 0, 3_600_000)?;
        }
        if let Some(period) = self.watchdog {
            check_range("watchdogMs", period.get(), 1_000, 3_600_000)?;
        }
        if self.max_outbox_messages == 0 || self.max_outbox_bytes == 0 {
            return Err(Error::InvalidOption(
                "maxOutboxMessages and maxOutboxBytes must be at least 1".into(),
            ));
        }
        if let Some(heartbeat) = &self.heartbeat {
            if self.keepalive.is_none() {
                return Err(Error::InvalidOption(
                    "heartbeatReply needs the keepalive: it answers the keepalive message".into(),
                ));
            }
            check_range("heartbeatTimeoutMs", heartbeat.timeout.get(), 100, 120_000)?;
        }
        if let Some(sleep) = &self.sleep {
            sleep.validate()?;
        }
        if let Some(auth) = &self.auth {
            if auth.token.is_empty() {
                return Err(Error::InvalidOption("authToken must not be empty".into()));
            }
        }
        for protocol in &self.protocols {
            let token = !protocol.is_empty()
                && protocol
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
            if !token {
                return Err(Error::InvalidOption(format!(
                    "protocol {} is not a valid subprotocol token",
                    quote(protocol)
                )));
            }
        }
        Ok(self)
    }
}

fn check_range(name: &str, value: u64, min: u64, max: u64) -> Result<(), Error> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidOption(format!(
            "{name} must be from {min} to {max}, not {value}"
        )))
    }
}
