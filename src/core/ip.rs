//! IP address literals in URL hosts, read as `std::net`'s parsers read them
//! (its parsers cost about 3 KB of wasm; these a fraction of that).

/// An IPv4 address in dotted-decimal form: four numbers from 0 to 255,
/// without leading zeros (`127.0.0.01` is not one).
pub(crate) fn ipv4(text: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = text.split('.');
    for slot in &mut out {
        let part = parts.next()?;
        let leading_zero = part.len() > 1 && part.starts_with('0');
        if part.is_empty() || part.len() > 3 || leading_zero {
            return None;
        }
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// An IPv6 address without brackets: eight groups of 1 to 4 hex digits, or
/// fewer around one `::` (which stands for at least one zero group), the
/// last two groups possibly written as an IPv4 address.
pub(crate) fn ipv6(text: &str) -> Option<[u16; 8]> {
    let mut out = [0u16; 8];
    match split_at_double_colon(text) {
        None => (groups(text, &mut out)? == 8).then_some(out),
        Some((head, tail)) => {
            let mut head_groups = [0u16; 8];
            let mut tail_groups = [0u16; 8];
            let h = if head.is_empty() {
                0
            } else {
                // An IPv4 tail belongs at the end of the address only.
                if head.contains('.') {
                    return None;
                }
                groups(head, &mut head_groups)?
            };
            let t = if tail.is_empty() {
                0
            } else {
                groups(tail, &mut tail_groups)?
            };
            if h + t > 7 {
                return None;
            }
            // By hand: copy_from_slice carries a length check that panics.
            for (slot, group) in out.iter_mut().zip(head_groups.iter().take(h)) {
                *slot = *group;
            }
            for (slot, group) in out.iter_mut().skip(8 - t).zip(tail_groups.iter()) {
                *slot = *group;
            }
            Some(out)
        }
    }
}

/// Around the first `::`, if any (found by hand: `str::split_once` with a
/// string pattern brings in the two-way searcher).
fn split_at_double_colon(text: &str) -> Option<(&str, &str)> {
    let at = text.as_bytes().windows(2).position(|w| w == b"::")?;
    Some((text.get(..at)?, text.get(at + 2..)?))
}

/// Reads `a:b:...` (non-empty, no `::`) into `out`; returns how many groups.
fn groups(text: &str, out: &mut [u16; 8]) -> Option<usize> {
    let mut count = 0;
    let mut parts = text.split(':').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() && part.contains('.') {
            let [a, b, c, d] = ipv4(part)?;
            *out.get_mut(count)? = u16::from_be_bytes([a, b]);
            *out.get_mut(count + 1)? = u16::from_be_bytes([c, d]);
            return Some(count + 2);
        }
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        *out.get_mut(count)? = u16::from_str_radix(part, 16).ok()?;
        count += 1;
    }
    Some(count)
}
