//! The connection state machine: `handle_*` in, `poll_*` out, time passed in.

use crate::core::state::Phase;
use crate::core::timer::{Timer, TimerTable};
use crate::core::{
    CloseInfo, CloseRequest, Config, ConnState, Counters, Error, ErrorInfo, Message, Status,
    Timestamp, WsUrl,
};
use std::collections::VecDeque;

/// What the shell must do for the core.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Open a browser socket to `url`, replacing any previous one.
    Open {
        /// The checked URL.
        url: String,
        /// Subprotocols to offer.
        protocols: Vec<String>,
    },
    /// Send a message on the open socket.
    Send(Message),
    /// Start the closing handshake of the current socket.
    Close {
        /// A close code the browser accepts.
        code: u16,
        /// A reason of at most 123 UTF-8 bytes.
        reason: String,
    },
    /// Forget the current socket: remove its listeners and let it go.
    Drop,
}

/// What the application sees.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The state changed to this one.
    State(ConnState),
    /// The socket opened.
    Open,
    /// A message arrived.
    Message(Message),
    /// The socket closed.
    Close(CloseInfo),
    /// Something went wrong; the state events say what happens next.
    Error(Error),
}

/// What `send` did with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sent {
    /// Handed to the open socket.
    ToSocket,
}

/// A WebSocket connection's logic, without any I/O of its own.
#[derive(Debug)]
pub struct Connection {
    config: Config,
    url: Option<WsUrl>,
    phase: Phase,
    intent_open: bool,
    timers: TimerTable,
    last_activity: Timestamp,
    counters: Counters,
    last_error: Option<Error>,
    last_close: Option<CloseInfo>,
    actions: VecDeque<Action>,
    events: VecDeque<Event>,
}

impl Default for Connection {
    fn default() -> Self {
        Connection::new()
    }
}

impl Connection {
    /// A connection in the idle state.
    pub fn new() -> Self {
        Connection {
            config: Config::default(),
            url: None,
            phase: Phase::Idle,
            intent_open: false,
            timers: TimerTable::default(),
            last_activity: Timestamp::default(),
            counters: Counters::default(),
            last_error: None,
            last_close: None,
            actions: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// Counts one more start of the worker.
    pub fn handle_worker_start(&mut self) {
        self.counters.worker_starts += 1;
    }

    /// Opens a connection to `url` with `config`.
    ///
    /// Fails with [`Error::AlreadyConnected`] while connecting or open, and
    /// with a URL or option error before anything happens.
    pub fn connect(&mut self, now: Timestamp, url: &str, config: Config) -> Result<(), Error> {
        if self.phase.is_connecting() || self.phase.is_open() {
            return Err(Error::AlreadyConnected);
        }
        let url = WsUrl::parse(url)?;
        let config = config.validate()?;
        if let Phase::Closing { request } = &self.phase {
            let info = CloseInfo {
                code: request.code(),
                reason: request.reason().to_owned(),
                was_clean: false,
            };
            self.actions.push_back(Action::Drop);
            self.finish_close(info);
        }
        self.config = config;
        self.url = Some(url);
        self.intent_open = true;
        self.open_socket(now);
        Ok(())
    }

    /// Sends `message` on the open socket.
    pub fn send(&mut self, now: Timestamp, message: Message) -> Result<Sent, Error> {
        let max = self.config.max_message();
        if message.len() > max {
            return Err(Error::MessageTooLarge {
                size: message.len(),
                max,
            });
        }
        if !self.phase.is_open() {
            return Err(Error::NotOpen);
        }
        self.counters.sent += 1;
        self.actions.push_back(Action::Send(message));
        self.touch(now);
        Ok(Sent::ToSocket)
    }

    /// Closes the connection with a code (1000 or 3000-4999) and a reason.
    ///
    /// Checked before anything happens; closing what is not open does nothing.
    pub fn close(
        &mut self,
        now: Timestamp,
        code: Option<u16>,
        reason: Option<&str>,
    ) -> Result<(), Error> {
        let request = CloseRequest::new(code, reason)?;
        self.intent_open = false;
        if self.phase.is_connecting() || self.phase.is_open() {
            self.start_close(now, request);
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
        self.touch(now);
    }

    /// A message arrived on the socket.
    pub fn handle_message(&mut self, now: Timestamp, message: Message) {
        if !(self.phase.is_open() || self.phase.is_closing()) {
            return;
        }
        self.counters.received += 1;
        if self.phase.is_open() {
            self.touch(now);
        }
        self.events.push_back(Event::Message(message));
    }

    /// The socket closed (the browser's `close` event).
    pub fn handle_close(&mut self, _now: Timestamp, code: u16, reason: &str, was_clean: bool) {
        if !self.phase.has_socket() {
            return;
        }
        self.finish_close(CloseInfo {
            code,
            reason: reason.to_owned(),
            was_clean,
        });
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
    pub fn handle_open_failed(&mut self, _now: Timestamp, message: &str) {
        if !self.phase.is_connecting() {
            return;
        }
        self.report(Error::Socket(message.to_owned()));
        self.finish_close(CloseInfo {
            code: 1006,
            reason: message.chars().take(123).collect(),
            was_clean: false,
        });
    }

    /// Runs every timer whose deadline is at or before `now`.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        while let Some(timer) = self.timers.take_expired(now) {
            match timer {
                Timer::Keepalive => self.on_keepalive(now),
                Timer::ConnectTimeout => self.on_connect_timeout(),
                Timer::CloseTimeout => self.on_close_timeout(),
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

    /// A snapshot of the state, counters and last error and close.
    pub fn status(&self) -> Status {
        let c = &self.counters;
        Status {
            state: self.phase.public().as_str(),
            intent: if self.intent_open { "open" } else { "closed" },
            url: self.url.as_ref().map(|u| u.as_str().to_owned()),
            worker_starts: c.worker_starts,
            connects: c.connects,
            reconnects: c.reconnects,
            sent: c.sent,
            received: c.received,
            keepalives: c.keepalives,
            outbox: 0,
            outbox_bytes: 0,
            last_error: self.last_error.as_ref().map(ErrorInfo::from),
            last_close: self.last_close.clone(),
            opened_at: match self.phase {
                Phase::Open { since } => Some(since.as_millis()),
                _ => None,
            },
        }
    }

    fn open_socket(&mut self, now: Timestamp) {
        let Some(url) = &self.url else { return };
        self.actions.push_back(Action::Open {
            url: url.as_str().to_owned(),
            protocols: self.config.subprotocols().to_vec(),
        });
        self.counters.connects += 1;
        self.timers.stop_all();
        self.timers
            .set(Timer::ConnectTimeout, now + self.config.connect_timeout());
        self.set_phase(Phase::Connecting);
    }

    fn start_close(&mut self, now: Timestamp, request: CloseRequest) {
        self.actions.push_back(Action::Close {
            code: request.code(),
            reason: request.reason().to_owned(),
        });
        self.timers.stop_all();
        self.timers
            .set(Timer::CloseTimeout, now + self.config.close_timeout());
        self.set_phase(Phase::Closing { request });
    }

    fn finish_close(&mut self, info: CloseInfo) {
        self.timers.stop_all();
        self.last_close = Some(info.clone());
        self.events.push_back(Event::Close(info));
        self.set_phase(Phase::Closed);
    }

    /// Data moved: the keepalive waits a full interval from now.
    fn touch(&mut self, now: Timestamp) {
        self.last_activity = now;
        match self.config.keepalive() {
            Some(keepalive) if self.phase.is_open() => {
                self.timers.set(Timer::Keepalive, now + keepalive.interval);
            }
            _ => self.timers.stop(Timer::Keepalive),
        }
    }

    fn on_keepalive(&mut self, now: Timestamp) {
        let Some(keepalive) = self.config.keepalive() else {
            return;
        };
        if !self.phase.is_open() {
            return;
        }
        if now.saturating_since(self.last_activity) < keepalive.interval {
            let at = self.last_activity + keepalive.interval;
            self.timers.set(Timer::Keepalive, at);
            return;
        }
        let message = Message::Text(keepalive.message.clone());
        self.actions.push_back(Action::Send(message));
        self.counters.keepalives += 1;
        self.touch(now);
    }

    fn on_connect_timeout(&mut self) {
        if !self.phase.is_connecting() {
            return;
        }
        self.report(Error::ConnectTimeout);
        self.actions.push_back(Action::Drop);
        self.finish_close(CloseInfo {
            code: 1006,
            reason: "connect timeout".into(),
            was_clean: false,
        });
    }

    fn on_close_timeout(&mut self) {
        let Phase::Closing { request } = &self.phase else {
            return;
        };
        let info = CloseInfo {
            code: request.code(),
            reason: request.reason().to_owned(),
            was_clean: false,
        };
        self.actions.push_back(Action::Drop);
        self.finish_close(info);
    }

    fn report(&mut self, error: Error) {
        self.last_error = Some(error.clone());
        self.events.push_back(Event::Error(error));
    }

    fn set_phase(&mut self, phase: Phase) {
        let changed = phase.public() != self.phase.public();
        self.phase = phase;
        if changed {
            self.events.push_back(Event::State(self.phase.public()));
        }
    }
}
