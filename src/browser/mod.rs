//! The browser shell (wasm32 only): it carries out what the core asks and
//! reports back what happened; it decides nothing about state.
//!
//! ```text
//!  JS: new SwWebSocket, connect, send,   api.rs (the JS class)
//!  close, resume, handleCommand     ─>   commands.rs (the demo protocol)
//!                                          │  js/ (JS values checked in, built out)
//!                                          v
//!                                        driver/calls.rs ─> core::Connection
//!                                                               │ actions, events
//!                                          ┌────────────────────┘
//!                                          v
//!                                        driver/mod.rs (the drive loop)
//!                                          ├─ actions.rs: socket.rs, alarms (glue), the timer
//!                                          ├─ write.rs: snapshot writes (storage.rs, glue.js)
//!                                          ├─ load.rs: the stored state read
//!                                          └─ events -> glue.js fire() -> the EventTarget
//!  socket, timer, alarm, online and storage outcomes ─> driver ─> core handle_*
//! ```
//!
//! `worker.js` is the service-worker entry point (`start()`) and its
//! `SwWebSocket` class, an `EventTarget` built on this engine; the other JS
//! modules beside it are listed in the README's Layout. `typescript.rs` has
//! the declarations.

mod api;
mod clock;
mod commands;
mod driver;
mod glue;
mod js;
mod online;
mod panic;
mod socket;
mod storage;
mod typescript;

pub use api::{set_storage_areas, SwWebSocket};
