//! A Cloudflare Worker that speaks sw-websocket's server side: rooms of
//! WebSockets on a Durable Object that hibernates, the keepalive answered by
//! the runtime without waking the object, reliable mode (acks, and dedup by
//! client id across reconnects), and the inbound reliable mode (a bounded log
//! of each room's messages, replayed from a client's position). See the
//! README beside this crate.
//!
//! [`protocol`] and [`inbound`] hold every decision and have no `worker`
//! type: they build and are tested natively. The Worker and the Durable
//! Object are wasm32 only.

pub mod inbound;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
mod entry;
#[cfg(target_arch = "wasm32")]
mod room;
