//! Reference checks the snapshot target compares the core with.

use sw_websocket::core::Snapshot;

/// Whether `nextId - 1` and the counters are at most 2^53 - 1, as `restore`
/// requires (JS numbers are exact up to there). A snapshot stored at that
/// edge can be restored, count one more connect or send, and write one that
/// is refused; getting there from zero takes 2^53 events.
pub(super) fn in_range(snapshot: &Snapshot) -> bool {
    let c = &snapshot.counters;
    [
        snapshot.next_id.wrapping_sub(1),
        c.worker_starts,
        c.connects,
        c.reconnects,
        c.sent,
        c.received,
        c.keepalives,
    ]
    .iter()
    .all(|&n| n < 1 << 53)
}

/// A reference decoder: standard base64, padded, pad bits ignored.
pub(super) fn base64(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let body = bytes
        .strip_suffix(b"==")
        .or_else(|| bytes.strip_suffix(b"="));
    let pad = bytes.len() - body.map_or(bytes.len(), <[u8]>::len);
    let body = body.unwrap_or(bytes);
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in body {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // "==" leaves 4 stray bits, "=" leaves 2; a single char after them is invalid.
    let ok = match pad {
        0 => bits == 0,
        1 => bits == 2,
        _ => bits == 4,
    };
    ok.then_some(out)
}
