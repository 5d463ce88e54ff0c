//! Fuzzer bytes read as small numbers; reads past the end give zeros.

/// The fuzzer's input, consumed from the front.
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// Reads `data` from its first byte.
    pub fn new(data: &'a [u8]) -> Self {
        Input { data }
    }

    /// Whether every byte was read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The next byte, or 0.
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// A number below `n` (`n` at most 256).
    pub fn below(&mut self, n: u16) -> u16 {
        u16::from(self.byte()) % n.max(1)
    }

    /// The next two bytes, little-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// The next four bytes, little-endian.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// A bit.
    pub fn bool(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    /// Up to `max` bytes: a length byte, then that many bytes (fewer at the end).
    pub fn bytes(&mut self, max: usize) -> &'a [u8] {
        let want = usize::from(self.byte()) % (max + 1);
        let n = want.min(self.data.len());
        let (head, tail) = self.data.split_at(n);
        self.data = tail;
        head
    }

    /// A string of up to `max` bytes of the input (invalid UTF-8 replaced).
    pub fn text(&mut self, max: usize) -> String {
        String::from_utf8_lossy(self.bytes(max)).into_owned()
    }

    /// A span of time: mostly milliseconds, sometimes seconds, minutes or hours.
    pub fn millis(&mut self) -> u64 {
        let b = u64::from(self.byte());
        match b {
            0..=127 => b,
            128..=191 => (b - 128) * 100,
            192..=239 => (b - 192) * 1_000,
            240..=251 => (b - 240) * 60_000,
            _ => (b - 251) * 3_600_000,
        }
    }
}
