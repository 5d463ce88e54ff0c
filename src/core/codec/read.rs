//! Reading a record from an object, field by field, with errors that name
//! the field (`options.keepaliveMs must be a number, not string`).
//!
//! Reading does not stop at the first problem: it notes it, the field keeps
//! its default and reading goes on; [`decode`] reports the first one.

use super::{whole, Record, Slot, Tree, Visit, MAX_SAFE_INTEGER};
use crate::core::json::quote;
use crate::core::text::comma_list;
use crate::core::Protocols;
use std::cell::Cell;

/// Reads a record from `value`: the record, or the first problem.
pub fn decode<R: Record + Default, T: Tree>(value: &T) -> Result<R, String> {
    let problem = Problem::default();
    let mut record = R::default();
    read(&Item::top(value.clone(), &problem), &mut record);
    match problem.0.into_inner() {
        None => Ok(record),
        Some(why) => Err(why),
    }
}

/// The keys of a record, in order.
pub fn keys(record: &mut dyn Record) -> Vec<&'static str> {
    struct Keys(Vec<&'static str>);
    impl Visit for Keys {
        fn field(&mut self, key: &'static str, _: Slot<'_>) {
            self.0.push(key);
        }
    }
    let mut keys = Keys(Vec::new());
    record.fields(&mut keys);
    keys.0
}

/// Reads `item` into `record`; false (and a problem) if it is not an object.
fn read<T: Tree>(item: &Item<T>, record: &mut dyn Record) -> bool {
    let clean = item.problem.clean();
    if !item.value.is_object() {
        item.wrong("an object");
        return false;
    }
    let rules = record.rules();
    let mut reader = Reader {
        object: item,
        missing_is_default: rules.missing_is_default,
        keys: Vec::new(),
    };
    record.fields(&mut reader);
    if rules.refuse_unknown {
        reader.only(clean);
    }
    true
}

/// The first problem met while reading, shared by the items of one value.
#[derive(Default)]
struct Problem(Cell<Option<String>>);

impl Problem {
    /// Notes `why` unless a problem was noted before (or `first`: before
    /// any problem).
    fn note(&self, why: String, first: bool) {
        let noted = self.0.take();
        self.0.set(if first {
            Some(why)
        } else {
            noted.or(Some(why))
        });
    }

    /// Whether no problem was noted so far.
    fn clean(&self) -> bool {
        let noted = self.0.take();
        let clean = noted.is_none();
        self.0.set(noted);
        clean
    }
}

/// One value being read, and its name in errors (`options.keepaliveMs`,
/// `outbox[2]`; empty at the top).
struct Item<'a, T> {
    value: T,
    path: String,
    problem: &'a Problem,
}

impl<'a, T: Tree> Item<'a, T> {
    fn top(value: T, problem: &'a Problem) -> Self {
        let path = String::new();
        Item {
            value,
            path,
            problem,
        }
    }

    /// The name of a part of this value: `key` or `[index]` appended.
    fn path_of(&self, part: &str) -> String {
        match (self.path.is_empty(), part.starts_with('[')) {
            (true, false) => part.to_owned(),
            (false, false) => format!("{}.{part}", self.path),
            (_, true) => format!("{}{part}", self.path),
        }
    }

    /// A part of this value, named `part` (see [`path_of`](Self::path_of)).
    fn part(&self, value: T, part: &str) -> Item<'a, T> {
        let path = self.path_of(part);
        let problem = self.problem;
        Item {
            value,
            path,
            problem,
        }
    }

    /// `read`, or a problem saying what was `expected` (then `None`).
    fn expect<V>(&self, read: Option<V>, expected: &str) -> Option<V> {
        if read.is_none() {
            self.wrong(expected);
        }
        read
    }

    /// Notes "`path` must be `expected`, not `type`".
    fn wrong(&self, expected: &str) {
        let name = if self.path.is_empty() {
            "the value"
        } else {
            &self.path
        };
        let found = self.value.type_name();
        let why = format!("{name} must be {expected}, not {found}");
        self.problem.note(why, false);
    }

    fn boolean(&self) -> Option<bool> {
        self.expect(self.value.as_bool(), "true or false")
    }

    fn number(&self) -> Option<f64> {
        self.expect(self.value.as_number(), "a number")
    }

    fn text(&self) -> Option<String> {
        self.expect(self.value.as_text(), "a string")
    }

    /// A whole number from 0 to `max`.
    fn whole(&self, max: u64, expected: &str) -> Option<u64> {
        let n = self.value.as_number().and_then(whole);
        self.expect(n.filter(|n| *n <= max), expected)
    }

    /// A list, each item read by `read`.
    fn list<V>(&self, read: fn(&Self) -> Option<V>) -> Option<Vec<V>> {
        let items = self.expect(self.value.items(), "a list")?;
        let mut out = Vec::with_capacity(items.len());
        for (i, value) in items.into_iter().enumerate() {
            out.extend(read(&self.part(value, &format!("[{i}]"))));
        }
        Some(out)
    }

    fn protocols(&self) -> Option<Protocols> {
        let read = match self.value.items() {
            Some(list) => list
                .iter()
                .map(T::as_text)
                .collect::<Option<_>>()
                .map(Protocols::Many),
            None => self.value.as_text().map(Protocols::One),
        };
        self.expect(read, "a string or a list of strings")
    }

    /// The index of the name this string is in `names`, or a problem listing them.
    fn choice(&self, names: &[&str]) -> Option<usize> {
        let text = self.text()?;
        let found = names.iter().position(|n| *n == text);
        if found.is_none() {
            let quoted: Vec<String> = names.iter().map(|n| quote(n)).collect();
            let (path, list) = (&self.path, comma_list(&quoted));
            let why = format!("{path} must be one of {list}, not {}", quote(&text));
            self.problem.note(why, false);
        }
        found
    }
}

/// Reads each field of one object, and keeps the keys for the unknown-key
/// check (no second walk over the fields for them).
struct Reader<'r, 'a, T> {
    object: &'r Item<'a, T>,
    missing_is_default: bool,
    keys: Vec<&'static str>,
}

impl<T: Tree> Reader<'_, '_, T> {
    /// Notes an own key that is not a field, naming it, before any problem
    /// met since `clean` (nothing was noted when this object's reading
    /// began): as if the keys had been checked first.
    fn only(&self, clean: bool) {
        let keys = self.object.value.keys();
        let Some(key) = keys.iter().find(|key| !self.keys.contains(&key.as_str())) else {
            return;
        };
        let place = match self.object.path.as_str() {
            "" => String::new(),
            path => format!(" in {path}"),
        };
        let why = format!(
            "unknown key {}{place}; expected one of: {}",
            quote(key),
            comma_list(&self.keys)
        );
        self.object.problem.note(why, clean);
    }
}

fn set<V>(place: &mut V, read: Option<V>) {
    if let Some(value) = read {
        *place = value;
    }
}

fn set_some<V>(place: &mut Option<V>, read: Option<V>) {
    if read.is_some() {
        *place = read;
    }
}

const WHOLE: &str = "a non-negative whole number";

impl<T: Tree> Visit for Reader<'_, '_, T> {
    fn field(&mut self, key: &'static str, slot: Slot<'_>) {
        self.keys.push(key);
        let Some(value) = self.object.value.get(key) else {
            if !slot.optional() && !self.missing_is_default {
                let why = format!("{} is missing", self.object.path_of(key));
                self.object.problem.note(why, false);
            }
            return;
        };
        let item = self.object.part(value, key);
        match slot {
            Slot::Bool(b) => set(b, item.boolean()),
            Slot::OptBool(b) => set_some(b, item.boolean()),
            Slot::OptNumber(n) => set_some(n, item.number()),
            Slot::OptNumbers(list) => set_some(list, item.list(Item::number)),
            Slot::U16(n) => set(n, item.whole(0xffff, "a close code").map(|n| n as u16)),
            Slot::U32(n) => set(n, item.whole(u32::MAX.into(), WHOLE).map(|n| n as u32)),
            Slot::U64(n) => set(n, item.whole(MAX_SAFE_INTEGER, WHOLE)),
            Slot::OptU64(n) => set_some(n, item.whole(MAX_SAFE_INTEGER, WHOLE)),
            Slot::Text(text) => set(text, item.text()),
            Slot::OptText(text) | Slot::Secret(text) => set_some(text, item.text()),
            Slot::OptTexts(list) => set_some(list, item.list(Item::text)),
            Slot::Protocols(protocols) => set_some(protocols, item.protocols()),
            Slot::Choice(choice) => {
                if let Some(index) = item.choice(choice.names()) {
                    choice.set(index);
                }
            }
            Slot::Record(record) => {
                read(&item, record);
            }
            Slot::OptRecord(record) => {
                if !read(&item, record.fill()) {
                    record.clear();
                }
            }
            Slot::Records(list) => {
                list.clear();
                let items = item
                    .expect(item.value.items(), "a list")
                    .unwrap_or_default();
                for (i, value) in items.into_iter().enumerate() {
                    if let Some(record) = list.push_default() {
                        read(&item.part(value, &format!("[{i}]")), record);
                    }
                }
            }
        }
    }
}
