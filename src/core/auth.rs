//! The connection's secret (`authToken`), kept out of logs and `Debug`.

/// A secret sent on every open: as a query parameter, or as a first message
/// `{"type":"sw.auth","token":...}`. Stored only in `chrome.storage.session`.
#[derive(Clone, PartialEq, Eq)]
pub struct Auth {
    /// The token.
    pub token: String,
    /// The query parameter to carry it, or `None` for the first message.
    pub query_param: Option<String>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("token", &"<redacted>")
            .field("query_param", &self.query_param)
            .finish()
    }
}
