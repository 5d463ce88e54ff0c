//! `start({url, options})`'s rule, applied at every worker start: keep
//! connected to one URL with one set of settings.

use crate::core::connection::Connection;
use crate::core::url::WsUrl;
use crate::core::{Error, Options, Timestamp};

/// The reason of the close when the settings changed (an update of the
/// extension, or a token the browser's restart took out of session storage).
const SETTINGS_CHANGED: &str = "settings changed";

impl Connection {
    /// Keeps the connection going to `url` with `options`. Nothing happens
    /// when it is already meant to be connected there with the same
    /// settings, the token included (a gave-up connection stays given up).
    /// Otherwise what runs is closed with 1000 and a new connection starts
    /// with these: an update that changed the options, or a browser restart
    /// that left the stored connection without its token, takes effect.
    /// Returns whether it connected. Both are checked first: a bad URL or
    /// option changes nothing.
    pub fn keep_connected(
        &mut self,
        now: Timestamp,
        url: &str,
        options: Options,
    ) -> Result<bool, Error> {
        let wanted = WsUrl::parse(url)?;
        let config = options.to_config()?;
        if self.intent_open && self.url.as_ref() == Some(&wanted) && self.config == config {
            return Ok(false);
        }
        if self.intent_open {
            let reason = if self.url.as_ref() == Some(&wanted) {
                SETTINGS_CHANGED
            } else {
                "url changed"
            };
            self.close(now, Some(1000), Some(reason))?;
        }
        self.connect(now, url, options)?;
        Ok(true)
    }
}
