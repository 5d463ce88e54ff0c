//! Restoring one stored snapshot: every field checked before anything
//! changes, then the connection picks up where the snapshot left it.

use crate::core::connection::Connection;
use crate::core::ids::{Ids, MAX_ID};
use crate::core::io::Event;
use crate::core::outbox::Outbox;
use crate::core::snapshot::{Snapshot, SNAPSHOT_VERSION};
use crate::core::state::Phase;
use crate::core::{Error, Intent, Options, Timestamp, WsUrl};

impl Connection {
    /// Restores a stored snapshot (and the session secret), and reconnects
    /// if the caller's intent is open. Checks everything first: on error
    /// nothing changed and the error is a [`Error::CorruptSnapshot`]. Only
    /// the check and the restore: a shell hands what it read to
    /// [`handle_loaded`](Connection::handle_loaded), which also decides
    /// whether to restore at all, quarantines and counts the worker start.
    pub fn restore(
        &mut self,
        now: Timestamp,
        snapshot: Snapshot,
        secret: Option<String>,
    ) -> Result<(), Error> {
        let corrupt = |why: String| Error::CorruptSnapshot(why);
        if snapshot.version != SNAPSHOT_VERSION {
            return Err(corrupt(format!("unknown version {}", snapshot.version)));
        }
        let intent_open = snapshot.intent == Intent::Open;
        // Ids start at 1 (an id 0 queued would be out of order on the next
        // restore), and each number grows by one from here: one near
        // `u64::MAX` would overflow. JS numbers stop at 2^53 - 1 anyway, so
        // `nextId - 1` and the counters must not be above it (then neither is
        // their bitwise or).
        let c = &snapshot.counters;
        let all = snapshot.next_id.wrapping_sub(1)
            | c.worker_starts
            | c.connects
            | c.reconnects
            | c.sent
            | c.received
            | c.keepalives;
        if all > MAX_ID {
            return Err(corrupt("nextId or a counter out of range".into()));
        }
        let options = with_secret(&snapshot.options, secret);
        let config = options
            .to_config()
            .map_err(|e| corrupt(format!("stored options: {e}")))?;
        let url = match &snapshot.url {
            Some(u) => Some(WsUrl::parse(u).map_err(|e| corrupt(format!("stored URL: {e}")))?),
            None if intent_open => return Err(corrupt("intent open without a URL".into())),
            None => None,
        };
        let mut outbox = Outbox::default();
        let mut last_id = 0;
        for stored in &snapshot.outbox {
            let entry = stored.to_entry()?;
            if entry.id <= last_id || entry.id >= snapshot.next_id {
                return Err(corrupt(format!("outbox id {} out of order", entry.id)));
            }
            last_id = entry.id;
            outbox
                .push(entry, usize::MAX, usize::MAX)
                .map_err(|e| corrupt(e.to_string()))?;
        }

        self.config = config;
        self.options = options;
        self.url = url;
        self.intent_open = intent_open;
        self.attempt = snapshot.attempt;
        self.outbox = outbox;
        self.ids = Ids::restored(snapshot.next_id);
        let starts = self.counters.worker_starts;
        self.counters = snapshot.counters;
        self.counters.worker_starts += starts;
        self.last_close = snapshot.last_close;
        self.last_error = snapshot.last_error.or(self.last_error.take());
        self.inbound.restore(snapshot.inbound_handled);
        self.mark_dirty();
        self.reserve_ids();
        self.timers.stop_socket_timers();
        // An alarm set before the worker stopped may still be there.
        self.wake = snapshot.next_attempt_at.map(Timestamp);

        if !intent_open {
            self.set_phase(if self.url.is_some() {
                Phase::Closed
            } else {
                Phase::Idle
            });
            return Ok(());
        }
        if snapshot.gave_up {
            self.set_phase(Phase::GaveUp);
            self.events
                .push_back(Event::GaveUp(self.last_close.clone()));
            return Ok(());
        }
        if let Some(until) = snapshot.sleep_until.map(Timestamp).filter(|t| *t > now) {
            // Still asleep (something else started the worker): no watchdog
            // alarm, not even for a moment (its calls could land after the
            // clearing ones and keep waking the worker).
            self.intent_open = true;
            self.sleep_until(until);
            return Ok(());
        }
        self.set_intent(true);
        match (snapshot.next_attempt_at, snapshot.sleep_until) {
            (Some(at), _) if Timestamp(at) > now => self.back_off(now, Timestamp(at)),
            // Woken by its alarm (or anything else) once the wake was due.
            (_, Some(_)) => {
                self.woke = true;
                self.open_socket(now, false);
            }
            _ => self.open_socket(now, true),
        }
        Ok(())
    }
}

/// Stored `options` with the session `secret`, as a restore takes them.
pub(super) fn with_secret(options: &Options, secret: Option<String>) -> Options {
    let mut options = options.clone();
    options.auth_token = secret;
    if options.auth_token.is_none() {
        // The session secret is gone (browser restart): connect without it.
        options.auth_query_param = None;
    }
    options
}
