// What the worker (pages.js) and its pages (page.js) say over a
// chrome.runtime port, named `sw-websocket:KEY`. Worker to page:
//   {hello: {status, protocol, extensions, bufferedAmount, history}}
//                                         first, once the socket is ready
//   {event: type, fields, status, protocol, extensions, bufferedAmount, seq}
//                                         each socket event as it happens
//   {failed: {kind, message}}             the socket could not start
//   {reply: n, value} | {reply: n, error: {kind, message}}
// Page to worker: {call: n, method, args}. Ports carry JSON: binary data
// goes as {base64: '...'}.

export const PORT_PREFIX = 'sw-websocket:';

/** The methods a page may call. */
export const PAGE_METHODS = ['connect', 'send', 'sendJson', 'close', 'status', 'outbox', 'clearOutbox', 'received'];

/** A string, or `{base64}` for an ArrayBuffer or a view of one. */
export function toWire(data) {
  if (typeof data === 'string' || !(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) return data;
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { base64: btoa(text) };
}

/** The inverse of `toWire`: `{base64}` becomes an ArrayBuffer. */
export function fromWire(data) {
  if (typeof data?.base64 !== 'string') return data;
  const text = atob(data.base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return bytes.buffer;
}

/** `{kind, message}` of an error, for the port. */
export function errorInfo(error) {
  return { kind: error?.kind ?? 'init', message: String(error?.message ?? error) };
}
