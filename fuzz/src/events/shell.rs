//! The shell's side of the model: carrying out the core's actions (one
//! browser socket), checking each frame handed to it, reading its events
//! (settled sends among them), and socket events that come with no socket.

use super::*;

impl Driver<'_> {
    pub(super) fn act(&mut self, action: Action) {
        match action {
            Action::Open { url, .. } => {
                if self.socket != Socket::None {
                    self.fail(
                        "one socket",
                        format!("Open {url} while the previous socket is {:?}", self.socket),
                    );
                }
                self.socket = Socket::Connecting;
            }
            Action::Send(message) => self.handed(message),
            Action::Close { code, reason } => {
                if !matches!(self.socket, Socket::Connecting | Socket::Open) {
                    self.fail(
                        "one socket",
                        format!("Close while the socket is {:?}", self.socket),
                    );
                }
                if !(code == 1000 || (3000..=4999).contains(&code))
                    || reason.len() > MAX_CLOSE_REASON_BYTES
                {
                    self.fail(
                        "one socket",
                        format!("Close with code {code} and a {}-byte reason", reason.len()),
                    );
                }
                self.socket = Socket::Closing;
            }
            Action::Drop => {
                if self.socket == Socket::None {
                    self.fail("one socket", "Drop without a socket".into());
                }
                self.socket = Socket::None;
            }
            Action::Load => {
                let unknown = self.store && self.known != Known::Yes;
                if self.loading || !unknown {
                    self.fail(
                        "stored state first",
                        format!(
                            "a read asked for (one under way: {}) in {:?}",
                            self.loading, self.known
                        ),
                    );
                }
                self.loading = true;
                self.read_failed = false;
            }
            Action::Wake(Some(at)) if at < self.now => self.fail(
                "deadline never in the past",
                format!(
                    "wake alarm at t={} asked at t={}",
                    at.0 - START,
                    self.now.0 - START
                ),
            ),
            _ => {}
        }
    }

    /// The shell hands `message` to the socket.
    pub(super) fn handed(&mut self, message: Message) {
        if self.socket != Socket::Open {
            self.fail(
                "sends on an open socket",
                format!("Send {message:?} while the socket is {:?}", self.socket),
            );
        }
        if let Message::Text(text) = &message {
            let keepalive = self.conn.config().keepalive().map(|k| k.message.as_str());
            if keepalive == Some(text.as_str()) {
                self.step.keepalives += 1;
                return;
            }
            if text.starts_with(AUTH_PREFIX) {
                match &mut self.step.flush {
                    Some(flush) if flush.frames == 0 => flush.frames += 1,
                    _ => self.fail(
                        "outbox order",
                        "the auth frame is not the first frame after an open".into(),
                    ),
                }
                return;
            }
            if let Some((id, dup)) = reliable_frame(text) {
                self.step.app_frames += 1;
                self.reliable_frame(id, dup, text);
                return;
            }
        }
        self.step.app_frames += 1;
        let Some(k) = tag(&message) else {
            self.fail(
                "outbox order",
                format!("Send of a message never accepted: {message:?}"),
            );
        };
        match self.pending.front().copied() {
            Some(front) if front.k == k && !front.reliable => {
                self.pending.pop_front();
                self.flush_order(front.id);
            }
            front => self.fail(
                "outbox order",
                format!("m{k} handed to the socket when the next one due is {front:?}"),
            ),
        }
    }

    pub(super) fn reliable_frame(&mut self, id: u64, dup: bool, text: &str) {
        if dup {
            if self.step.flush.is_none() {
                self.fail(
                    "outbox order",
                    format!("resend of id {id} outside the flush that follows an open"),
                );
            }
            let Some(&k) = self.unacked.get(&id) else {
                self.fail(
                    "outbox order",
                    format!("dup frame of id {id}, not handed over before or acknowledged"),
                );
            };
            self.flush_order(Some(id));
            if !text.contains(&format!("m{k}:")) {
                self.fail(
                    "outbox order",
                    format!("frame id {id} does not carry m{k}: {text}"),
                );
            }
            self.on_wire(id, k);
            return;
        }
        match self.pending.front().copied() {
            Some(front) if front.reliable && front.id == Some(id) => {
                self.pending.pop_front();
                self.unacked.insert(id, front.k);
                self.flush_order(Some(id));
                if !text.contains(&format!("m{}:", front.k)) {
                    self.fail(
                        "outbox order",
                        format!("frame id {id} does not carry m{}: {text}", front.k),
                    );
                }
                self.on_wire(id, front.k);
            }
            front => self.fail(
                "outbox order",
                format!("first frame of id {id} when the next one due is {front:?}"),
            ),
        }
    }

    pub(super) fn on_wire(&mut self, id: u64, k: u64) {
        if let Err(why) = self.wire.record(id, k) {
            self.fail("ids never reused", why);
        }
    }

    /// In the flush after an open, outbox frames go in id order.
    pub(super) fn flush_order(&mut self, id: Option<u64>) {
        let Some(flush) = &mut self.step.flush else {
            return;
        };
        flush.frames += 1;
        if let Some(id) = id {
            if let Some(last) = flush.last_id.filter(|last| id <= *last) {
                self.fail(
                    "outbox order",
                    format!("the flush sent id {id} after id {last}"),
                );
            }
            flush.last_id = Some(id);
        }
    }

    pub(super) fn told(&mut self, event: &Event) {
        match event {
            Event::State(state) => {
                if *state == self.state {
                    self.fail("state events", format!("State({state:?}) again"));
                }
                self.state = *state;
            }
            Event::Ack(n) => {
                self.unacked.retain(|id, _| id > n);
                self.pending
                    .retain(|a| !(a.reliable && a.id.is_some_and(|id| id <= *n)));
            }
            Event::Settled { seq, result } => self.settled(*seq, result),
            Event::Open if self.socket != Socket::Open => self.fail(
                "one socket",
                format!("Open event with the socket {:?}", self.socket),
            ),
            _ => {}
        }
    }

    /// A queued send is settled: by the write of this step that holds it;
    /// taken back exactly when its message still waited in the outbox.
    fn settled(&mut self, seq: u64, result: &Result<u64, Error>) {
        let Some(id) = self.unsettled.remove(&seq) else {
            self.fail(
                "settlement",
                format!("seq {seq} settled twice, or never sent"),
            );
        };
        let failed = match self.step.write {
            Some((write, failed)) if seq <= write => failed,
            write => self.fail(
                "settlement",
                format!("seq {seq} settled with the write {write:?} of this step"),
            ),
        };
        let waiting = self.pending.iter().position(|a| a.id == Some(id));
        match (result, failed, waiting) {
            (Ok(settled), false, _) | (Ok(settled), true, None) if *settled == id => {}
            (Err(Error::Storage(_)), true, Some(at)) => {
                self.pending.remove(at);
                self.step.taken_back += 1;
            }
            _ => self.fail(
                "settlement",
                format!(
                    "seq {seq} (id {id}) settled {result:?}, write failed {failed}, waiting {waiting:?}"
                ),
            ),
        }
    }

    /// A socket event with no socket there: ignored.
    pub(super) fn stray(&mut self, which: u8, input: &mut Input) {
        self.begin("stray socket event");
        match which {
            0 => self.conn.handle_open(self.now),
            1 => {
                let text = input.text(8);
                self.conn.handle_message(self.now, Message::Text(text));
            }
            2 => self.conn.handle_close(self.now, 1006, "", false),
            3 => self.conn.handle_error(self.now),
            _ => self.conn.handle_open_failed(self.now, "stray"),
        }
        if self.socket == Socket::None {
            if let Some(action) = self.conn.poll_action() {
                self.fail(
                    "delivery",
                    format!("an event of no socket asked for {action:?}"),
                );
            }
            if let Some(event) = self.conn.poll_event() {
                self.fail("delivery", format!("an event of no socket told {event:?}"));
            }
        }
        self.end(false);
    }
}
