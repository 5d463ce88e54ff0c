//! `start({url, options})`'s rule, applied at every worker start: keep
//! connected to one URL with one set of settings.

use crate::core::connection::Connection;
use crate::core::restore::with_secret;
use crate::core::snapshot::Snapshot;
use crate::core::url::WsUrl;
use crate::core::{Error, Intent, Options, Timestamp};

/// The reason of the close when only the settings changed (an update of
/// the extension, or a token a browser restart took out of session storage).
const SETTINGS_CHANGED: &str = "settings changed";

impl Connection {
    /// Keeps the connection going to `url` with `options`. Nothing happens
    /// when it is already meant to be connected there with the same
    /// settings, the token included (a gave-up connection stays given up).
    /// Otherwise what runs is closed with 1000 and a connection with these
    /// starts: an update that changed the options, or a browser restart
    /// that left the stored connection without its token, takes effect.
    /// Called before the stored state is read (at a worker start, before
    /// `resume`), the rule is applied as it is restored: a stored
    /// connection with other settings is restored with these instead, so
    /// that no socket opens with the old ones and no queued message goes
    /// out on one. Both are checked first: a bad URL or option changes
    /// nothing.
    pub fn keep_connected(
        &mut self,
        now: Timestamp,
        url: &str,
        options: Options,
    ) -> Result<(), Error> {
        let wanted = WsUrl::parse(url)?;
        options.to_config()?;
        if self.stored.restore_pending() {
            self.keep = Some((wanted, options));
            return Ok(());
        }
        self.keep_now(now, wanted, options)
    }

    /// The rule, now (its arguments checked).
    fn keep_now(&mut self, now: Timestamp, url: WsUrl, options: Options) -> Result<(), Error> {
        let same_url = self.url.as_ref() == Some(&url);
        if self.intent_open && same_url && self.options == options {
            return Ok(());
        }
        if self.intent_open {
            let reason = if same_url {
                SETTINGS_CHANGED
            } else {
                "url changed"
            };
            self.close(now, Some(1000), Some(reason))?;
        }
        self.connect(now, url.as_str(), options)
    }

    /// A read of the stored state landed (restored, or not): the rule told
    /// before it applies now.
    pub(super) fn apply_kept(&mut self, now: Timestamp) {
        if let Some((url, options)) = self.keep.take() {
            // Checked when it was told: cannot fail.
            let _ = self.keep_now(now, url, options);
        }
    }

    /// A snapshot about to be restored at worker start, and its `secret`:
    /// the settings told by `keep_connected` put in place of its own when it
    /// is meant to be connected with others; restored, it connects at once
    /// with these.
    pub(super) fn keep_into(&self, snapshot: &mut Snapshot, secret: &mut Option<String>) {
        let Some((url, options)) = &self.keep else {
            return;
        };
        if snapshot.intent != Intent::Open || snapshot.gave_up {
            return;
        }
        let same_url = snapshot.url.as_deref() == Some(url.as_str());
        if same_url && with_secret(&snapshot.options, secret.clone()) == *options {
            return;
        }
        snapshot.url = Some(url.as_str().to_owned());
        snapshot.options = options.clone();
        snapshot.attempt = 0;
        snapshot.next_attempt_at = None;
        snapshot.sleep_until = None;
        *secret = options.auth_token.clone();
    }
}
