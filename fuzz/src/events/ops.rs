//! The operations an input picks: the app's calls and the browser's socket
//! events, each one step.

use super::*;

impl Driver<'_> {
    pub(super) fn op(&mut self, input: &mut Input) {
        match input.byte() % op::OPS {
            op::CONNECT => self.connect(input),
            op::SEND => self.send(input, false),
            op::SEND_IN_PLACE => self.send(input, true),
            op::CLOSE => self.close(input),
            op::OPEN => {
                if self.socket == Socket::Connecting {
                    self.begin("open");
                    self.socket = Socket::Open;
                    self.step.flush = Some(Flush::default());
                    self.conn.handle_open(self.now);
                    self.end(false);
                } else {
                    self.stray(0, input);
                }
            }
            op::MESSAGE | 7 => {
                if matches!(self.socket, Socket::Open | Socket::Closing) {
                    self.message(input);
                } else {
                    self.stray(1, input);
                }
            }
            op::SOCKET_CLOSE => {
                if self.socket == Socket::None {
                    return self.stray(2, input);
                }
                self.begin("socket close");
                let code = close_code(input);
                let reason = input.text(16);
                let clean = input.bool();
                self.socket = Socket::None;
                self.conn.handle_close(self.now, code, &reason, clean);
                self.end(false);
            }
            op::SOCKET_ERROR => {
                if self.socket == Socket::None {
                    return self.stray(3, input);
                }
                self.begin("socket error");
                self.conn.handle_error(self.now);
                self.end(false);
            }
            op::OPEN_FAILED => {
                if self.socket != Socket::Connecting {
                    return self.stray(4, input);
                }
                self.begin("open failed");
                self.socket = Socket::None;
                let why = input.text(8);
                self.conn.handle_open_failed(self.now, &why);
                self.end(false);
            }
            op::ONLINE => {
                self.begin("online");
                let online = input.bool();
                self.conn.handle_online(self.now, online);
                self.end(false);
            }
            op::ADVANCE | 13 => {
                let target = Timestamp(self.now.0.saturating_add(input.millis()));
                self.advance(target);
            }
            op::SLEEP => {
                // The worker was busy or suspended: the timer fires late.
                self.now = Timestamp(self.now.0.saturating_add(input.millis() * 60));
                if self.conn.poll_timeout().is_some_and(|at| at <= self.now) {
                    self.begin("late timer");
                    self.conn.handle_timeout(self.now);
                    self.end(true);
                }
            }
            op::TIMEOUT => {
                self.begin("spurious timer");
                self.conn.handle_timeout(self.now);
                self.end(true);
            }
            op::PERSIST => self.persist(),
            op::WRITE_START => self.write_start(),
            op::WRITE_FAILED => self.write_failed(),
            op::RESTART_CONNECT_FIRST => self.restart_connect_first(input),
            op::LOAD => self.load(input),
            op::RESUME => self.resume_op(),
            op::RESTART => self.restart(input),
            op::CLEAR_OUTBOX => {
                self.begin("clear outbox");
                let n = self.conn.clear_outbox();
                if n != self.pending.len() + self.unacked.len() {
                    self.fail(
                        "outbox order",
                        format!(
                            "clear_outbox dropped {n} of {:?} {:?}",
                            self.pending, self.unacked
                        ),
                    );
                }
                self.pending.clear();
                self.unacked.clear();
                self.end(false);
            }
            _ => self.storage_error(),
        }
    }

    pub(super) fn connect(&mut self, input: &mut Input) {
        self.begin("connect");
        let pick = input.below(URLS.len() as u16 + 1);
        let url = match URLS.get(usize::from(pick)) {
            Some(url) => (*url).to_owned(),
            None => input.text(24),
        };
        let options = options(input);
        match self.conn.connect(self.now, &url, options) {
            Ok(()) => {
                if self.known == Known::Unread {
                    // It came first: with a store, its ids wait for the stored ones.
                    self.known = if self.store {
                        Known::IdsUnread
                    } else {
                        Known::Yes
                    };
                }
                self.end(false)
            }
            Err(e) => {
                self.rejected("connect", e);
            }
        }
    }

    pub(super) fn send(&mut self, input: &mut Input, in_place: bool) {
        self.begin(if in_place { "send in place" } else { "send" });
        let k = self.next_k;
        self.next_k += 1;
        let kind = input.below(4);
        let pad = usize::from(input.byte() % 48);
        let reliable = match input.below(3) {
            0 => None,
            1 => Some(false),
            _ => Some(true),
        };
        let message = payload(k, kind, pad);
        let how = SendOptions { reliable };
        if in_place {
            match self.conn.send_in_place(self.now, message.len(), &how) {
                Ok(true) => {
                    // The shell sends it itself, before anything else.
                    self.pending.push_back(Accepted {
                        k,
                        id: None,
                        reliable: false,
                    });
                    if self.conn.poll_action().is_some() {
                        self.fail(
                            "outbox order",
                            "send_in_place asked for an action before its message".into(),
                        );
                    }
                    self.handed(message);
                    return self.end(false);
                }
                Ok(false) => {}
                Err(e) => {
                    return self.rejected("send_in_place", e);
                }
            }
        }
        match self.conn.send(self.now, message, how) {
            Ok(Sent::ToSocket) => self.pending.push_back(Accepted {
                k,
                id: None,
                reliable: false,
            }),
            Ok(sent @ (Sent::Queued { id, seq } | Sent::Reliable { id, seq })) => {
                let reliable = matches!(sent, Sent::Reliable { .. });
                self.pending.push_back(Accepted {
                    k,
                    id: Some(id),
                    reliable,
                });
                if self.unsettled.insert(seq, id).is_some() {
                    self.fail("settlement", format!("two sends named seq {seq}"));
                }
                let held = self.store && self.known != Known::Yes;
                if !held && self.conn.poll_persist().is_none_or(|next| next < seq) {
                    self.fail(
                        "persistence",
                        format!(
                            "send queued id {id} at seq {seq}, poll_persist() is {:?}",
                            self.conn.poll_persist()
                        ),
                    );
                }
            }
            Ok(other) => self.fail("outbox order", format!("unknown send result {other:?}")),
            Err(e) => {
                return self.rejected("send", e);
            }
        }
        self.end(false);
    }

    pub(super) fn close(&mut self, input: &mut Input) {
        self.begin("close");
        let code = match input.below(4) {
            0 => None,
            1 => Some(1000),
            2 => Some(3000 + input.u16() % 2000),
            _ => Some(input.u16()),
        };
        let reason = match input.below(4) {
            0 => None,
            1 => Some("é".repeat(62)),
            _ => Some("r".repeat(usize::from(input.byte() % 130))),
        };
        match self.conn.close(self.now, code, reason.as_deref()) {
            Ok(()) => self.end(false),
            Err(e) => {
                self.rejected("close", e);
            }
        }
    }

    pub(super) fn message(&mut self, input: &mut Input) {
        self.begin("message");
        let heartbeat = self.conn.heartbeat_reply().map(str::to_owned);
        let message = incoming(input, self, heartbeat.as_deref());
        let in_place_allowed = match &message {
            Message::Binary(_) => true,
            Message::Text(t) | Message::Json(t) => {
                !t.contains(ACK_MARK) && heartbeat.as_deref() != Some(t)
            }
        };
        if in_place_allowed && input.bool() {
            if !self.conn.handle_message_in_place(self.now) {
                self.fail(
                    "delivery",
                    "handle_message_in_place refused an open socket's message".into(),
                );
            }
            self.end(false);
            return self.delivered(None);
        }
        let expected = match message.as_text() {
            Some(t) if heartbeat.as_deref() == Some(t) => None,
            Some(t) => match parse_ack(t) {
                Some(n) => Some(Event::Ack(n)),
                None => Some(Event::Message(message.clone())),
            },
            None => Some(Event::Message(message.clone())),
        };
        self.conn.handle_message(self.now, message);
        self.end(false);
        self.delivered(expected);
    }

    /// Fires every timer due up to `target`, each at its deadline; stops
    /// short of `target` after 500 (a 1 s keepalive over hours, say), which
    /// keeps runs fast. Each `handle_timeout` must leave its deadline behind
    /// (checked in `end`), so time moves on.
    fn advance(&mut self, target: Timestamp) {
        for _ in 0..500 {
            let Some(at) = self.conn.poll_timeout().filter(|at| *at <= target) else {
                self.now = target;
                return;
            };
            self.begin("timer");
            self.now = self.now.max(at);
            self.conn.handle_timeout(self.now);
            self.end(true);
        }
    }
}
