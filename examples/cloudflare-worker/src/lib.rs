//! A Cloudflare Worker that speaks sw-websocket's server side: rooms of
//! WebSockets on a Durable Object that hibernates, the keepalive answered by
//! the runtime without waking the object, and reliable mode (acks, and dedup
//! by client id across reconnects). See the README beside this crate.
//!
//! [`protocol`] holds every decision and has no `worker` type: it builds and
//! is tested natively. The Worker and the Durable Object are wasm32 only.

pub mod protocol;

#[cfg(target_arch = "wasm32")]
mod entry;
#[cfg(target_arch = "wasm32")]
mod room;
