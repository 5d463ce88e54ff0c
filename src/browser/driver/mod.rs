//! The driver: runs the core, carries out its actions (`actions.rs`: the
//! socket, alarms, the timer; `write.rs`: storage writes; `load.rs`: the
//! read the core asks for) and dispatches events on the socket's
//! `EventTarget`, never while holding the core borrowed. The app's calls come in through `calls.rs`.
//! Every decision is the core's: the driver only carries out and reports
//! back. The fields of [`Inner`] are this module's own.

mod actions;
mod calls;
mod inbound;
mod load;
mod write;

use crate::browser::clock::now;
use crate::browser::glue;
use crate::browser::js::convert::{event_to_js, js_error, message_to_js, object};
use crate::browser::online::OnlineWatch;
use crate::browser::socket::Socket;
use crate::browser::storage::Keys;
use crate::core::{Connection, Error, Event, Message, Timestamp};
use gloo_timers::callback::Timeout;
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::EventTarget;

/// The core and its I/O.
struct Inner {
    conn: Connection,
    /// Where events are dispatched.
    target: EventTarget,
    keys: Keys,
    /// `send` promises waiting for the core to settle them, by their `seq`.
    waiting: Vec<(u64, Function, Function)>,
    /// A write is under way.
    writing: bool,
    /// The secret last written (`None`: none written yet).
    written_secret: Option<Option<String>>,
    /// The read the core asked for last: a `resume()` waits for it.
    loading: Option<Promise>,
    socket: Option<Socket>,
    timer: Option<(Timestamp, Timeout)>,
    online: Option<OnlineWatch>,
    inbound: inbound::Inbound,
}

impl Inner {
    /// The `message` event of received `data`.
    fn deliver(data: &JsValue, binary: bool) -> Call {
        Call::Message(data.clone(), binary)
    }

    /// Resolves or rejects the `send` promise the core settled.
    fn settle(&mut self, seq: u64, result: Result<u64, Error>) {
        let Some(at) = self.waiting.iter().position(|w| w.0 == seq) else {
            return;
        };
        let (_, resolve, reject) = self.waiting.swap_remove(at);
        let (settle, value) = match result {
            Ok(id) => {
                let queued = object(&[("queued", true.into()), ("id", (id as f64).into())]);
                (resolve, queued)
            }
            Err(error) => (reject, js_error(&error)),
        };
        let _ = settle.call1(&JsValue::UNDEFINED, &value);
    }

    /// Without storage nothing survives the worker: every change counts as
    /// written at once, and no id can come back (`u64::MAX`).
    fn written_in_memory(&mut self) -> bool {
        if self.keys.enabled() {
            return false;
        }
        let Some(seq) = self.conn.poll_persist() else {
            return false;
        };
        self.conn.handle_persisted(now(), seq, u64::MAX);
        true
    }
}

/// A shared handle on the core and its I/O.
#[derive(Clone)]
pub(crate) struct Driver {
    inner: Rc<RefCell<Inner>>,
}

impl Driver {
    pub(crate) fn new(keys: Keys, target: EventTarget) -> Driver {
        let seed = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
        let mut conn = Connection::with_seed(seed);
        conn.handle_online(now(), glue::is_online());
        if keys.enabled() {
            conn.expect_stored_state();
        }
        let driver = Driver {
            inner: Rc::new_cyclic(|weak| {
                RefCell::new(Inner {
                    conn,
                    target,
                    keys,
                    waiting: Vec::new(),
                    writing: false,
                    written_secret: None,
                    loading: None,
                    socket: None,
                    timer: None,
                    online: None,
                    inbound: inbound::Inbound::new(weak.clone()),
                })
            }),
        };
        let weak = Rc::downgrade(&driver.inner);
        let watch = OnlineWatch::new(move |online| {
            if let Some(cell) = weak.upgrade() {
                if let Ok(mut inner) = cell.try_borrow_mut() {
                    inner.conn.handle_online(now(), online);
                }
                drive(&cell);
            }
        });
        if let Ok(mut inner) = driver.inner.try_borrow_mut() {
            inner.online = watch;
        }
        driver
    }

    /// Runs `f` on the state, then carries out what the core asked for.
    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Result<R, Error> {
        let result = {
            let mut inner = self.inner.try_borrow_mut().map_err(|_| Error::Reentrant)?;
            f(&mut inner)
        };
        drive(&self.inner);
        Ok(result)
    }

    /// Reads the state without driving.
    fn read<R>(&self, f: impl FnOnce(&Inner) -> R) -> Result<R, Error> {
        let inner = self.inner.try_borrow().map_err(|_| Error::Reentrant)?;
        Ok(f(&inner))
    }
}

/// Carries out all pending actions, re-arms the timer, starts a write if
/// state changed, then dispatches events.
fn drive(cell: &Rc<RefCell<Inner>>) {
    drive_after(cell, Vec::new());
}

/// An event to dispatch.
enum Call {
    /// Its type and fields.
    Fire(&'static str, JsValue),
    /// A received message: its data, and whether it is binary.
    Message(JsValue, bool),
    /// An inbound message (`reliableInbound`), whose handling the core
    /// waits for: its id, `dup`, its data, and the callback to report on.
    Inbound(u64, bool, JsValue, JsValue),
}

/// [`drive`], with `dispatch` (events the shell made itself) going first.
fn drive_after(cell: &Rc<RefCell<Inner>>, mut dispatch: Vec<Call>) {
    let target = {
        let Ok(mut inner) = cell.try_borrow_mut() else {
            return;
        };
        let inner = &mut *inner;
        loop {
            while let Some(action) = inner.conn.poll_action() {
                inner.execute(cell, action);
            }
            let Some(event) = inner.conn.poll_event() else {
                if inner.written_in_memory() {
                    continue;
                }
                break;
            };
            match event {
                Event::Message(message) => {
                    let binary = matches!(message, Message::Binary(_));
                    dispatch.push(Inner::deliver(&message_to_js(&message), binary));
                }
                Event::Settled { seq, result } => inner.settle(seq, result),
                Event::Inbound { id, dup, data } => {
                    let data = inner.inbound.take(id, data);
                    dispatch.push(Call::Inbound(id, dup, data, inner.inbound.done()));
                }
                event => dispatch.extend(event_to_js(&event).map(|(t, f)| Call::Fire(t, f))),
            }
        }
        inner.arm_timer(cell);
        inner.schedule_write(cell);
        inner.target.clone()
    };
    // A listener that throws is reported by the browser, as for any event.
    for call in dispatch {
        match call {
            Call::Fire(kind, fields) => glue::fire(&target, kind, &fields),
            Call::Inbound(id, dup, data, done) => {
                glue::fire_inbound(&target, id as f64, dup, &data, &done)
            }
            Call::Message(data, binary) => glue::fire_message(&target, &data, binary),
        }
    }
}
