// The demo extension's service worker: a short module, listeners at the top level.
//
// Chrome may wake this worker for an event before the wasm module is ready, so
// every listener is registered synchronously here and waits for `ready`.
import init, { SwWebSocket } from './pkg/sw_websocket.js';

const ready = init({ module_or_path: new URL('./pkg/sw_websocket_bg.wasm', import.meta.url) })
  .then(() => new SwWebSocket());

// The demo message protocol (see README): only this extension's own pages may talk to it.
chrome.runtime.onMessage.addListener((request, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  ready
    .then((socket) => socket.handleCommand(request))
    .catch((error) => ({ ok: false, error: { kind: 'init', message: String(error) } }))
    .then(sendResponse);
  return true; // the reply is sent asynchronously
});
