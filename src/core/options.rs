//! The options object callers pass to `connect`, checked into a [`Config`].

use crate::core::{Config, Error};
use serde::Deserialize;

/// Connect options as they come from JS (camelCase keys, numbers as `f64`).
///
/// Unknown keys are rejected so that a typo is an error, not a silent default.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Options {
    /// `false` turns the keepalive off.
    pub keepalive: Option<bool>,
    /// Keepalive interval in milliseconds (1 000 to 29 000, default 20 000).
    pub keepalive_ms: Option<f64>,
    /// Keepalive message text (default `"keep alive"`).
    pub keepalive_message: Option<String>,
    /// Time a socket may take to open, in milliseconds (default 10 000).
    pub connect_timeout_ms: Option<f64>,
    /// Time the closing handshake may take, in milliseconds (default 5 000).
    pub close_timeout_ms: Option<f64>,
    /// Largest message `send` accepts, in bytes (default 32 MiB).
    pub max_message_bytes: Option<f64>,
    /// Subprotocols: one string or a list.
    pub protocols: Option<Protocols>,
}

/// One subprotocol or several.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Protocols {
    /// A single subprotocol.
    One(String),
    /// Several subprotocols, in order of preference.
    Many(Vec<String>),
}

impl Options {
    /// Turns the options into a validated [`Config`].
    pub fn into_config(self) -> Result<Config, Error> {
        let mut config = Config::default();
        if let Some(ms) = self.keepalive_ms {
            config = config.keepalive_ms(whole_number("keepaliveMs", ms)?);
        }
        if let Some(message) = self.keepalive_message {
            config = config.keepalive_message(message);
        }
        match self.keepalive {
            Some(false) if self.keepalive_ms.is_some() => {
                return Err(Error::InvalidOption(
                    "keepalive: false and keepaliveMs contradict each other".into(),
                ))
            }
            Some(false) => config = config.without_keepalive(),
            _ => {}
        }
        if let Some(ms) = self.connect_timeout_ms {
            config = config.connect_timeout_ms(whole_number("connectTimeoutMs", ms)?);
        }
        if let Some(ms) = self.close_timeout_ms {
            config = config.close_timeout_ms(whole_number("closeTimeoutMs", ms)?);
        }
        if let Some(bytes) = self.max_message_bytes {
            let bytes = whole_number("maxMessageBytes", bytes)?;
            config = config.max_message_bytes(usize::try_from(bytes).unwrap_or(usize::MAX));
        }
        match self.protocols {
            Some(Protocols::One(p)) => config = config.protocols(vec![p]),
            Some(Protocols::Many(list)) => config = config.protocols(list),
            None => {}
        }
        config.validate()
    }
}

/// A non-negative whole number of at most 2^53, or a typed error naming the option.
pub(crate) fn whole_number(name: &str, value: f64) -> Result<u64, Error> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if !value.is_finite() || value < 0.0 || value.fract() != 0.0 || value > MAX_SAFE {
        return Err(Error::InvalidOption(format!(
            "{name} must be a non-negative whole number, not {value}"
        )));
    }
    // In range and whole: the conversion is exact.
    Ok(value as u64)
}
