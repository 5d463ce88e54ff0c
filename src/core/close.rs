//! Close codes and reasons, checked before the browser sees them.

use crate::core::codec::{Record, Rules, Slot, Visit};
use crate::core::Error;

/// The longest close reason a browser accepts, in UTF-8 bytes.
pub const MAX_CLOSE_REASON_BYTES: usize = 123;

/// The normal close code.
pub const NORMAL_CLOSURE: u16 = 1000;

/// A close request the browser will accept: code 1000 or 3000-4999, and a
/// reason of at most 123 UTF-8 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseRequest {
    code: u16,
    reason: String,
}

impl CloseRequest {
    /// Checks a caller's close code and reason; `None` means 1000 and "".
    pub fn new(code: Option<u16>, reason: Option<&str>) -> Result<Self, Error> {
        let code = code.unwrap_or(NORMAL_CLOSURE);
        if code != NORMAL_CLOSURE && !(3000..=4999).contains(&code) {
            return Err(Error::InvalidCloseCode(code));
        }
        let reason = reason.unwrap_or_default();
        if reason.len() > MAX_CLOSE_REASON_BYTES {
            return Err(Error::CloseReasonTooLong(reason.len()));
        }
        Ok(CloseRequest {
            code,
            reason: reason.to_owned(),
        })
    }

    /// The close code.
    pub fn code(&self) -> u16 {
        self.code
    }

    /// The close reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// How a socket closed, as reported by the browser.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloseInfo {
    /// The close code (1005 when none was sent, 1006 when the connection dropped).
    pub code: u16,
    /// The close reason.
    pub reason: String,
    /// Whether the closing handshake completed.
    pub was_clean: bool,
}

/// Every field is required; unknown keys are ignored.
impl Record for CloseInfo {
    fn rules(&self) -> Rules {
        Rules::REQUIRED
    }

    fn fields(&mut self, v: &mut dyn Visit) {
        v.field("code", Slot::U16(&mut self.code));
        v.field("reason", Slot::Text(&mut self.reason));
        v.field("wasClean", Slot::Bool(&mut self.was_clean));
    }
}
