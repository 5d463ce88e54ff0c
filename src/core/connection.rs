//! The connection state machine: `handle_*` in, `poll_*` out, time passed in.
//! Sending is in `sending.rs`, receiving in `receive.rs` and `inbound.rs`,
//! transitions in `lifecycle.rs`, persistence in `persist.rs`, a worker
//! start in `resume.rs` and `restore.rs`. Its fields are the core's own.

use crate::core::backoff::Rng;
use crate::core::ids::Ids;
use crate::core::inbox::Inbound;
use crate::core::io::{Action, Event};
use crate::core::outbox::Outbox;
use crate::core::reliable;
use crate::core::state::Phase;
use crate::core::stored::Stored;
use crate::core::timer::{Timer, TimerTable};
use crate::core::{
    CloseInfo, CloseRequest, Config, ConnState, Counters, Error, ErrorInfo, Options, Timestamp,
    WsUrl,
};
use std::collections::VecDeque;

pub(super) enum Random {
    Seeded(Rng),
    Custom(Box<dyn FnMut() -> f64>),
}

/// A WebSocket connection's logic, without any I/O of its own.
pub struct Connection {
    pub(super) config: Config,
    pub(super) options: Options,
    pub(super) url: Option<WsUrl>,
    pub(super) phase: Phase,
    pub(super) intent_open: bool,
    pub(super) timers: TimerTable,
    pub(super) last_activity: Timestamp,
    pub(super) attempt: u32,
    pub(super) online: bool,
    pub(super) outbox: Outbox,
    pub(super) ids: Ids,
    pub(super) counters: Counters,
    pub(super) last_error: Option<ErrorInfo>,
    pub(super) last_close: Option<CloseInfo>,
    pub(super) actions: VecDeque<Action>,
    pub(super) events: VecDeque<Event>,
    pub(super) random: Random,
    pub(super) dirty: u64,
    pub(super) persisted: u64,
    pub(super) wake: Option<Timestamp>,
    /// What is known of the state an earlier life stored.
    pub(super) stored: Stored,
    /// Queued sends not settled yet: (seq, id), in order.
    pub(super) unsettled: VecDeque<(u64, u64)>,
    /// The sequence of the last write that failed: no retry before a change.
    pub(super) write_failed: u64,
    /// Reliable inbound delivery.
    pub(super) inbound: Inbound,
    /// The socket being opened is a wake's (see `sleep.rs`).
    pub(super) woke: bool,
    /// What `keep_connected` was told before the stored state was read.
    pub(super) keep: Option<(WsUrl, Options)>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("state", &self.phase.public())
            .field("url", &self.url)
            .field("attempt", &self.attempt)
            .field("outbox", &self.outbox.len())
            .finish_non_exhaustive()
    }
}

impl Default for Connection {
    fn default() -> Self {
        Connection::new()
    }
}

impl Connection {
    /// A connection in the idle state, with a fixed jitter seed.
    pub fn new() -> Self {
        Connection::with_seed(0x5eed)
    }

    /// A connection whose backoff jitter comes from a PRNG seeded with `seed`.
    pub fn with_seed(seed: u64) -> Self {
        Connection {
            config: Config::default(),
            options: Options::default(),
            url: None,
            phase: Phase::Idle,
            intent_open: false,
            timers: TimerTable::default(),
            last_activity: Timestamp::default(),
            attempt: 0,
            online: true,
            outbox: Outbox::default(),
            ids: Ids::default(),
            counters: Counters::default(),
            last_error: None,
            last_close: None,
            actions: VecDeque::new(),
            events: VecDeque::new(),
            random: Random::Seeded(Rng::new(seed)),
            dirty: 0,
            persisted: 0,
            wake: None,
            stored: Stored::default(),
            unsettled: VecDeque::new(),
            write_failed: 0,
            inbound: Inbound::default(),
            woke: false,
            keep: None,
        }
    }

    /// Replaces the jitter source: `random()` must return values in `[0, 1)`.
    pub fn set_random(&mut self, random: Box<dyn FnMut() -> f64>) {
        self.random = Random::Custom(random);
    }

    /// Opens a connection to `url` with `options`.
    ///
    /// Fails with [`Error::AlreadyConnected`] while connecting, open or in
    /// backoff, and with a URL or option error before anything happens.
    pub fn connect(&mut self, now: Timestamp, url: &str, options: Options) -> Result<(), Error> {
        let p = &self.phase;
        if p.is_connecting() || p.is_open() || p.is_backoff() || p.is_sleeping() {
            return Err(Error::AlreadyConnected);
        }
        let url = WsUrl::parse(url)?;
        let config = options.to_config()?;
        self.abandon_close(now);
        self.config = config;
        self.options = options;
        self.url = Some(url);
        self.set_intent(true);
        self.attempt = 0;
        self.connect_first();
        self.mark_dirty();
        self.reserve_ids();
        self.open_socket(now, false);
        Ok(())
    }

    /// Closes the connection with a code (1000 or 3000-4999) and a reason.
    ///
    /// Checked before anything happens. Never reconnects afterwards; the
    /// outbox is kept for the next `connect` (see [`Connection::clear_outbox`]).
    pub fn close(
        &mut self,
        now: Timestamp,
        code: Option<u16>,
        reason: Option<&str>,
    ) -> Result<(), Error> {
        let request = CloseRequest::new(code, reason)?;
        self.set_intent(false);
        self.set_wake(None);
        self.mark_dirty();
        match self.phase {
            Phase::Connecting | Phase::Open { .. } => self.start_close(now, request, false),
            Phase::Backoff { .. } | Phase::GaveUp | Phase::Sleeping { .. } => {
                self.timers.stop_socket_timers();
                self.set_phase(Phase::Closed);
            }
            _ => {}
        }
        Ok(())
    }

    /// The browser socket opened.
    pub fn handle_open(&mut self, now: Timestamp) {
        if !self.phase.is_connecting() {
            return;
        }
        self.timers.stop(Timer::ConnectTimeout);
        self.set_phase(Phase::Open { since: now });
        self.events.push_back(Event::Open);
        self.set_wake(None);
        if let Some(auth) = self
            .config
            .auth
            .as_ref()
            .filter(|a| a.query_param.is_none())
        {
            self.actions
                .push_back(Action::Send(reliable::auth_frame(&auth.token)));
        }
        self.inbound_on_open();
        self.sleep_on_open(now);
        self.outbox.rewind();
        self.flush_outbox(now);
        self.mark_dirty();
        self.touch(now);
    }

    /// The socket closed (the browser's `close` event).
    pub fn handle_close(&mut self, now: Timestamp, code: u16, reason: &str, was_clean: bool) {
        let info = CloseInfo {
            code,
            reason: reason.to_owned(),
            was_clean,
        };
        match self.phase {
            Phase::Closing { to_sleep: true, .. } => self.fall_asleep(now, info),
            Phase::Closing { .. } => self.finish_close(info, Phase::Closed),
            Phase::Connecting | Phase::Open { .. } => self.lost(now, info),
            _ => {}
        }
    }

    /// The socket reported an error (the browser's `error` event); a close follows.
    pub fn handle_error(&mut self, _now: Timestamp) {
        if !self.phase.has_socket() {
            return;
        }
        let error = if self.phase.is_connecting() {
            Error::Socket("the connection could not be opened".into())
        } else {
            Error::Socket("the connection failed".into())
        };
        self.report(error);
    }

    /// The browser refused to create the socket (its constructor threw).
    pub fn handle_open_failed(&mut self, now: Timestamp, message: &str) {
        if !self.phase.is_connecting() {
            return;
        }
        self.report(Error::Socket(message.to_owned()));
        let info = CloseInfo {
            code: 1006,
            reason: message.chars().take(123).collect(),
            was_clean: false,
        };
        self.lost(now, info);
    }

    /// Runs every timer whose deadline is at or before `now`.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        while let Some(timer) = self.timers.take_expired(now) {
            match timer {
                Timer::Keepalive => self.on_keepalive(now),
                Timer::ConnectTimeout => self.on_connect_timeout(now),
                Timer::CloseTimeout => self.abandon_close(now),
                Timer::Reconnect => self.on_reconnect(now),
                Timer::Heartbeat => self.on_heartbeat_timeout(now),
                Timer::Persist => _ = self.mark_dirty(),
                Timer::Handler => self.on_handler_timeout(now),
                Timer::InboundWrite => self.write_inbound_position(now),
                Timer::Sleep => self.on_sleep_timer(now),
            }
        }
    }

    /// The next thing the shell must do, if any.
    #[must_use]
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// The next event for the application, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When `handle_timeout` must be called next, if ever.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        self.timers.next()
    }

    /// The current state.
    pub fn state(&self) -> ConnState {
        self.phase.public()
    }

    /// The counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// The config of the current or last connection.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The current reconnect attempt (0 when connected or never failed).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub(super) fn random(&mut self) -> f64 {
        match &mut self.random {
            Random::Seeded(rng) => rng.next_f64(),
            Random::Custom(f) => f(),
        }
    }
}
