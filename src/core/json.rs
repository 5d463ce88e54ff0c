//! The little JSON the core needs: string escaping and flat-object reading,
//! without a JSON library in the wasm module.

/// `text` as a JSON string literal, quotes included.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
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
    out
}

/// A scalar value of a flat JSON object.
#[derive(Debug, PartialEq)]
pub(crate) enum Scalar {
    Str(String),
    Num(f64),
    Other,
}

/// Reads a flat JSON object (`{"k": scalar, ...}`, no nesting); `None` if it is not one.
pub(crate) fn flat_object(text: &str) -> Option<Vec<(String, Scalar)>> {
    let mut p = Parser {
        s: text.trim().as_bytes(),
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
        let value = p.scalar()?;
        fields.push((key, value));
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
                    _ => raw.parse::<f64>().ok().map(Scalar::Num),
                }
            }
        }
    }
}
