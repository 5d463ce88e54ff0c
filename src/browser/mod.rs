//! The browser shell (wasm32 only): a thin layer that carries out what the
//! core asks, around `web_sys::WebSocket`, and the JS API.

mod api;
mod args;
mod clock;
mod commands;
mod convert;
mod driver;
mod glue;
mod js;
mod listeners;
mod online;
mod panic;
mod payload;
mod received;
mod socket;
mod store;
mod types;

pub use api::{set_storage_areas, SwWebSocket};
