// @ts-check
// A consumer's service worker, written as the README's "Use it in your
// extension" tells a user: import the package's worker entry point, start one
// socket with this extension's own storage key and server, listen.
import { isSwWebSocketError, start } from './vendor/sw-websocket/worker.js';
import { SERVER_URL, OPTIONS } from './config.js'; // written by the end-to-end test

// Typed with JSDoc: in a JS file TypeScript takes `socket.onmessage = ...` on
// an untyped const for a new property and types no parameter (the same with
// the browser's WebSocket).
/** @type {import('./vendor/sw-websocket/worker.js').SwWebSocket} */
const socket = start({ storageKey: 'consumer-socket', url: SERVER_URL, options: OPTIONS });

/** @type {string[]} the last texts the server sent, newest last */
const texts = [];
// As code written for the browser's WebSocket: a handler property.
socket.onmessage = (event) => {
  if (typeof event.data === 'string') texts.push(event.data);
  if (texts.length > 20) texts.shift();
};
socket.onerror = (event) => console.warn('consumer socket:', event.error.kind, event.error.message);

// What this worker life saw of the EventTarget surface, for the test.
const seen = {
  /** `open` events with `{once: true}`: at most 1. */
  onceOpens: 0,
  /** Messages counted until the page says stop (an AbortSignal). */
  counted: 0,
  /** `[state, readyState]` at each state event. */
  states: /** @type {[string, number][]} */ ([]),
};
socket.addEventListener('open', () => { seen.onceOpens += 1; }, { once: true });
const counting = new AbortController();
socket.addEventListener('message', () => { seen.counted += 1; }, { signal: counting.signal });
socket.addEventListener('state', (event) => { seen.states.push([event.state, socket.readyState]); });

/**
 * This extension's own small protocol, for its page: {consumer: 'send' | 'status' | 'texts' | 'seen' | 'stopCounting'}.
 * @param {{consumer: string, data?: string}} request
 */
async function answer(request) {
  switch (request.consumer) {
    case 'send':
      return { ok: true, ...(await socket.send(request.data ?? '')) };
    case 'status':
      return { ok: true, status: await socket.status() };
    case 'texts':
      return { ok: true, texts };
    case 'seen':
      return { ok: true, seen, readyState: socket.readyState, open: socket.readyState === socket.OPEN };
    case 'stopCounting':
      counting.abort();
      return { ok: true };
    default:
      return { ok: false, error: { kind: 'unknown', message: `unknown request ${request.consumer}` } };
  }
}

chrome.runtime.onMessage.addListener((request, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || typeof request?.consumer !== 'string') return false;
  answer(request)
    .catch((error) => {
      // The type guard narrows: `error.kind` is an SwWebSocketErrorKind.
      const kind = isSwWebSocketError(error) ? error.kind : 'error';
      return { ok: false, error: { kind, message: String(error instanceof Error ? error.message : error) } };
    })
    .then(sendResponse);
  return true;
});
