//! Helpers shared by the test binaries: `native` for the native tests of the
//! core (`tests/core_*.rs`), and for wasm32 the browser tests' helpers
//! (`web.rs`: waiting on events, the test server's stats, sockets in memory).
#![allow(dead_code)]

pub mod inbound;
pub mod native;
pub mod sim;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod web;
// Each test binary uses a part of these.
#[cfg(target_arch = "wasm32")]
#[allow(unused_imports)]
pub use storage::*;
#[cfg(target_arch = "wasm32")]
#[allow(unused_imports)]
pub use web::*;
