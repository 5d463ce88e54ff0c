// The worker's side of `sw-websocket/page`: extension pages connect a
// chrome.runtime port, get the status and the recent history first, then
// every event as it happens, and call the socket's methods. Only senders
// `allowed` says yes to are served; others are disconnected at once.
import { EVENT_TYPES } from './events.js';
import { SNAPSHOT, WATCH } from './socket.js';
import { PAGE_METHODS, PORT_PREFIX, errorInfo, fromWire, toWire } from './wire.js';

/** The fields of `event` as the page rebuilds them. */
function fieldsOf(type, event) {
  switch (type) {
    case 'message': return { data: toWire(event.data), binary: event.binary, id: event.id, dup: event.dup };
    case 'close': return { code: event.code, reason: event.reason, wasClean: event.wasClean };
    case 'error': return { error: errorInfo(event.error) };
    case 'state': return { state: event.state };
    case 'ack': return { id: event.id };
    case 'gaveup': return { code: event.code, reason: event.reason };
    case 'gap': return { after: event.after, next: event.next };
    default: return {};
  }
}

/** Answers one call of a page. */
async function answer(socket, port, request) {
  const { call, method, args } = request ?? {};
  if (!Number.isSafeInteger(call)) return;
  let reply;
  try {
    if (!PAGE_METHODS.includes(method)) throw Object.assign(new Error(`sw-websocket: a page cannot call "${method}"`), { kind: 'invalid_command' });
    const list = Array.isArray(args) ? args : [];
    if (method === 'send') list[0] = fromWire(list[0]);
    reply = { reply: call, value: await socket[method](...list) };
  } catch (error) {
    reply = { reply: call, error: errorInfo(error) };
  }
  try {
    port.postMessage(reply);
  } catch {
    // The page went away before the answer.
  }
}

/** Serves the pages of socket `key`; `allowed(sender)` decides who is served. */
export function servePages(socket, key, allowed) {
  const ports = new Set();
  const name = PORT_PREFIX + key;
  chrome.runtime.onConnect.addListener((port) => {
    if (port.name !== name) return;
    if (!allowed(port.sender ?? {})) {
      port.disconnect();
      return;
    }
    let open = true;
    port.onDisconnect.addListener(() => {
      open = false;
      ports.delete(port);
    });
    port.onMessage.addListener((request) => answer(socket, port, request));
    socket.ready.then(() => {
      if (!open) return;
      // Taken and sent in one step: every later event reaches the page after it.
      port.postMessage({ hello: socket[SNAPSHOT](true) });
      ports.add(port);
    }, (error) => port.postMessage({ failed: errorInfo(error) }));
  });
  socket[WATCH]((event) => {
    if (ports.size === 0 || !EVENT_TYPES.includes(event.type)) return;
    const message = { event: event.type, fields: fieldsOf(event.type, event), ...socket[SNAPSHOT]() };
    for (const port of ports) {
      try {
        port.postMessage(message);
      } catch {
        ports.delete(port);
      }
    }
  });
  // Pages that were open while the worker was stopped connect again.
  chrome.runtime.sendMessage?.({ swWebSocketStarted: key })?.catch?.(() => {});
}
