// @ts-check
// A consumer's service worker, written as the README's "Use it in your
// extension" tells a user: import the package's worker entry point, start one
// socket with this extension's own storage key and server, listen.
import { isSwWebSocketError, start } from './vendor/sw-websocket/worker.js';
import { SERVER_URL, OPTIONS } from './config.js'; // written by the end-to-end test

const socket = start({ storageKey: 'consumer-socket', url: SERVER_URL, options: OPTIONS });

/** @type {string[]} the last texts the server sent, newest last */
const texts = [];
socket.addEventListener('message', (event) => {
  if (typeof event.data === 'string') texts.push(event.data);
  if (texts.length > 20) texts.shift();
});
socket.addEventListener('error', (event) => console.warn('consumer socket:', event.error.kind, event.error.message));

/**
 * This extension's own small protocol, for its page: {consumer: 'send' | 'status' | 'texts'}.
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
