//! Fuzz drivers for sw-websocket's sans-IO core, shared by the libFuzzer
//! targets in `fuzz_targets/` and the stable replay test in `tests/`.
//!
//! - [`snapshot::run`]: bytes as a stored snapshot (JSON), decoded the way
//!   the shell does (version 1 migrated, version 2 read), then restored.
//! - [`events::run`]: bytes as a sequence of shell events and app commands fed
//!   to one `Connection`, with the invariants checked after every step.
//!
//! A broken invariant panics with its name, the step and the recent steps.

pub mod events;
pub mod input;
pub mod json;
pub mod script;
pub mod seeds;
pub mod snapshot;
pub mod wire_ids;
