//! The id rule: an id that may have reached the wire is never given to
//! another message, whatever stops the worker and whenever. A model of the
//! shell (writes that take time, a worker stopped at any step, before or
//! after the write under way landed) runs a script of reliable and queued
//! sends, acks, socket drops and `clear_outbox`, stops it at every step, and
//! checks what the next life sends.

mod support;

use std::collections::BTreeMap;
use support::native::*;
use sw_websocket::core::{
    Action, Connection, Message, SendOptions, Sent, Snapshot, Timestamp, ID_BLOCK,
};

const UNRELIABLE: SendOptions = SendOptions {
    reliable: Some(false),
};

/// One step of the first life.
#[derive(Clone, Copy, Debug)]
enum Step {
    Send,
    Queue,
    WriteStart,
    WriteLands,
    Ack,
    Drop,
    Reopen,
    Clear,
}

/// The shell: the core, storage, a write under way, what went on the wire.
struct Shell {
    conn: Connection,
    now: u64,
    open: bool,
    stored: Option<Snapshot>,
    writing: Option<(u64, Snapshot)>,
    /// Every reliable id seen on the wire, with the data it carried.
    wire: BTreeMap<u64, String>,
    next_text: u64,
}

impl Shell {
    fn new() -> Shell {
        Shell {
            conn: Connection::new(),
            now: 0,
            open: false,
            stored: None,
            writing: None,
            wire: BTreeMap::new(),
            next_text: 0,
        }
    }

    /// Carries out the actions; records each reliable frame.
    fn run(&mut self) {
        while let Some(action) = self.conn.poll_action() {
            if let Action::Send(Message::Text(text)) = action {
                if !text.starts_with(r#"{"type":"sw.msg""#) {
                    continue;
                }
                let value: serde_json::Value = serde_json::from_str(&text).expect("a frame");
                let (Some(id), Some(data)) = (value["id"].as_u64(), value["data"].as_str()) else {
                    continue;
                };
                let before = self.wire.insert(id, data.to_owned());
                if let Some(before) = before {
                    assert_eq!(before, data, "id {id} was reused: {text}");
                }
            }
        }
    }

    fn tick(&mut self) -> Timestamp {
        self.now += 10;
        Timestamp(self.now)
    }

    fn send(&mut self, how: SendOptions) {
        let text = format!("t{}", self.next_text);
        self.next_text += 1;
        let now = self.tick();
        match self.conn.send(now, text.into(), how) {
            Ok(Sent::Reliable { .. } | Sent::Queued { .. } | Sent::ToSocket) => {}
            other => panic!("send: {other:?}"),
        }
        self.run();
    }

    fn write_start(&mut self) {
        if self.writing.is_none() {
            self.writing = self
                .conn
                .poll_persist()
                .map(|seq| (seq, self.conn.snapshot()));
        }
    }

    fn write_lands(&mut self) {
        self.write_start();
        if let Some((seq, snapshot)) = self.writing.take() {
            let next_id = snapshot.next_id;
            self.stored = Some(snapshot);
            let now = self.tick();
            self.conn.handle_persisted(now, seq, next_id);
            self.run();
        }
    }

    fn open(&mut self) {
        let now = self.tick();
        self.conn.handle_open(now);
        self.open = true;
        self.run();
    }

    fn step(&mut self, step: Step) {
        match step {
            Step::Send => self.send(RELIABLE),
            Step::Queue => self.send(UNRELIABLE),
            Step::WriteStart => self.write_start(),
            Step::WriteLands => self.write_lands(),
            Step::Ack => {
                if let Some(&id) = self.wire.keys().next_back() {
                    let now = self.tick();
                    let ack = format!(r#"{{"type":"sw.ack","id":{id}}}"#);
                    self.conn.handle_message(now, ack.into());
                    self.run();
                }
            }
            Step::Drop if self.open => {
                let now = self.tick();
                self.conn.handle_close(now, 1006, "", false);
                self.open = false;
                self.run();
            }
            Step::Reopen if !self.open => {
                let now = Timestamp(self.now + 120_000);
                self.now = now.0;
                self.conn.handle_timeout(now);
                self.run();
                self.open();
            }
            Step::Clear => {
                self.conn.clear_outbox();
            }
            Step::Drop | Step::Reopen => {}
        }
    }

    /// The worker stops now and starts again from `from`; the next life opens
    /// and sends three messages, its writes landing.
    fn next_life(&self, from: Option<Snapshot>) -> Shell {
        let mut next = Shell {
            conn: Connection::new(),
            now: self.now + 1_000,
            open: false,
            stored: from.clone(),
            writing: None,
            wire: self.wire.clone(),
            next_text: self.next_text + 1_000,
        };
        match from {
            Some(snapshot) => next
                .conn
                .restore(Timestamp(next.now), snapshot, None)
                .expect("the core's own snapshot restores"),
            None => next
                .conn
                .connect(Timestamp(next.now), URL, reliable_options())
                .expect("valid"),
        }
        next.run();
        next.open();
        for _ in 0..3 {
            next.send(RELIABLE);
            next.write_lands();
        }
        next
    }
}

const SCRIPT: [Step; 24] = [
    Step::Queue,
    Step::WriteLands,
    Step::Send,
    Step::Send,
    Step::WriteStart,
    Step::Send,
    Step::Ack,
    Step::WriteLands,
    Step::Send,
    Step::Drop,
    Step::Send,
    Step::Queue,
    Step::WriteStart,
    Step::Reopen,
    Step::Send,
    Step::WriteLands,
    Step::Clear,
    Step::Send,
    Step::WriteStart,
    Step::Send,
    Step::Ack,
    Step::Send,
    Step::WriteLands,
    Step::Send,
];

fn first_life() -> Shell {
    let mut shell = Shell::new();
    shell
        .conn
        .connect(Timestamp(0), URL, reliable_options())
        .expect("valid");
    shell.run();
    shell.open();
    shell
}

#[test]
fn a_stop_at_any_step_never_gives_an_id_on_the_wire_to_another_message() {
    for stop_after in 0..=SCRIPT.len() {
        let mut shell = first_life();
        for &step in &SCRIPT[..stop_after] {
            shell.step(step);
        }
        // Every snapshot a restart could begin from: the last one written,
        // the one being written (it may land just before the stop), and the
        // state as it is this moment.
        let from = [
            shell.stored.clone(),
            shell.writing.as_ref().map(|(_, s)| s.clone()),
            Some(shell.conn.snapshot()),
        ];
        for (which, snapshot) in from.into_iter().enumerate() {
            if which > 0 && snapshot.is_none() {
                continue;
            }
            // `Shell::run` panics on a reused id; the new messages' ids are
            // also above every id of the first life.
            let before = shell.wire.keys().next_back().copied().unwrap_or(0);
            let next = shell.next_life(snapshot);
            let fresh: Vec<u64> = next
                .wire
                .iter()
                .filter(|(_, data)| {
                    data.starts_with('t')
                        && data[1..]
                            .parse::<u64>()
                            .is_ok_and(|n| n >= shell.next_text + 1_000)
                })
                .map(|(id, _)| *id)
                .collect();
            assert_eq!(
                fresh.len(),
                3,
                "after step {stop_after}, from #{which}: {fresh:?}"
            );
            assert!(
                fresh.iter().all(|id| *id > before),
                "after step {stop_after}, from #{which}: new ids {fresh:?}, wire up to {before}"
            );
        }
    }
}

#[test]
fn ids_after_clear_outbox_and_a_restore_go_on_from_the_stored_end() {
    let mut shell = first_life();
    shell.write_lands();
    for _ in 0..5 {
        shell.send(RELIABLE);
    }
    shell.conn.clear_outbox();
    shell.send(RELIABLE);
    assert_eq!(
        shell.wire.keys().copied().collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    let stored = shell.stored.clone().expect("written");
    let next = shell.next_life(Some(stored));
    let ids: Vec<u64> = next.wire.keys().copied().collect();
    assert_eq!(
        ids[6..],
        [1 + ID_BLOCK, 2 + ID_BLOCK, 3 + ID_BLOCK],
        "a restart skips the rest of the block, never back into it"
    );
}
