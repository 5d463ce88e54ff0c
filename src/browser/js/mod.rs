//! JS values on the Rust side: the JS half of the core's record codec.

pub(crate) mod tree;
