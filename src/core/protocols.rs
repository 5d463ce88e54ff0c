//! Subprotocols as callers give them: one string or a list (a leaf module:
//! the options and the codec both use it).

/// One subprotocol or several.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Protocols {
    /// A single subprotocol.
    One(String),
    /// Several subprotocols, in order of preference.
    Many(Vec<String>),
}
