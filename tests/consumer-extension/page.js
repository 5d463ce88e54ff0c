// @ts-check
// The consumer's page, as the README's "Pages" tells a user: the worker's
// socket through sw-websocket/page. It keeps what it saw for the test.
import { PageSocket } from './vendor/sw-websocket/page.js';

/** @type {PageSocket} (typed: see service-worker.js) */
const socket = new PageSocket({ storageKey: 'consumer-socket' });
/** @type {{texts: string[], history: number, running: boolean[]}} */
const seen = { texts: [], history: 0, running: [] };
socket.onmessage = (event) => {
  if (event.history) seen.history += 1;
  else if (typeof event.data === 'string') seen.texts.push(event.data);
};
socket.addEventListener('worker', (event) => seen.running.push(event.running));
Object.assign(globalThis, { pageSocket: socket, pageSeen: seen });
