//! Carrying out the core's actions: the one browser socket and its events,
//! the alarms, the read of the stored state, and the one timer re-armed
//! from the core's next deadline.

use super::{drive, Inner};
use crate::browser::clock::now;
use crate::browser::glue;
use crate::browser::socket::{InboundFrame, Incoming, Socket, SocketEvent};
use crate::core::{Action, Message};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};

/// When an alarm fires.
enum Alarm {
    Every(u64),
    At(u64),
}

impl Inner {
    pub(super) fn execute(&mut self, cell: &Rc<RefCell<Inner>>, action: Action) {
        match action {
            Action::Open { url, protocols } => {
                self.socket = None;
                let weak = Rc::downgrade(cell);
                let handler = Rc::new({
                    let weak = weak.clone();
                    move |event| on_socket_event(&weak, event)
                });
                let plain = move || on_plain_message(&weak);
                let reply = self.conn.heartbeat_reply();
                let inbound = self.conn.config().reliable_inbound;
                let early = self.keys.early();
                let target = self.target.clone().into();
                let opened = Socket::open(
                    &early, &url, &protocols, reply, inbound, handler, plain, &target,
                );
                match opened {
                    Ok(socket) => self.socket = Some(socket),
                    Err(message) => self.conn.handle_open_failed(now(), &message),
                }
            }
            Action::Send(message) => self.hand_to_socket(|s| s.send(&message)),
            Action::Close { code, reason } => {
                if let Some(socket) = &self.socket {
                    if socket.close(code, &reason).is_err() {
                        self.socket = None;
                    }
                }
            }
            Action::Drop => self.socket = None,
            Action::Watchdog(period) => {
                let every = period.map(|p| Alarm::Every(p.get()));
                set_alarm(cell, self.keys.alarm("watchdog"), every);
            }
            Action::Wake(at) => {
                let once = at.map(|t| Alarm::At(t.as_millis()));
                set_alarm(cell, self.keys.alarm("wake"), once);
            }
            Action::Load => self.load(cell),
        }
    }

    /// Hands a message to the socket; a socket that is gone or throws is an error.
    pub(super) fn hand_to_socket(&mut self, send: impl FnOnce(&Socket) -> Result<(), String>) {
        if !matches!(self.socket.as_ref().map(send), Some(Ok(()))) {
            self.conn.handle_error(now());
        }
    }

    /// Keeps one timeout armed no later than the core's next deadline. A
    /// timer that fires early is harmless: the core re-checks every deadline.
    pub(super) fn arm_timer(&mut self, cell: &Rc<RefCell<Inner>>) {
        let Some(deadline) = self.conn.poll_timeout() else {
            self.timer = None;
            return;
        };
        if matches!(&self.timer, Some((armed, _)) if *armed <= deadline) {
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
        self.timer = Some((deadline, timeout));
    }
}

/// Sets or clears (`None`) alarm `name`; a failure goes to the core.
fn set_alarm(cell: &Rc<RefCell<Inner>>, name: String, alarm: Option<Alarm>) {
    let call = match alarm {
        Some(Alarm::Every(ms)) => glue::every(&name, ms),
        Some(Alarm::At(when)) => glue::at(&name, when),
        None => glue::clear(&name),
    };
    let weak = Rc::downgrade(cell);
    let _ = call.then(move |result| {
        if let (Err(error), Some(cell)) = (result, weak.upgrade()) {
            if let Ok(mut inner) = cell.try_borrow_mut() {
                inner.conn.handle_storage_error(now(), error);
            }
            drive(&cell);
        }
        JsValue::UNDEFINED
    });
}

/// A plain message (see [`Socket::open`]): counted,
/// then the drive, then `glue.js` dispatches it when this returns true. The
/// core's call queues no action and no event (a native test checks it), so
/// the drive dispatches nothing before the message.
fn on_plain_message(weak: &Weak<RefCell<Inner>>) -> bool {
    let Some(cell) = weak.upgrade() else {
        return false;
    };
    let deliver = match cell.try_borrow_mut() {
        Ok(mut inner) => inner.conn.handle_message_in_place(now()),
        Err(_) => return false,
    };
    drive(&cell);
    deliver
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
            SocketEvent::Message(data, what) => match what {
                Incoming::Protocol => {
                    if let Some(text) = data.as_string() {
                        inner.conn.handle_message(now, Message::Text(text));
                    }
                }
                Incoming::Inbound => {
                    let frame = data.unchecked_into::<InboundFrame>();
                    let (id, dup) = (frame.id() as u64, frame.dup().as_bool() == Some(true));
                    if inner.conn.handle_inbound_in_place(now, id, dup) {
                        inner.inbound.keep(id, frame.data());
                    }
                }
                Incoming::Other => {}
            },
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
