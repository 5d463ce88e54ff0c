//! The Worker: answers what is not an upgrade to a room and forwards the
//! upgrade to the room's Durable Object.

use crate::protocol::{self, Refusal};
use worker::{event, Context, Env, Headers, Request, Response, Result};

/// The Durable Object namespace binding (wrangler.toml, workerd.capnp).
pub const ROOMS: &str = "ROOMS";

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let url = req.url()?;
    let upgrade = req.headers().get("Upgrade")?;
    match protocol::route(url.path(), url.query(), upgrade.as_deref()) {
        Ok(up) => {
            // One object per room name; it reads the client id from the same URL.
            let rooms = env.durable_object(ROOMS)?;
            let stub = rooms.id_from_name(up.room)?.get_stub()?;
            stub.fetch_with_request(req).await
        }
        Err(refusal) => refuse(refusal),
    }
}

/// The plain-text answer to a refused request.
pub fn refuse(refusal: Refusal) -> Result<Response> {
    let headers = Headers::new();
    headers.set("Content-Type", "text/plain; charset=utf-8")?;
    Ok(Response::error(refusal.body(), refusal.status())?.with_headers(headers))
}
