//! The driver: runs the core, carries out its actions, re-arms one timer,
//! writes state, and hands events to the JS listeners (never while holding
//! the core borrowed).

use crate::browser::clock::now;
use crate::browser::convert::{event_to_js, message_to_js};
use crate::browser::listeners::{ListenerList, Listeners};
use crate::browser::persist::{self, Pending};
use crate::browser::socket::{Incoming, Socket, SocketEvent};
use crate::browser::store::Keys;
use crate::browser::{glue, online::OnlineWatch};
use crate::core::{Action, Connection, Error, Event, Message, SendOptions, Timestamp};
use gloo_timers::callback::Timeout;
use js_sys::{ArrayBuffer, JsString};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

/// How many received messages the driver remembers for `received()`.
pub(crate) const RECENT_LIMIT: usize = 50;
/// Longest text `received()` gives per message, in UTF-16 units.
pub(crate) const RECENT_TEXT_CHARS: usize = 1000;
/// Longest text remembered as it is (no copy on the hot path; at most 50 of
/// them, 400 KiB); of a longer one only the head is copied out.
const RECENT_WHOLE_CHARS: usize = 4096;

/// A received message as remembered for `received()`.
pub(crate) struct Recent {
    pub(crate) at: Timestamp,
    /// The text (its head, for a long one); `None` for binary.
    pub(crate) text: Option<JsValue>,
    /// UTF-16 units of a text, bytes of a binary message.
    pub(crate) length: usize,
}

pub(crate) struct Inner {
    pub(crate) conn: Connection,
    pub(crate) listeners: Listeners,
    pub(crate) recent: VecDeque<Recent>,
    pub(crate) keys: Keys,
    pub(crate) resumed: bool,
    /// A connect() came before resume(): no write until the stored ids are read.
    pub(crate) ids_unread: bool,
    /// That read is under way.
    pub(crate) ids_reading: bool,
    /// The change a failed read was made for: the next change reads again.
    pub(crate) ids_failed_at: Option<u64>,
    pub(crate) writing: bool,
    pub(crate) pending: Vec<Pending>,
    pub(crate) written_secret: Option<Option<String>>,
    socket: Option<Socket>,
    timer: Option<(Timestamp, Timeout)>,
    online: Option<OnlineWatch>,
}

impl Inner {
    /// Hands a message to the socket; a socket that is gone or throws is an error.
    fn hand_to_socket(&mut self, send: impl FnOnce(&Socket) -> Result<(), String>) {
        if !matches!(self.socket.as_ref().map(send), Some(Ok(()))) {
            self.conn.handle_error(now());
        }
    }

    /// Remembers a received message (`data` as listeners get it) and returns
    /// the listener calls for it, if there are listeners.
    fn deliver(
        &mut self,
        at: Timestamp,
        data: &JsValue,
        binary: bool,
    ) -> Option<(ListenerList, JsValue)> {
        remember(&mut self.recent, recent_of(at, data, binary));
        let listeners = self.listeners.of("message");
        (!listeners.is_empty()).then(|| (listeners, glue::message_event(data, binary)))
    }
}

/// A shared handle on the core and its I/O.
#[derive(Clone)]
pub(crate) struct Driver {
    pub(crate) inner: Rc<RefCell<Inner>>,
}

impl Driver {
    pub(crate) fn new(keys: Keys) -> Driver {
        let seed = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
        let mut conn = Connection::with_seed(seed);
        conn.handle_online(now(), glue::is_online());
        let driver = Driver {
            inner: Rc::new(RefCell::new(Inner {
                conn,
                listeners: Listeners::default(),
                recent: VecDeque::new(),
                keys,
                resumed: false,
                ids_unread: false,
                ids_reading: false,
                ids_failed_at: None,
                writing: false,
                pending: Vec::new(),
                written_secret: None,
                socket: None,
                timer: None,
                online: None,
            })),
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
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Result<R, Error> {
        let result = {
            let mut inner = self.inner.try_borrow_mut().map_err(|_| Error::Reentrant)?;
            f(&mut inner)
        };
        drive(&self.inner);
        Ok(result)
    }

    /// Sends `data` (a value `payload::sendable` sized at `len` bytes) as it
    /// is when the core lets it go to the socket now; `Ok(false)`: it must
    /// take the checked path (`send` with a copied message).
    pub(crate) fn send_in_place(
        &self,
        data: &JsValue,
        len: usize,
        how: &SendOptions,
    ) -> Result<bool, Error> {
        self.with(|inner| {
            // A string's size is an upper bound: near the limit, measure exactly.
            if len > inner.conn.config().max_message()
                || !inner.conn.send_in_place(now(), len, how)?
            {
                return Ok(false);
            }
            inner.hand_to_socket(|s| s.send_value(data));
            Ok(true)
        })?
    }

    /// Reads the state without driving.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&Inner) -> R) -> Result<R, Error> {
        let inner = self.inner.try_borrow().map_err(|_| Error::Reentrant)?;
        Ok(f(&inner))
    }
}

/// Carries out all pending actions, re-arms the timer, starts a write if
/// state changed, then dispatches events.
pub(crate) fn drive(cell: &Rc<RefCell<Inner>>) {
    drive_after(cell, Vec::new());
}

/// Listener calls to make, in order: the functions and the event object.
type Dispatch = Vec<(ListenerList, JsValue)>;

/// [`drive`], with `dispatch` (events the shell made itself) going first.
fn drive_after(cell: &Rc<RefCell<Inner>>, mut dispatch: Dispatch) {
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
                let binary = matches!(message, Message::Binary(_));
                dispatch.extend(inner.deliver(now(), &message_to_js(message), binary));
                continue;
            }
            let Some((kind, value)) = event_to_js(&event) else {
                continue;
            };
            let listeners = inner.listeners.of(kind);
            if !listeners.is_empty() {
                dispatch.push((listeners, value));
            }
        }
        arm_timer(cell, inner);
        persist::schedule(cell, inner);
    }
    for (listeners, value) in dispatch {
        for listener in listeners.iter() {
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
            match Socket::open(&url, &protocols, inner.conn.heartbeat_reply(), handler) {
                Ok(socket) => inner.socket = Some(socket),
                Err(message) => inner.conn.handle_open_failed(now(), &message),
            }
        }
        Action::Send(message) => inner.hand_to_socket(|s| s.send(&message)),
        Action::Close { code, reason } => {
            if let Some(socket) = &inner.socket {
                if socket.close(code, &reason).is_err() {
                    inner.socket = None;
                }
            }
        }
        Action::Drop => inner.socket = None,
        Action::Watchdog(period) => {
            let every = period.map(|p| Alarm::Every(p.get()));
            set_alarm(cell, inner.keys.alarm("watchdog"), every);
        }
        Action::Wake(at) => {
            let once = at.map(|t| Alarm::At(t.as_millis()));
            set_alarm(cell, inner.keys.alarm("wake"), once);
        }
    }
}

/// When an alarm fires.
enum Alarm {
    Every(u64),
    At(u64),
}

/// Sets or clears (`None`) alarm `name`; a failure is reported by the core
/// like any other error.
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
                inner.conn.report(error);
            }
            drive(&cell);
        }
        JsValue::UNDEFINED
    });
}

fn on_socket_event(weak: &Weak<RefCell<Inner>>, event: SocketEvent) {
    let Some(cell) = weak.upgrade() else { return };
    let mut dispatch = Dispatch::new();
    {
        let Ok(mut inner) = cell.try_borrow_mut() else {
            return;
        };
        let now = now();
        match event {
            SocketEvent::Open => inner.conn.handle_open(now),
            SocketEvent::Message(data, what) => match what {
                Incoming::Text | Incoming::Binary => {
                    if inner.conn.handle_message_in_place(now) {
                        let binary = matches!(what, Incoming::Binary);
                        dispatch.extend(inner.deliver(now, &data, binary));
                    }
                }
                Incoming::Protocol => {
                    if let Some(text) = data.as_string() {
                        inner.conn.handle_message(now, Message::Text(text));
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
    drive_after(&cell, dispatch);
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

fn remember(recent: &mut VecDeque<Recent>, entry: Recent) {
    if recent.len() >= RECENT_LIMIT {
        recent.pop_front();
    }
    recent.push_back(entry);
}

/// A received message as remembered: a text of up to `RECENT_WHOLE_CHARS`
/// as it is (no copy), the head of a longer one copied out (a slice would
/// keep it all alive); `received()` cuts texts to `RECENT_TEXT_CHARS`.
fn recent_of(at: Timestamp, data: &JsValue, binary: bool) -> Recent {
    let (text, length) = if binary {
        let bytes = data.unchecked_ref::<ArrayBuffer>().byte_length();
        (None, bytes as usize)
    } else {
        // A message sorted as text by `glue.js` is a string.
        let text = data.unchecked_ref::<JsString>();
        let length = text.length() as usize;
        let kept = if length <= RECENT_WHOLE_CHARS {
            Some(data.clone())
        } else {
            text.substring(0, RECENT_TEXT_CHARS as u32)
                .as_string()
                .map(|head| JsValue::from_str(&head))
        };
        (kept, length)
    };
    Recent { at, text, length }
}
