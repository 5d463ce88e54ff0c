//! The id rule, as the shell model sees it: an id that may have reached the
//! wire is never given to another message, whatever stops the worker and
//! whenever. Checked two ways:
//!
//! - every reliable frame with an id seen before carries the same message
//!   (a resend), in any life of the worker;
//! - after every step, every id seen on the wire is below the `nextId` of
//!   each snapshot a restart could start from now: the last one written, and
//!   the one being written (it may land just before the worker stops).

use std::collections::BTreeMap;
use sw_websocket::core::Snapshot;

/// Every reliable id handed to a socket in any life, with the serial of the
/// message it carried.
#[derive(Debug, Default)]
pub struct WireIds {
    seen: BTreeMap<u64, u64>,
}

impl WireIds {
    /// A reliable frame of id `id` carrying message `k` went on the wire;
    /// `Err` when that id carried another message before.
    pub fn record(&mut self, id: u64, k: u64) -> Result<(), String> {
        match self.seen.insert(id, k) {
            Some(before) if before != k => Err(format!(
                "id {id} carried m{before} and now carries m{k}: the server drops m{k} as a resend"
            )),
            _ => Ok(()),
        }
    }

    /// `Err` when a restart from `snapshot` would give out an id already on the wire.
    pub fn check_restart_from(&self, snapshot: &Snapshot, which: &str) -> Result<(), String> {
        match self.seen.last_key_value() {
            Some((&id, &k)) if id >= snapshot.next_id => Err(format!(
                "id {id} (m{k}) is on the wire but the {which} snapshot's nextId is {}: \
                 a worker stopped now would give it out again",
                snapshot.next_id
            )),
            _ => Ok(()),
        }
    }

    /// `Err` when an id is on the wire while no snapshot was written: a
    /// worker stopped now would start again from id 1.
    pub fn check_nothing_written(&self) -> Result<(), String> {
        match self.seen.first_key_value() {
            Some((&id, &k)) => Err(format!(
                "id {id} (m{k}) is on the wire and no snapshot was written"
            )),
            None => Ok(()),
        }
    }
}
