//! WebSocket frames read and written by hand (RFC 6455 section 5), and the
//! compression of permessage-deflate (RFC 7692), for `/deflate`.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use std::io;
use tokio::io::{AsyncRead, AsyncReadExt};

/// The largest message taken, as `/ws` takes (before and after inflating).
pub const MAX_MESSAGE: usize = 64 << 20;

/// The tail every compressed message ends with, left off on the wire.
const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

pub const CONTINUATION: u8 = 0x0;
pub const TEXT: u8 = 0x1;
pub const BINARY: u8 = 0x2;
pub const CLOSE: u8 = 0x8;
pub const PING: u8 = 0x9;
pub const PONG: u8 = 0xa;

/// One frame from the client, unmasked.
pub struct Frame {
    pub fin: bool,
    /// RSV1: the first frame of a compressed message.
    pub compressed: bool,
    pub opcode: u8,
    pub payload: Vec<u8>,
}

fn invalid(why: impl ToString) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.to_string())
}

/// Reads the next frame; a client's frames must be masked.
pub async fn read_frame<R: AsyncRead + Unpin>(r: &mut R) -> io::Result<Frame> {
    let mut head = [0u8; 2];
    r.read_exact(&mut head).await?;
    if head[0] & 0x30 != 0 {
        return Err(invalid("RSV2 or RSV3 set"));
    }
    if head[1] & 0x80 == 0 {
        return Err(invalid("an unmasked client frame"));
    }
    let len = match head[1] & 0x7f {
        126 => u64::from(r.read_u16().await?),
        127 => r.read_u64().await?,
        n => u64::from(n),
    };
    if len > MAX_MESSAGE as u64 {
        return Err(invalid("a frame over 64 MiB"));
    }
    let mut mask = [0u8; 4];
    r.read_exact(&mut mask).await?;
    let mut payload = vec![0u8; len as usize];
    r.read_exact(&mut payload).await?;
    for (i, byte) in payload.iter_mut().enumerate() {
        *byte ^= mask[i % 4];
    }
    Ok(Frame {
        fin: head[0] & 0x80 != 0,
        compressed: head[0] & 0x40 != 0,
        opcode: head[0] & 0x0f,
        payload,
    })
}

/// One final, unmasked server frame.
pub fn encode(opcode: u8, compressed: bool, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 10);
    out.push(0x80 | if compressed { 0x40 } else { 0 } | opcode);
    match payload.len() {
        n if n < 126 => out.push(n as u8),
        n if n <= 0xffff => {
            out.push(126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
    out
}

/// The inflating side of a connection: one window across messages (the
/// client keeps its context, as nothing asked it not to).
pub struct Inflater(Decompress);

impl Inflater {
    pub fn new() -> Self {
        Inflater(Decompress::new(false))
    }

    /// A compressed message's payload, inflated.
    pub fn inflate(&mut self, payload: &[u8]) -> io::Result<Vec<u8>> {
        let input = [payload, &TAIL].concat();
        let mut out = Vec::with_capacity(payload.len() * 4 + 64);
        let mut used = 0;
        loop {
            if out.len() == out.capacity() {
                out.reserve(out.capacity());
            }
            let (before_in, before_out) = (self.0.total_in(), self.0.total_out());
            self.0
                .decompress_vec(&input[used..], &mut out, FlushDecompress::Sync)
                .map_err(invalid)?;
            used += (self.0.total_in() - before_in) as usize;
            if out.len() > MAX_MESSAGE {
                return Err(invalid("a message over 64 MiB once inflated"));
            }
            if used == input.len() && out.len() < out.capacity() {
                return Ok(out);
            }
            if self.0.total_in() == before_in && self.0.total_out() == before_out {
                return Err(invalid("the compressed message ends early"));
            }
        }
    }
}

/// The compressing side: one window across messages.
pub struct Deflater(Compress);

impl Deflater {
    pub fn new() -> Self {
        Deflater(Compress::new(Compression::fast(), false))
    }

    /// `data` compressed as one message's payload.
    pub fn deflate(&mut self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        let mut used = 0;
        loop {
            if out.len() == out.capacity() {
                out.reserve(out.capacity());
            }
            let before = self.0.total_in();
            self.0
                .compress_vec(&data[used..], &mut out, FlushCompress::Sync)
                .map_err(invalid)?;
            used += (self.0.total_in() - before) as usize;
            if used == data.len() && out.len() < out.capacity() {
                break;
            }
        }
        if out.ends_with(&TAIL) {
            out.truncate(out.len() - TAIL.len());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_one_window_each_way() {
        let (mut deflater, mut inflater) = (Deflater::new(), Inflater::new());
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        for message in [&b"hello hello hello"[..], b"", &big, b"hello hello hello"] {
            let wire = deflater.deflate(message).unwrap();
            assert!(!wire.ends_with(&TAIL));
            assert_eq!(inflater.inflate(&wire).unwrap(), message);
        }
    }

    #[test]
    fn frames_carry_their_length_in_the_three_forms() {
        for len in [0usize, 125, 126, 65_535, 65_536] {
            let frame = encode(BINARY, true, &vec![7; len]);
            assert_eq!(frame[0], 0x80 | 0x40 | BINARY);
            assert_eq!(
                frame.len() - len,
                if len < 126 {
                    2
                } else if len <= 0xffff {
                    4
                } else {
                    10
                }
            );
        }
    }
}
