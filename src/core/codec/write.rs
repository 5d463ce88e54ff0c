//! Writing a record as an object, field by field.

use super::{Record, Slot, Tree, Visit};
use crate::core::Protocols;

/// `record` as an object (`&mut` only because the field list is shared
/// with reading: nothing changes).
pub fn encode<T: Tree>(record: &mut dyn Record) -> T {
    let mut writer = Writer {
        object: T::new_object(),
        write_none: record.rules().write_none,
    };
    record.fields(&mut writer);
    writer.object
}

struct Writer<T> {
    object: T,
    write_none: bool,
}

fn texts<T: Tree>(list: &[String]) -> T {
    T::from_items(list.iter().map(|s| T::from_text(s)).collect())
}

fn whole<T: Tree>(n: u64) -> T {
    T::from_number(n as f64)
}

impl<T: Tree> Visit for Writer<T> {
    fn field(&mut self, key: &'static str, slot: Slot<'_>) {
        let value = match slot {
            Slot::Bool(b) => Some(T::from_bool(*b)),
            Slot::OptBool(b) => b.map(T::from_bool),
            Slot::OptNumber(n) => n.map(T::from_number),
            Slot::OptNumbers(list) => list
                .as_ref()
                .map(|list| T::from_items(list.iter().map(|n| T::from_number(*n)).collect())),
            Slot::U16(n) => Some(whole(u64::from(*n))),
            Slot::U32(n) => Some(whole(u64::from(*n))),
            Slot::U64(n) => Some(whole(*n)),
            Slot::OptU64(n) => n.map(whole),
            Slot::Text(text) => Some(T::from_text(text)),
            Slot::OptText(text) => text.as_deref().map(T::from_text),
            Slot::OptTexts(list) => list.as_deref().map(texts),
            Slot::Secret(_) => return,
            Slot::Protocols(protocols) => protocols.as_ref().map(|p| match p {
                Protocols::One(one) => T::from_text(one),
                Protocols::Many(list) => texts(list),
            }),
            Slot::Choice(choice) => choice.names().get(choice.index()).map(|n| T::from_text(n)),
            Slot::Record(record) => Some(encode(record)),
            Slot::OptRecord(record) => record.get().map(encode),
            Slot::Records(list) => {
                let items = (0..list.count()).filter_map(|i| list.at(i).map(encode));
                Some(T::from_items(items.collect()))
            }
        };
        match value {
            Some(value) => self.object.set(key, value),
            None if self.write_none => self.object.set(key, T::null()),
            None => {}
        }
    }
}
