//! Event scripts for `events::run`, written op by op: the seeds in
//! `seeds.rs` are built with them.

use crate::events::op;

/// Bytes for `events::run`, op by op.
pub struct Script(Vec<u8>);

impl Script {
    /// A script for a connection with jitter seed `seed`.
    pub fn new(seed: u32) -> Script {
        let mut bytes = seed.to_le_bytes().to_vec();
        bytes.extend([0, 0]); // the clock starts at START
        Script(bytes)
    }

    fn op(mut self, code: u8, args: &[u8]) -> Script {
        self.0.push(code);
        self.0.extend_from_slice(args);
        self
    }

    /// `connect` to `URLS[url]` with option `flags` and their bytes.
    pub fn connect(self, url: u8, flags: u32, extra: &[u8]) -> Script {
        let mut args = vec![url];
        args.extend(flags.to_le_bytes());
        args.extend_from_slice(extra);
        self.op(op::CONNECT, &args)
    }

    /// `send` of kind 0 text, 1 JSON, 2 binary; reliable 0 default, 1 no, 2 yes.
    pub fn send(self, kind: u8, pad: u8, reliable: u8) -> Script {
        self.op(op::SEND, &[kind, pad, reliable])
    }

    /// `send_in_place`, then `send` if it cannot go in place.
    pub fn send_in_place(self, kind: u8, pad: u8, reliable: u8) -> Script {
        self.op(op::SEND_IN_PLACE, &[kind, pad, reliable])
    }

    /// The socket opens.
    pub fn open(self) -> Script {
        self.op(op::OPEN, &[])
    }

    /// An ack for the outbox entry at `index`.
    pub fn ack(self, index: u8) -> Script {
        self.op(op::MESSAGE, &[1, index])
    }

    /// A text message from the server.
    pub fn text(self, text: &str) -> Script {
        let mut args = vec![0, text.len() as u8];
        args.extend(text.as_bytes());
        self.op(op::MESSAGE, &args)
    }

    /// The heartbeat reply (or "pong").
    pub fn pong(self) -> Script {
        self.op(op::MESSAGE, &[3])
    }

    /// The browser's close event with close code choice `code` (0: 1000, 3: 1006, 6: 4000+).
    pub fn socket_close(self, code: u8) -> Script {
        let args: &[u8] = if code == 6 {
            &[6, 0, 0, 0]
        } else {
            &[code, 0, 0]
        };
        self.op(op::SOCKET_CLOSE, args)
    }

    /// An error event.
    pub fn socket_error(self) -> Script {
        self.op(op::SOCKET_ERROR, &[])
    }

    /// `close(1000)` from the app.
    pub fn close(self) -> Script {
        self.op(op::CLOSE, &[1, 0])
    }

    /// Time passes (see `Input::millis` for the byte's meaning).
    pub fn advance(self, millis: u8) -> Script {
        self.op(op::ADVANCE, &[millis])
    }

    /// Online or offline.
    pub fn online(self, online: bool) -> Script {
        self.op(op::ONLINE, &[u8::from(online)])
    }

    /// Writes the snapshot.
    pub fn persist(self) -> Script {
        self.op(op::PERSIST, &[])
    }

    /// Restarts the worker; its resume reads the last snapshot written.
    pub fn restart(self, seed: u32) -> Script {
        self.restart_finding(seed, found::STORED)
    }

    /// Restarts the worker; its resume's read finds `what` (see [`found`]).
    pub fn restart_finding(self, seed: u32, what: u8) -> Script {
        let mut args = vec![200];
        args.extend(seed.to_le_bytes());
        args.push(what);
        self.op(op::RESTART, &args)
    }

    /// A snapshot write starts; it lands at the next `persist`.
    pub fn write_start(self) -> Script {
        self.op(op::WRITE_START, &[])
    }

    /// Restarts the worker while a write is under way: from that write if
    /// it `landed`, else from the one before.
    pub fn restart_mid_write(self, landed: bool, seed: u32) -> Script {
        let mut args = vec![u8::from(landed), 200];
        args.extend(seed.to_le_bytes());
        args.push(found::STORED);
        self.op(op::RESTART, &args)
    }

    /// Restarts the worker with `connect()` before storage is read.
    pub fn restart_connect_first(self, seed: u32) -> Script {
        let mut args = vec![200];
        args.extend(seed.to_le_bytes());
        self.op(op::RESTART_CONNECT_FIRST, &args)
    }

    /// The read the core asked for lands, finding `what` (see [`found`]).
    pub fn load(self, what: u8) -> Script {
        self.op(op::LOAD, &[what])
    }

    /// The app calls `resume()`.
    pub fn resume(self) -> Script {
        self.op(op::RESUME, &[])
    }

    /// The write under way (or one of the state now) fails.
    pub fn write_failed(self) -> Script {
        self.op(op::WRITE_FAILED, &[])
    }

    /// An alarms call fails.
    pub fn storage_error(self) -> Script {
        self.op(op::STORAGE_ERROR, &[])
    }

    /// The bytes.
    pub fn bytes(self) -> Vec<u8> {
        self.0
    }
}

/// What a read of the stored state finds (the byte `events::load` reads).
pub mod found {
    /// The storage cannot be read.
    pub const FAILED: u8 = 0;
    /// A value that is no snapshot, its `nextId` salvaged.
    pub const CORRUPT: u8 = 1;
    /// The stored snapshot, changed so that the core's checks refuse it.
    pub const REFUSED: u8 = 2;
    /// What was written last (or nothing).
    pub const STORED: u8 = 7;
}

/// Option flags of `events::options`.
pub mod flags {
    pub const KEEPALIVE_MS: u32 = 1 << 2;
    pub const HEARTBEAT: u32 = 1 << 4;
    pub const BACKOFF_BASE: u32 = 1 << 12;
    pub const MAX_RETRIES: u32 = 1 << 15;
    pub const MAX_OUTBOX_MESSAGES: u32 = 1 << 20;
    pub const RELIABLE: u32 = (1 << 22) | (1 << 23);
    pub const AUTH_TOKEN: u32 = 1 << 24;
    pub const AUTH_QUERY: u32 = 1 << 25;
}
