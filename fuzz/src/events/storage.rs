//! Storage as the shell has it: writes that start and land (or fail)
//! later, and worker stops and restarts from what was written.

use super::*;
use crate::json::{from_json, to_json};

impl Driver<'_> {
    /// A write lands: the one under way, or (none is) one of the state now,
    /// started and finished in this step.
    pub(super) fn persist(&mut self) {
        self.begin("persist");
        if let Some((seq, snapshot, secret)) = self.writing.take().or_else(|| self.take_snapshot())
        {
            let next_id = snapshot.next_id;
            self.stored = Some((snapshot, secret));
            self.step.write = Some((seq, false));
            self.conn.handle_persisted(self.now, seq, next_id);
        }
        self.end(false);
        self.all_settled();
    }

    /// A write fails: the one under way, or one of the state now. Unless it
    /// took sends back, the next write waits for a change after it.
    pub(super) fn write_failed(&mut self) {
        self.begin("write failed");
        let pending = self.conn.poll_persist();
        let mut failed = None;
        if let Some((seq, _, _)) = self.writing.take().or_else(|| self.take_snapshot()) {
            self.step.write = Some((seq, true));
            failed = Some(seq);
            let error = Error::Storage("fuzz: quota exceeded".into());
            self.conn.handle_write_failed(self.now, seq, error);
        }
        self.end(false);
        self.all_settled();
        let after = self.conn.poll_persist();
        let expected = pending.filter(|next| Some(*next) != failed);
        if failed.is_some() && self.step.taken_back == 0 && after != expected {
            self.fail(
                "settlement",
                format!("after the failed write {failed:?}, poll_persist() is {after:?}"),
            );
        }
    }

    /// After a write landed or failed, every send it held is settled.
    fn all_settled(&self) {
        let Some((seq, _)) = self.step.write else {
            return;
        };
        if let Some((send, id)) = self.unsettled.range(..=seq).next() {
            self.fail(
                "settlement",
                format!("send seq {send} (id {id}) not settled by the write of seq {seq}"),
            );
        }
    }

    /// A write starts: the snapshot is taken now, it lands at a later `persist`.
    pub(super) fn write_start(&mut self) {
        self.begin("write start");
        if self.writing.is_none() {
            self.writing = self.take_snapshot();
        }
        self.end(false);
    }

    /// The snapshot to write, if the state changed: checked to read back
    /// equal through JSON (without the secret, which the shell keeps apart).
    pub(super) fn take_snapshot(&self) -> Option<(u64, Snapshot, Option<String>)> {
        let seq = self.conn.poll_persist()?;
        let snapshot = self.conn.snapshot();
        let json = to_json(&snapshot);
        let back: Snapshot = from_json(&json)
            .unwrap_or_else(|e| self.fail("persistence", format!("read back: {e}: {json}")));
        let mut written = snapshot;
        written.options.auth_token = None;
        if back != written {
            self.fail("persistence", format!("read back differs: {json}"));
        }
        Some((seq, back, self.conn.secret().map(str::to_owned)))
    }

    /// The worker stops and starts again, and `connect()` comes before
    /// storage is read: the core holds its writes and asks for the read.
    pub(super) fn restart_connect_first(&mut self, input: &mut Input) {
        self.stop(input);
        self.begin("restart, connect first");
        let url = match &self.stored {
            Some((Snapshot { url: Some(url), .. }, _)) => url.clone(),
            _ => URLS[0].to_owned(),
        };
        let reliable = Options {
            reliable: Some(true),
            ..Options::default()
        };
        if let Err(e) = self.conn.connect(self.now, &url, reliable) {
            self.fail("persistence", format!("connect to the stored {url}: {e}"));
        }
        self.known = Known::IdsUnread;
        self.end(false);
    }

    /// The worker stops: its socket, its timers, a write under way (which
    /// may have landed, as the input says) are gone; a new connection waits.
    pub(super) fn stop(&mut self, input: &mut Input) {
        if let Some((_, snapshot, secret)) = self.writing.take() {
            if input.bool() {
                // The write landed; the worker stopped before it was told.
                self.stored = Some((snapshot, secret));
            }
        }
        self.now = Timestamp(self.now.0.saturating_add(input.millis() * 10));
        self.socket = Socket::None;
        self.conn = new_connection(input);
        self.conn.expect_stored_state();
        (
            self.store,
            self.known,
            self.loading,
            self.read_failed,
            self.counted,
        ) = (true, Known::Unread, false, false, false);
        self.state = ConnState::Idle;
        self.pending.clear();
        self.unacked.clear();
        self.unsettled.clear();
        self.sent = self.conn.counters().sent;
        self.keepalives = self.conn.counters().keepalives;
    }

    /// The worker stops (its socket with it), starts again and resumes: the
    /// core asks for the stored state, which is read at once.
    pub(super) fn restart(&mut self, input: &mut Input) {
        self.stop(input);
        self.begin("restart");
        self.resume();
        self.end(false);
        self.load(input);
    }

    /// A storage or alarms call failed: an error event, nothing else.
    pub(super) fn storage_error(&mut self) {
        self.begin("storage error");
        let error = Error::Storage("fuzz: alarms".into());
        self.conn.handle_storage_error(self.now, error.clone());
        if let Some(action) = self.conn.poll_action() {
            self.fail("delivery", format!("a storage error asked for {action:?}"));
        }
        self.end(false);
        if self.step.events != [Event::Error(error)] {
            self.fail(
                "delivery",
                format!("a storage error told {:?}", self.step.events),
            );
        }
    }
}
