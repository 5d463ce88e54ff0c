//! The bench's idle hour (`./build.sh bench`): how much of an hour with no
//! application traffic the extension's worker runs, with sleeping when idle
//! off and on. Simulated with the core and a virtual clock, not measured in
//! Chromium (an hour per case is too long for a bench); the model of Chrome:
//!
//! - a running worker stops 30 s after its last event: a socket frame sent
//!   or received, an alarm, a storage write (an extension API call);
//!   timers alone keep nothing alive, and a stop loses them and the socket;
//! - `chrome.alarms` survive the stop, and one firing starts the worker,
//!   which restores the last snapshot written (as the shell's `resume()`);
//! - a socket opens 50 ms after it is asked for, and closes at once.
//!
//! Prints one JSON object: for each case the share of the hour the worker
//! ran and how many sockets it opened.
//!
//! `cargo run --example idle_hour`

use sw_websocket::core::codec::{decode, Value};
use sw_websocket::core::{Action, Connection, Options, Timestamp};

const HOUR: u64 = 3_600_000;
const IDLE_STOP: u64 = 30_000;
const OPEN_DELAY: u64 = 50;

/// One worker and its alarms over virtual time.
struct World {
    conn: Option<Connection>,
    stored: Option<sw_websocket::core::Snapshot>,
    /// The periodic watchdog alarm (period, next), and the one-shot wake.
    watchdog: Option<(u64, u64)>,
    wake: Option<u64>,
    last_event: u64,
    running_since: Option<u64>,
    ran: u64,
    opens: u32,
    opening: Option<u64>,
}

impl World {
    fn event(&mut self, now: u64) {
        self.last_event = now;
        if self.running_since.is_none() {
            self.running_since = Some(now);
        }
    }

    /// Carries out what the core asked for.
    fn drain(&mut self, now: u64) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        let mut activity = false;
        while let Some(action) = conn.poll_action() {
            match action {
                Action::Open { .. } => {
                    self.opens += 1;
                    self.opening = Some(now + OPEN_DELAY);
                }
                Action::Send(_) => activity = true,
                Action::Close { code, reason } => {
                    conn.handle_close(Timestamp(now), code, &reason, true);
                    activity = true;
                }
                Action::Watchdog(period) => {
                    self.watchdog = period.map(|p| (p.get(), now + p.get()));
                }
                Action::Wake(at) => self.wake = at.map(|t| t.as_millis()),
                _ => {}
            }
        }
        if let Some(seq) = conn.poll_persist() {
            let snapshot = conn.snapshot();
            conn.handle_persisted(Timestamp(now), seq, snapshot.next_id);
            self.stored = Some(snapshot);
            activity = true;
        }
        while conn.poll_event().is_some() {}
        if activity {
            self.event(now);
        }
    }

    /// An alarm fired: the worker starts if it was stopped.
    fn alarm(&mut self, now: u64) {
        self.event(now);
        match self.conn.as_mut() {
            Some(conn) => conn.handle_timeout(Timestamp(now)),
            None => {
                let mut conn = Connection::new();
                if let Some(snapshot) = self.stored.clone() {
                    let _ = conn.restore(Timestamp(now), snapshot, None);
                }
                self.conn = Some(conn);
            }
        }
        self.drain(now);
    }

    fn run(&mut self, end: u64) {
        let mut now = 0;
        while now < end {
            let core = self
                .conn
                .as_ref()
                .and_then(|c| c.poll_timeout())
                .map(|t| t.as_millis());
            let stop = self.running_since.map(|_| self.last_event + IDLE_STOP);
            let next = [
                core,
                stop,
                self.opening,
                self.watchdog.map(|w| w.1),
                self.wake,
            ]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(end)
            .clamp(now, end);
            now = next;
            if self.opening == Some(now) {
                self.opening = None;
                if let Some(conn) = self.conn.as_mut() {
                    conn.handle_open(Timestamp(now));
                }
                self.event(now);
                self.drain(now);
            } else if self.watchdog.is_some_and(|w| w.1 == now) {
                self.watchdog = self.watchdog.map(|(period, at)| (period, at + period));
                self.alarm(now);
            } else if self.wake == Some(now) {
                self.wake = None;
                self.alarm(now);
            } else if core == Some(now) && self.conn.is_some() {
                if let Some(conn) = self.conn.as_mut() {
                    conn.handle_timeout(Timestamp(now));
                }
                self.drain(now);
            } else if stop == Some(now) {
                // Idle for 30 s: Chrome stops the worker, with its socket and timers.
                self.ran += now - self.running_since.take().unwrap_or(now);
                self.conn = None;
                self.opening = None;
            }
        }
        if let Some(since) = self.running_since {
            self.ran += end - since;
        }
    }
}

fn share(options: &str) -> (f64, u32) {
    let value: Value = serde_json::from_str(options).unwrap_or(Value::Null);
    let options: Options = decode(&value).unwrap_or_default();
    let mut world = World {
        conn: Some(Connection::new()),
        stored: None,
        watchdog: None,
        wake: None,
        last_event: 0,
        running_since: Some(0),
        ran: 0,
        opens: 0,
        opening: None,
    };
    if let Some(conn) = world.conn.as_mut() {
        if let Err(error) = conn.connect(Timestamp(0), "ws://127.0.0.1:9/ws", options) {
            eprintln!("idle_hour: {error}");
        }
    }
    world.drain(0);
    world.run(HOUR);
    (world.ran as f64 / HOUR as f64, world.opens)
}

fn main() {
    let cases = [
        ("off", "{}"),
        ("on", r#"{"sleepAfterMs": 60000, "wakeEveryMs": 300000}"#),
        (
            "on, wake every 30 s",
            r#"{"sleepAfterMs": 60000, "wakeEveryMs": 30000}"#,
        ),
    ];
    let rows: Vec<String> = cases
        .iter()
        .map(|(name, options)| {
            let (share, opens) = share(options);
            format!(r#"{{"sleeping":"{name}","options":{options},"runningShare":{share:.4},"sockets":{opens}}}"#)
        })
        .collect();
    println!("[{}]", rows.join(","));
}
