//! A connection with a virtual clock and a small simulated server that
//! stores pushes and replays them on `sw.resume` (`tests/core_sleep.rs`).

use super::native::*;
use sw_websocket::core::{Action, ConnState, Connection, Event, Message, Timestamp};

/// Sleeping after 20 s, waking every 60 s, keepalives every 5 s, reliable inbound.
pub const SLEEPY: &str = r#"{"sleepAfterMs": 20000, "wakeEveryMs": 60000, "keepaliveMs": 5000, "reliableInbound": true}"#;

/// A connection, the server it talks to, and the clock.
pub struct Sim {
    pub conn: Connection,
    pub now: u64,
    /// Messages the server stored: (id, text); it sends those above the resume.
    pub stored: Vec<(u64, String)>,
    pub acked: u64,
    /// Handled inbound messages: (id, data, when).
    pub handled: Vec<(u64, String, u64)>,
    pub opens: Vec<u64>,
    pub closes: Vec<(u64, u16, String)>,
    pub alarms: Vec<(u64, Action)>,
    pub app_frames: Vec<String>,
    pub socket_open: bool,
}

impl Sim {
    pub fn new(options: &str) -> Sim {
        let mut conn = Connection::new();
        conn.connect(Timestamp(0), URL, opts(options))
            .expect("valid");
        let mut sim = Sim {
            conn,
            now: 0,
            stored: Vec::new(),
            acked: 0,
            handled: Vec::new(),
            opens: Vec::new(),
            closes: Vec::new(),
            alarms: Vec::new(),
            app_frames: Vec::new(),
            socket_open: false,
        };
        sim.settle();
        sim
    }

    /// Carries out what the connection asked for, at the current time: a
    /// socket opens 10 ms later (played at once, at now + 10), a close is
    /// answered at once, writes land at once, inbound messages are handled
    /// at once.
    pub fn settle(&mut self) {
        loop {
            let now = Timestamp(self.now);
            written(&mut self.conn, now);
            let mut progress = false;
            while let Some(action) = self.conn.poll_action() {
                progress = true;
                match action {
                    Action::Open { .. } => {
                        self.opens.push(self.now);
                        self.now += 10;
                        self.socket_open = true;
                        self.conn.handle_open(Timestamp(self.now));
                    }
                    Action::Close { code, reason } => {
                        self.closes.push((self.now, code, reason.clone()));
                        self.socket_open = false;
                        self.conn.handle_close(now, code, &reason, true);
                    }
                    Action::Send(Message::Text(text)) => self.server_got(&text),
                    alarm @ (Action::Wake(_) | Action::Watchdog(_)) => {
                        self.alarms.push((self.now, alarm))
                    }
                    _ => {}
                }
            }
            while let Some(event) = self.conn.poll_event() {
                progress = true;
                if let Event::Inbound { id, data, .. } = event {
                    self.handled.push((id, data.unwrap_or_default(), self.now));
                    self.conn
                        .handle_inbound_done(Timestamp(self.now), id, Ok(()));
                }
            }
            if !progress {
                return;
            }
        }
    }

    fn server_got(&mut self, text: &str) {
        if let Some(after) = field(text, "sw.resume", "after") {
            let replay: Vec<String> = self
                .stored
                .iter()
                .filter(|(id, _)| *id > after)
                .map(|(id, data)| frame(*id, data))
                .collect();
            for text in replay {
                self.conn
                    .handle_message(Timestamp(self.now), Message::Text(text));
            }
        } else if let Some(id) = field(text, "sw.ack", "id") {
            self.acked = self.acked.max(id);
            self.stored.retain(|(stored, _)| *stored > id);
        } else if text != "keep alive" {
            self.app_frames.push(text.to_owned());
        }
    }

    /// The server stores a message (and sends it if the socket is open).
    pub fn push(&mut self, id: u64, data: &str) {
        self.stored.push((id, data.to_owned()));
        if self.socket_open {
            let text = frame(id, data);
            self.conn
                .handle_message(Timestamp(self.now), Message::Text(text));
        }
        self.settle();
    }

    /// Runs every deadline up to `until`, then sets the clock to it.
    pub fn run_until(&mut self, until: u64) {
        while let Some(at) = self.conn.poll_timeout() {
            if at.0 > until {
                break;
            }
            self.now = self.now.max(at.0);
            self.conn.handle_timeout(Timestamp(self.now));
            self.settle();
        }
        self.now = self.now.max(until);
        self.settle();
    }

    pub fn state(&self) -> ConnState {
        self.conn.state()
    }
}

pub fn frame(id: u64, data: &str) -> String {
    format!(r#"{{"type":"sw.msg","id":{id},"data":"{data}"}}"#)
}

/// The number in `"key":N` of a frame of `kind`.
pub fn field(text: &str, kind: &str, key: &str) -> Option<u64> {
    if !text.contains(kind) {
        return None;
    }
    let rest = text.split(&format!("\"{key}\":")).nth(1)?;
    rest.trim_end_matches('}').parse().ok()
}
