//! What a field holds, as the codec sees it: one enum of mutable places, so
//! that the writer and the reader are one function each (not one copy per
//! field type: the wasm module's size counts).

use crate::core::Protocols;

/// A mutable place of one field, by the kind of value it holds.
#[non_exhaustive]
pub enum Slot<'a> {
    /// `true` or `false`.
    Bool(&'a mut bool),
    /// An optional boolean.
    OptBool(&'a mut Option<bool>),
    /// An optional number.
    OptNumber(&'a mut Option<f64>),
    /// An optional list of numbers.
    OptNumbers(&'a mut Option<Vec<f64>>),
    /// A whole number that fits a `u16`.
    U16(&'a mut u16),
    /// A whole number that fits a `u32`.
    U32(&'a mut u32),
    /// A whole number up to 2^53 - 1.
    U64(&'a mut u64),
    /// An optional whole number up to 2^53 - 1.
    OptU64(&'a mut Option<u64>),
    /// A string.
    Text(&'a mut String),
    /// An optional string.
    OptText(&'a mut Option<String>),
    /// An optional list of strings.
    OptTexts(&'a mut Option<Vec<String>>),
    /// An optional string that is read but never written (a secret kept elsewhere).
    Secret(&'a mut Option<String>),
    /// One string or a list of them.
    Protocols(&'a mut Option<Protocols>),
    /// One of a few names.
    Choice(&'a mut dyn Choice),
    /// A nested record.
    Record(&'a mut dyn Record),
    /// An optional nested record.
    OptRecord(&'a mut dyn OptRecord),
    /// A list of records.
    Records(&'a mut dyn Records),
}

impl Slot<'_> {
    /// Whether absence (or `null`) reads as `None`.
    pub(crate) fn optional(&self) -> bool {
        matches!(
            self,
            Slot::OptBool(_)
                | Slot::OptNumber(_)
                | Slot::OptNumbers(_)
                | Slot::OptU64(_)
                | Slot::OptText(_)
                | Slot::OptTexts(_)
                | Slot::Secret(_)
                | Slot::Protocols(_)
                | Slot::OptRecord(_)
        )
    }
}

/// How a record reads and writes, beyond what its fields' slots say.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    /// An unknown key is an error (so that a typo is not a silent default).
    pub refuse_unknown: bool,
    /// A missing field reads as its default instead of being an error.
    pub missing_is_default: bool,
    /// An absent optional field is written as `null` (else it is left out).
    pub write_none: bool,
}

impl Rules {
    /// Every key required (`null` for none), unknown keys refused: the
    /// snapshot, its outbox entries, the status.
    pub const STRICT: Rules = Rules {
        refuse_unknown: true,
        missing_is_default: false,
        write_none: true,
    };
    /// Every key required, unknown keys ignored: the nested close and
    /// error, the first snapshot layout.
    pub const REQUIRED: Rules = Rules {
        refuse_unknown: false,
        ..Rules::STRICT
    };
    /// A missing key reads as its default, unknown keys ignored: counters.
    pub const LENIENT: Rules = Rules {
        missing_is_default: true,
        ..Rules::REQUIRED
    };
    /// Every key optional and written only when set, unknown keys refused
    /// (a typo is an error): the options.
    pub const OPTIONAL: Rules = Rules {
        write_none: false,
        ..Rules::STRICT
    };
}

/// A struct read and written as an object, its fields listed once.
pub trait Record {
    /// How it reads and writes.
    fn rules(&self) -> Rules;

    /// Hands every field to `visit` with its key, in order: the one place
    /// the layout is defined. (`&mut` because reading fills the fields;
    /// writing changes nothing.)
    fn fields(&mut self, visit: &mut dyn Visit);
}

/// What walks a record's fields: the writer, the reader, the key list.
pub trait Visit {
    /// One field.
    fn field(&mut self, key: &'static str, slot: Slot<'_>);
}

/// An enum written as one of a few names.
pub trait Choice {
    /// Every name, in the order of [`set`](Choice::set)'s index.
    fn names(&self) -> &'static [&'static str];
    /// The index of the current value in `names`.
    fn index(&self) -> usize;
    /// Becomes the value named `names()[index]`.
    fn set(&mut self, index: usize);
}

/// An optional record, as a place to read into.
pub trait OptRecord {
    /// The record, if there is one.
    fn get(&mut self) -> Option<&mut dyn Record>;
    /// A default record put in place, to read into.
    fn fill(&mut self) -> &mut dyn Record;
    /// No record (after reading one failed).
    fn clear(&mut self);
}

impl<R: Record + Default> OptRecord for Option<R> {
    fn get(&mut self) -> Option<&mut dyn Record> {
        self.as_mut().map(|r| r as &mut dyn Record)
    }

    fn fill(&mut self) -> &mut dyn Record {
        self.insert(R::default())
    }

    fn clear(&mut self) {
        *self = None;
    }
}

/// A list of records, as a place to read into.
pub trait Records {
    /// How many there are.
    fn count(&self) -> usize;
    /// Record `index`.
    fn at(&mut self, index: usize) -> Option<&mut dyn Record>;
    /// A default record pushed at the end, to read into.
    fn push_default(&mut self) -> Option<&mut dyn Record>;
    /// No records (after reading one failed).
    fn clear(&mut self);
}

impl<R: Record + Default> Records for Vec<R> {
    fn count(&self) -> usize {
        self.len()
    }

    fn at(&mut self, index: usize) -> Option<&mut dyn Record> {
        self.get_mut(index).map(|r| r as &mut dyn Record)
    }

    fn push_default(&mut self) -> Option<&mut dyn Record> {
        self.push(R::default());
        self.last_mut().map(|r| r as &mut dyn Record)
    }

    fn clear(&mut self) {
        Vec::clear(self);
    }
}
