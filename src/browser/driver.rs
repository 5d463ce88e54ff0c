//! The driver: runs the core, carries out its actions, re-arms one timer and
//! hands events to the JS listeners (never while holding the core borrowed).

use crate::browser::clock::now;
use crate::browser::convert::event_to_js;
use crate::browser::listeners::Listeners;
use crate::browser::socket::{Socket, SocketEvent};
use crate::core::{Action, Connection, Error, Event, Message, Timestamp};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;

/// How many received messages the driver remembers for `received()`.
pub(crate) const RECENT_LIMIT: usize = 50;
/// Longest text kept per remembered message, in chars.
const RECENT_TEXT_CHARS: usize = 1000;

/// A received message as remembered for `received()`.
pub(crate) struct Recent {
    pub(crate) at: Timestamp,
    pub(crate) message: Message,
    pub(crate) bytes: usize,
}

pub(crate) struct Inner {
    pub(crate) conn: Connection,
    pub(crate) listeners: Listeners,
    pub(crate) recent: VecDeque<Recent>,
    socket: Option<Socket>,
    timer: Option<(Timestamp, Timeout)>,
}

/// A shared handle on the core and its I/O.
#[derive(Clone)]
pub(crate) struct Driver {
    inner: Rc<RefCell<Inner>>,
}

impl Driver {
    pub(crate) fn new() -> Driver {
        let mut conn = Connection::new();
        conn.handle_worker_start();
        Driver {
            inner: Rc::new(RefCell::new(Inner {
                conn,
                listeners: Listeners::default(),
                recent: VecDeque::new(),
                socket: None,
                timer: None,
            })),
        }
    }

    /// Runs `f` on the state, then carries out what the core asked for.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Result<R, Error> {
        let result = {
            let mut inner = self.inner.try_borrow_mut().map_err(|_| Error::Reentrant)?;
            f(&mut inner)
        };
        drive(&self.inner);
        Ok(result)
    }

    /// Reads the state without driving.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&Inner) -> R) -> Result<R, Error> {
        let inner = self.inner.try_borrow().map_err(|_| Error::Reentrant)?;
        Ok(f(&inner))
    }
}

/// Carries out all pending actions, re-arms the timer, then dispatches events.
fn drive(cell: &Rc<RefCell<Inner>>) {
    let mut dispatch = Vec::new();
    {
        let Ok(mut inner) = cell.try_borrow_mut() else {
            return;
        };
        let inner = &mut *inner;
        loop {
            while let Some(action) = inner.conn.poll_action() {
                execute(cell, inner, action);
            }
            let Some(event) = inner.conn.poll_event() else {
                break;
            };
            if let Event::Message(message) = &event {
                remember(&mut inner.recent, message);
            }
            let (kind, value) = event_to_js(&event);
            let listeners = inner.listeners.of(kind);
            if !listeners.is_empty() {
                dispatch.push((listeners, value));
            }
        }
        arm_timer(cell, inner);
    }
    for (listeners, value) in dispatch {
        for listener in listeners {
            if let Err(thrown) = listener.call1(&JsValue::UNDEFINED, &value) {
                web_sys::console::error_2(&"sw-websocket: a listener threw".into(), &thrown);
            }
        }
    }
}

fn execute(cell: &Rc<RefCell<Inner>>, inner: &mut Inner, action: Action) {
    match action {
        Action::Open { url, protocols } => {
            inner.socket = None;
            let weak = Rc::downgrade(cell);
            let handler = Rc::new(move |event| on_socket_event(&weak, event));
            match Socket::open(&url, &protocols, handler) {
                Ok(socket) => inner.socket = Some(socket),
                Err(message) => inner.conn.handle_open_failed(now(), &message),
            }
        }
        Action::Send(message) => {
            let sent = inner.socket.as_ref().map(|s| s.send(&message));
            if !matches!(sent, Some(Ok(()))) {
                inner.conn.handle_error(now());
            }
        }
        Action::Close { code, reason } => {
            if let Some(socket) = &inner.socket {
                if socket.close(code, &reason).is_err() {
                    inner.socket = None;
                }
            }
        }
        Action::Drop => inner.socket = None,
    }
}

fn on_socket_event(weak: &Weak<RefCell<Inner>>, event: SocketEvent) {
    let Some(cell) = weak.upgrade() else { return };
    {
        let Ok(mut inner) = cell.try_borrow_mut() else {
            return;
        };
        let now = now();
        match event {
            SocketEvent::Open => inner.conn.handle_open(now),
            SocketEvent::Message(message) => inner.conn.handle_message(now, message),
            SocketEvent::Close {
                code,
                reason,
                was_clean,
            } => {
                inner.conn.handle_close(now, code, &reason, was_clean);
                inner.socket = None;
            }
            SocketEvent::Error => inner.conn.handle_error(now),
        }
    }
    drive(&cell);
}

/// Keeps one timeout armed no later than the core's next deadline. A timer
/// that fires early is harmless: the core re-checks every deadline.
fn arm_timer(cell: &Rc<RefCell<Inner>>, inner: &mut Inner) {
    let Some(deadline) = inner.conn.poll_timeout() else {
        inner.timer = None;
        return;
    };
    if matches!(&inner.timer, Some((armed, _)) if *armed <= deadline) {
        return;
    }
    let delay = deadline.saturating_since(now()).get().min(i32::MAX as u64) as u32;
    let weak = Rc::downgrade(cell);
    let timeout = Timeout::new(delay, move || {
        let Some(cell) = weak.upgrade() else { return };
        if let Ok(mut inner) = cell.try_borrow_mut() {
            inner.timer = None;
            inner.conn.handle_timeout(now());
        }
        drive(&cell);
    });
    inner.timer = Some((deadline, timeout));
}

fn remember(recent: &mut VecDeque<Recent>, message: &Message) {
    if recent.len() >= RECENT_LIMIT {
        recent.pop_front();
    }
    let kept = match message {
        Message::Text(text) if text.chars().count() > RECENT_TEXT_CHARS => {
            Message::Text(text.chars().take(RECENT_TEXT_CHARS).collect())
        }
        Message::Text(text) => Message::Text(text.clone()),
        Message::Binary(_) => Message::Binary(Vec::new()),
    };
    recent.push_back(Recent {
        at: now(),
        message: kept,
        bytes: message.len(),
    });
}
