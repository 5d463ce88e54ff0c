//! Values crossing the JS boundary: what JS passes, checked into typed
//! values (`args.rs`, `payload.rs`), what JS gets back (`convert.rs`: errors,
//! messages, events), and `JsValue` as the JS side of the core's record
//! codec (`tree.rs`).

pub(crate) mod args;
pub(crate) mod convert;
pub(crate) mod payload;
pub(crate) mod tree;
