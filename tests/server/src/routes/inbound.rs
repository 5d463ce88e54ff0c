//! The HTTP controls of the inbound reliable protocol (see [`crate::inbound`]).
//!
//! - `/control/push?reliable=1[&tag=T][&text=X][&count=K]`: stores messages
//!   for tag T (no tag: the untagged connections, tag `""`), whether or not a
//!   client of T is connected, and sends them at once, in order, to each live
//!   connection of T that sent `sw.resume`. The data: without `count`, one
//!   message whose data is X; with `count=K`, K messages whose data are X
//!   followed by 1, 2, ... K (`text=n-&count=3`: `n-1`, `n-2`, `n-3`). X
//!   defaults to `push`. Answers `{"first":ID,"last":ID,"live":C}` (the ids
//!   stored, `null` for `count=0`; C the resumed connections sent to).
//!   `bytes` is refused (`400`): inbound messages are text. K is at most
//!   1 000 000.
//! - `/control/forget?[tag=T&]upTo=M`: forgets T's stored messages with an id
//!   up to M, so that a later resume after N < M gets a `sw.gap`. Answers
//!   `{"forgotten":F,"stored":S}`.
//!
//! Both take POST or GET. A bad parameter is answered `400` with `{"error":...}`.

use super::{cors, Params};
use crate::stats::Hub;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// The largest `count` of a reliable push.
const MAX_COUNT: usize = 1_000_000;

/// Reads `reliable=`: `1`/`true` or `0`/`false`/absent.
pub fn flag(value: Option<&str>) -> Result<bool, String> {
    match value {
        None | Some("0" | "false") => Ok(false),
        Some("1" | "true") => Ok(true),
        Some(other) => Err(format!(
            "reliable must be 1, true, 0 or false, not {other:?}"
        )),
    }
}

/// `/control/push?reliable=1`.
pub fn push(hub: Arc<Hub>, params: Params) -> Response {
    if params.bytes.is_some() {
        return bad("reliable=1 takes text only, not bytes=");
    }
    let count = params.count;
    if count.is_some_and(|k| k > MAX_COUNT) {
        return bad(&format!("count is at most {MAX_COUNT} with reliable=1"));
    }
    let text = params.text.unwrap_or_else(|| "push".into());
    let tag = params.tag.unwrap_or_default();
    let pushed = match count {
        None => hub.inbound_push(&tag, std::iter::once(text)),
        Some(k) => hub.inbound_push(&tag, (1..=k).map(|i| format!("{text}{i}"))),
    };
    cors(Json(pushed).into_response())
}

/// `/control/forget?tag=T&upTo=M`.
pub async fn forget(State(hub): State<Arc<Hub>>, Query(params): Query<Params>) -> Response {
    let Some(up_to) = params.up_to else {
        return bad("forget needs upTo=M");
    };
    let forgot = hub.inbound_forget(&params.tag.unwrap_or_default(), up_to);
    cors(Json(forgot).into_response())
}

pub fn bad(message: &str) -> Response {
    let body = Json(serde_json::json!({ "error": message }));
    cors((StatusCode::BAD_REQUEST, body).into_response())
}
