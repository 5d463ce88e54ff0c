//! The persisted state: versioned, migrated, checked before use.

use crate::core::base64;
use crate::core::codec::{decode, whole, Record, Rules, Slot, Tree, Visit};
use crate::core::outbox::OutboxEntry;
use crate::core::{CloseInfo, Counters, Error, ErrorInfo, Intent, Message, Options};

/// The snapshot layout this version writes.
pub const SNAPSHOT_VERSION: u32 = 5;

/// The fields layouts 3 to 5 added, with the layout that added each: an
/// older layout is read without them (as 0 and `null`).
const ADDED: [(u32, &str); 3] = [(3, "inboundHandled"), (4, "sleepUntil"), (5, "openAt")];

/// Everything needed to come back after the worker was stopped. Secrets
/// (`authToken`) are not in it: the shell keeps them in `chrome.storage.session`.
///
/// Stored as an object with the keys listed in its [`Record`] impl.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Always [`SNAPSHOT_VERSION`].
    pub version: u32,
    /// Open after `connect`, closed after `close` (or a fatal close).
    pub intent: Intent,
    /// The URL of the connection.
    pub url: Option<String>,
    /// The connect options, without secrets.
    pub options: Options,
    /// Reconnect attempts since the last stable connection.
    pub attempt: u32,
    /// When the next attempt is due (ms since the epoch), while in backoff.
    pub next_attempt_at: Option<u64>,
    /// Whether the retry limit ran out.
    pub gave_up: bool,
    /// The counters.
    pub counters: Counters,
    /// The next outbox id.
    pub next_id: u64,
    /// The outbox, in order.
    pub outbox: Vec<StoredMessage>,
    /// How the last socket closed.
    pub last_close: Option<CloseInfo>,
    /// The last error.
    pub last_error: Option<ErrorInfo>,
    /// The highest inbound id handled (`reliableInbound`), 0 if none.
    pub inbound_handled: u64,
    /// When the next wake is due (ms since the epoch), while asleep.
    pub sleep_until: Option<u64>,
    /// Written for the JS that starts a worker, never read back: a worker
    /// started with this snapshot at or after this time (ms since the epoch;
    /// 0: at any time) opens its socket at once, to `url` with the options'
    /// `protocols`, so that socket may be opened before the module is
    /// loaded (see `openAt` in the README). `null` when it does not (closed,
    /// gave up, or a URL that carries the secret, which is not stored here).
    pub open_at: Option<u64>,
}

/// An outbox entry as stored: binary data in base64.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredMessage {
    /// The entry's id.
    pub id: u64,
    /// "text", "json" or "binary".
    pub kind: String,
    /// The text, or base64 for binary.
    pub data: String,
    /// Kept until acknowledged.
    pub reliable: bool,
}

/// The first, pre-release layout: intent, URL and a text-only outbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotV1 {
    /// Always 1.
    pub version: u32,
    /// Open or closed.
    pub intent: Intent,
    /// The URL.
    pub url: Option<String>,
    /// Queued text messages.
    pub outbox: Option<Vec<String>>,
}

impl Record for Snapshot {
    fn rules(&self) -> Rules {
        Rules::STRICT
    }

    fn fields(&mut self, v: &mut dyn Visit) {
        v.field("version", Slot::U32(&mut self.version));
        v.field("intent", Slot::Choice(&mut self.intent));
        v.field("url", Slot::OptText(&mut self.url));
        v.field("options", Slot::Record(&mut self.options));
        v.field("attempt", Slot::U32(&mut self.attempt));
        v.field("nextAttemptAt", Slot::OptU64(&mut self.next_attempt_at));
        v.field("gaveUp", Slot::Bool(&mut self.gave_up));
        v.field("counters", Slot::Record(&mut self.counters));
        v.field("nextId", Slot::U64(&mut self.next_id));
        v.field("outbox", Slot::Records(&mut self.outbox));
        v.field("lastClose", Slot::OptRecord(&mut self.last_close));
        v.field("lastError", Slot::OptRecord(&mut self.last_error));
        v.field(ADDED[0].1, Slot::U64(&mut self.inbound_handled));
        v.field(ADDED[1].1, Slot::OptU64(&mut self.sleep_until));
        v.field(ADDED[2].1, Slot::OptU64(&mut self.open_at));
    }
}

/// Layout `V` (2 to 4): the current one without the fields added after it,
/// as strict.
#[derive(Default)]
struct Older<const V: u32>(Snapshot);

impl<const V: u32> Record for Older<V> {
    fn rules(&self) -> Rules {
        Rules::STRICT
    }

    fn fields(&mut self, v: &mut dyn Visit) {
        self.0.fields(&mut Before {
            layout: V,
            inner: v,
        });
    }
}

/// A visitor that passes on the fields layout `layout` has.
struct Before<'a> {
    layout: u32,
    inner: &'a mut dyn Visit,
}

impl Visit for Before<'_> {
    fn field(&mut self, key: &'static str, slot: Slot<'_>) {
        if !ADDED
            .iter()
            .any(|(added, k)| *k == key && *added > self.layout)
        {
            self.inner.field(key, slot);
        }
    }
}

impl Record for StoredMessage {
    fn rules(&self) -> Rules {
        Rules::STRICT
    }

    fn fields(&mut self, v: &mut dyn Visit) {
        v.field("id", Slot::U64(&mut self.id));
        v.field("kind", Slot::Text(&mut self.kind));
        v.field("data", Slot::Text(&mut self.data));
        v.field("reliable", Slot::Bool(&mut self.reliable));
    }
}

/// Unknown keys are ignored, as they always were in this layout.
impl Record for SnapshotV1 {
    fn rules(&self) -> Rules {
        Rules::REQUIRED
    }

    fn fields(&mut self, v: &mut dyn Visit) {
        v.field("version", Slot::U32(&mut self.version));
        v.field("intent", Slot::Choice(&mut self.intent));
        v.field("url", Slot::OptText(&mut self.url));
        v.field("outbox", Slot::OptTexts(&mut self.outbox));
    }
}

impl Snapshot {
    /// A stored value as the current snapshot: versions 1 to 4 migrated,
    /// version 5 read, anything else refused, saying why. What the shell decodes
    /// from `chrome.storage`, and the `snapshot` fuzz target natively.
    pub fn from_stored<T: Tree>(stored: &T) -> Result<Snapshot, String> {
        if !stored.is_object() {
            return Err(format!("expected an object, found {}", stored.type_name()));
        }
        match stored.get("version").and_then(|v| v.as_number()) {
            Some(1.0) => decode::<SnapshotV1, T>(stored)
                .map(SnapshotV1::migrate)
                .map_err(|e| format!("version 1: {e}")),
            Some(2.0) => decode::<Older<2>, T>(stored)
                .map(|old| old.0.current())
                .map_err(|e| format!("version 2: {e}")),
            Some(3.0) => decode::<Older<3>, T>(stored)
                .map(|old| old.0.current())
                .map_err(|e| format!("version 3: {e}")),
            Some(4.0) => decode::<Older<4>, T>(stored)
                .map(|old| old.0.current())
                .map_err(|e| format!("version 4: {e}")),
            Some(v) if v == f64::from(SNAPSHOT_VERSION) => decode(stored),
            Some(v) => Err(format!("unknown version {}", crate::core::text::number(v))),
            None => Err("no version".into()),
        }
    }

    /// The `nextId` of a stored value [`from_stored`](Self::from_stored)
    /// refused, if it has a usable one: ids below it may have reached the
    /// wire, so they are not given again (see [`Loaded::Corrupt`]).
    ///
    /// [`Loaded::Corrupt`]: crate::core::Loaded::Corrupt
    pub fn salvage_next_id<T: Tree>(stored: &T) -> Option<u64> {
        stored.get("nextId")?.as_number().and_then(whole)
    }

    /// An older layout's snapshot, read, in the current layout.
    fn current(self) -> Snapshot {
        Snapshot {
            version: SNAPSHOT_VERSION,
            ..self
        }
    }
}

impl SnapshotV1 {
    /// The same state in the current layout.
    pub fn migrate(self) -> Snapshot {
        let outbox: Vec<StoredMessage> = self
            .outbox
            .unwrap_or_default()
            .into_iter()
            .zip(1u64..)
            .map(|(data, id)| StoredMessage {
                id,
                kind: "text".into(),
                data,
                reliable: false,
            })
            .collect();
        Snapshot {
            version: SNAPSHOT_VERSION,
            intent: self.intent,
            url: self.url,
            options: Options::default(),
            attempt: 0,
            next_attempt_at: None,
            gave_up: false,
            counters: Counters::default(),
            next_id: outbox.len() as u64 + 1,
            outbox,
            last_close: None,
            last_error: None,
            inbound_handled: 0,
            sleep_until: None,
            open_at: None,
        }
    }
}

impl StoredMessage {
    pub(crate) fn from_entry(entry: &OutboxEntry) -> StoredMessage {
        let data = match &entry.message {
            Message::Text(text) | Message::Json(text) => text.clone(),
            Message::Binary(bytes) => base64::encode(bytes),
        };
        StoredMessage {
            id: entry.id,
            kind: entry.message.kind().into(),
            data,
            reliable: entry.reliable,
        }
    }

    /// Back to an outbox entry; reliable entries count as sent (resends say `dup`).
    pub(crate) fn to_entry(&self) -> Result<OutboxEntry, Error> {
        Ok(OutboxEntry {
            id: self.id,
            message: Message::from_kind(&self.kind, self.data.clone())?,
            reliable: self.reliable,
            sent: self.reliable,
        })
    }
}
