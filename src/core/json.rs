//! The little JSON the core needs: string escaping, flat-object reading and
//! an object's top level as raw values, without a JSON library in the wasm
//! module.

/// `text` as a JSON string literal, quotes included (error messages quote
/// what the caller wrote this way, in the core and in the shell alike).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_quoted(&mut out, text);
    out
}

/// Appends `text` to `out` as a JSON string literal, quotes included.
pub(crate) fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A scalar value of a flat JSON object.
#[derive(Debug, PartialEq)]
pub(crate) enum Scalar {
    Str(String),
    /// A number: `Some` when it is a whole number that fits a `u64` (`7`,
    /// `7.0`, `7e2`), `None` for any other (`-1`, `1.5`).
    Num(Option<u64>),
    Other,
}

/// Reads a flat JSON object (`{"k": scalar, ...}`, no nesting); `None` if it is not one.
pub(crate) fn flat_object(text: &str) -> Option<Vec<(String, Scalar)>> {
    raw_object(text)?
        .into_iter()
        .map(|(key, raw)| {
            let mut p = Parser {
                s: raw.as_bytes(),
                i: 0,
            };
            let value = p.scalar()?;
            p.done().then_some((key, value))
        })
        .collect()
}

/// Reads a JSON object's top level: each key with its value's JSON text as
/// it is (strings still quoted, nested values whole); `None` if `text` is not
/// one object. Values are skipped, not checked: the shell parses the one it
/// hands on.
pub(crate) fn raw_object(text: &str) -> Option<Vec<(String, &str)>> {
    let trimmed = text.trim();
    let mut p = Parser {
        s: trimmed.as_bytes(),
        i: 0,
    };
    p.eat(b'{')?;
    let mut fields = Vec::new();
    p.ws();
    if p.peek() == Some(b'}') {
        p.i += 1;
        return p.done().then_some(fields);
    }
    loop {
        p.ws();
        let key = p.string()?;
        p.ws();
        p.eat(b':')?;
        p.ws();
        let start = p.i;
        p.skip_value()?;
        fields.push((key, trimmed.get(start..p.i)?));
        p.ws();
        match p.next()? {
            b',' => continue,
            b'}' => return p.done().then_some(fields),
            _ => return None,
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }
    fn eat(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }
    fn done(&mut self) -> bool {
        self.ws();
        self.i == self.s.len()
    }
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        loop {
            match self.next()? {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => match self.next()? {
                    b'"' => out.push(b'"'),
                    b'\\' => out.push(b'\\'),
                    b'/' => out.push(b'/'),
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    // Keys and values the core reads are plain ASCII; other escapes
                    // make the string unreadable to it, not an error.
                    _ => return None,
                },
                b => out.push(b),
            }
        }
    }
    /// Moves past one value: a string (escapes and all), an object or array
    /// (by depth, outside strings), or a scalar token.
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                b'"' => loop {
                    match self.next()? {
                        b'"' => break,
                        b'\\' => {
                            self.next()?;
                        }
                        _ => {}
                    }
                },
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth = depth.checked_sub(1)?,
                b',' if depth == 0 => return None,
                _ if depth == 0 => {
                    while matches!(self.peek(), Some(b) if !matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                    {
                        self.i += 1;
                    }
                }
                _ => {}
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    fn scalar(&mut self) -> Option<Scalar> {
        match self.peek()? {
            b'"' => self.string().map(Scalar::Str),
            b'{' | b'[' => None,
            _ => {
                let start = self.i;
                while matches!(self.peek(), Some(b) if !matches!(b, b',' | b'}' | b' ' | b'\n' | b'\r' | b'\t'))
                {
                    self.i += 1;
                }
                let raw = std::str::from_utf8(self.s.get(start..self.i)?).ok()?;
                match raw {
                    "true" | "false" | "null" => Some(Scalar::Other),
                    _ => number(raw).map(Scalar::Num),
                }
            }
        }
    }
}

/// A JSON number token that is a whole number fitting a `u64` (`7`, `7.0`,
/// `7e2`); `None` for anything else.
pub(crate) fn whole_number(raw: &str) -> Option<u64> {
    number(raw).flatten()
}

/// A JSON number token: `None` if `raw` is not one, else `Some` of its value
/// when that is a whole number that fits a `u64`. Read by hand: the only
/// numbers the core reads are ids, and `f64`'s parser is about 4 KB of wasm.
fn number(raw: &str) -> Option<Option<u64>> {
    let mut p = raw.as_bytes();
    let negative = eat(&mut p, b"-").is_some();
    let int = digits(&mut p);
    let frac = eat(&mut p, b".").map(|_| digits(&mut p));
    let exp = eat(&mut p, b"eE").map(|_| (eat(&mut p, b"+-") == Some(b'-'), digits(&mut p)));
    let empty = |part: Option<&[u8]>| part.is_some_and(<[u8]>::is_empty);
    if int.is_empty() || empty(frac) || empty(exp.map(|(_, e)| e)) || !p.is_empty() {
        return None;
    }
    Some(whole(negative, int, frac.unwrap_or_default(), exp))
}

/// `int.frac` times ten to the (signed) `exp`, if that is a whole number
/// that fits a `u64`.
fn whole(negative: bool, int: &[u8], frac: &[u8], exp: Option<(bool, &[u8])>) -> Option<u64> {
    let exp = exp.map_or(0, |(minus, e)| {
        let e = e
            .iter()
            .fold(0i64, |n, d| (n * 10 + i64::from(d - b'0')).min(100_000));
        if minus {
            -e
        } else {
            e
        }
    });
    let mut all: Vec<u8> = int.iter().chain(frac).copied().collect();
    let shift = exp - frac.len() as i64;
    if shift < 0 {
        // The digits after the point must all be zeros.
        let keep = all.len().saturating_sub(shift.unsigned_abs() as usize);
        if all.get(keep..)?.iter().any(|d| *d != b'0') {
            return None;
        }
        all.truncate(keep);
    }
    let mut value = all.iter().try_fold(0u64, |n, d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })?;
    for _ in 0..shift.max(0) {
        if value == 0 {
            break;
        }
        value = value.checked_mul(10)?;
    }
    (!negative || value == 0).then_some(value)
}

/// Takes one byte of `set` from the front of `p`.
fn eat(p: &mut &[u8], set: &[u8]) -> Option<u8> {
    let (&first, rest) = p.split_first()?;
    if set.contains(&first) {
        *p = rest;
        Some(first)
    } else {
        None
    }
}

/// Takes the leading ASCII digits of `p`.
fn digits<'a>(p: &mut &'a [u8]) -> &'a [u8] {
    let n = p.iter().take_while(|b| b.is_ascii_digit()).count();
    let (head, tail) = (
        p.get(..n).unwrap_or_default(),
        p.get(n..).unwrap_or_default(),
    );
    *p = tail;
    head
}
