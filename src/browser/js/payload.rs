//! Messages kept as JS values: in the common case a string or a buffer goes
//! from `send` to the socket, and from the socket to the listeners, without
//! being copied into wasm memory and back. The core is told only its size.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/src/browser/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = sendableSize)]
    fn sendable_size(data: &JsValue) -> f64;
    /// The bytes of an ArrayBuffer or of a view on one, as a `Uint8Array`;
    /// `null` for a view on a SharedArrayBuffer, `undefined` for anything else.
    #[wasm_bindgen(js_name = bytesOf)]
    pub(crate) fn bytes_of(data: &JsValue) -> JsValue;
}

/// The size in bytes of a value the socket can take as it is: a string (an
/// upper bound, 3 bytes per UTF-16 unit), an ArrayBuffer, or a view on one
/// (one call into `glue.js`). `None`: anything else, which takes the checked
/// path with its clear errors.
pub(crate) fn sendable(data: &JsValue) -> Option<usize> {
    let size = sendable_size(data);
    (size >= 0.0).then_some(size as usize)
}
