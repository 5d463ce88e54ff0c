// The demo extension's service worker: a short module, listeners at the top level.
//
// Chrome may wake this worker for an event (a message, an alarm, start-up)
// before the wasm module is ready, so every listener is registered
// synchronously here and waits for `ready`: no event is missed.
import init, { SwWebSocket } from './pkg/sw_websocket.js';

// Restores the stored state and reconnects if the last word was connect().
const ready = init({ module_or_path: new URL('./pkg/sw_websocket_bg.wasm', import.meta.url) })
  .then(async () => {
    const socket = new SwWebSocket({ storageKey: 'sw-websocket' });
    await socket.resume();
    return socket;
  });

// The demo message protocol (see README): only this extension's own pages may talk to it.
chrome.runtime.onMessage.addListener((request, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  ready
    .then((socket) => socket.handleCommand(request))
    .catch((error) => ({ ok: false, error: { kind: 'init', message: String(error) } }))
    .then(sendResponse);
  return true; // the reply is sent asynchronously
});

// The watchdog and reconnect alarms wake a stopped worker; resume() does the rest.
chrome.alarms.onAlarm.addListener((alarm) => {
  ready.then((socket) => socket.handleAlarm(alarm)).catch(() => {});
});

// Browser start and install/update wake the worker too.
chrome.runtime.onStartup.addListener(() => { ready.catch(() => {}); });
chrome.runtime.onInstalled.addListener(() => { ready.catch(() => {}); });
