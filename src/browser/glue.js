// sw-websocket's JS glue: the only code that must be JS. It wraps
// chrome.storage and chrome.alarms for the wasm module, which imports it.

import { fireMessage } from './fire.js';

let fakeAreas = null;

/** Use `{local, session}` objects with get/set/remove instead of chrome.storage (tests, pages). */
export function useStorageAreas(areas) {
  fakeAreas = areas ?? null;
}

function area(name) {
  const found = fakeAreas ? fakeAreas[name] : globalThis.chrome?.storage?.[name];
  if (!found) {
    throw new Error(`chrome.storage.${name} is not available: add "storage" to the manifest's permissions`);
  }
  return found;
}

export async function storageGet(areaName, key) {
  const items = await area(areaName).get(key);
  return items?.[key];
}

export async function storageSet(areaName, key, value) {
  await area(areaName).set({ [key]: value });
}

// Reads the socket class started while the module was still loading (see
// `readEarly` in socket.js), by area and key: the first load of the same
// keys takes its read instead of starting one. Shared through the global
// scope, as the class and this module may be bundled apart.
const EARLY = Symbol.for('sw-websocket.early-reads');

/** The snapshot at `key` and the secret at `secretKey` (session), read at once; `[value, secret]`. */
export async function storageLoad(areaName, key, secretKey) {
  const early = fakeAreas ? undefined : globalThis[EARLY]?.get(`${areaName}:${key}`);
  if (early) {
    globalThis[EARLY].delete(`${areaName}:${key}`);
    // A read left by a socket whose module never loaded is not taken later.
    if (Date.now() - early.at < 10_000) return early.read;
  }
  const value = storageGet(areaName, key);
  const secret = storageGet('session', secretKey);
  secret.catch(() => {}); // awaited below: a failure of both reports the snapshot's
  return [await value, await secret];
}

/** Writes the snapshot, then the secret if it changed: a string to set, `null` to remove, `undefined` to leave. */
export async function storageWrite(areaName, key, value, secretKey, secret) {
  await storageSet(areaName, key, value);
  if (secret === null) await area('session').remove(secretKey);
  else if (secret !== undefined) await storageSet('session', secretKey, secret);
}

// Calls on one alarm run one after the other, in the order asked: a
// `create` that awaits a `get` first must not land after a `clear` asked
// for later (a watchdog alarm left set keeps waking a sleeping worker).
// `call(alarms)` runs in its turn; without chrome.alarms it is `false`.
const alarmTurns = new Map();

function inTurn(name, call) {
  const alarms = globalThis.chrome?.alarms;
  const turn = (alarmTurns.get(name) ?? Promise.resolve()).then(() => (alarms ? call(alarms) : false));
  alarmTurns.set(name, turn.catch(() => {}));
  return turn;
}

/** A periodic alarm every `periodMs`, kept as is if it already has that period. */
export function alarmEvery(name, periodMs) {
  return inTurn(name, async (alarms) => {
    const periodInMinutes = periodMs / 60000;
    const existing = await alarms.get(name);
    if (existing && existing.periodInMinutes === periodInMinutes) return true;
    await alarms.create(name, { periodInMinutes, delayInMinutes: periodInMinutes });
    return true;
  });
}

/** A one-shot alarm at `when` (ms since the epoch). */
export function alarmAt(name, when) {
  return inTurn(name, (alarms) => alarms.create(name, { when }).then(() => true));
}

export function alarmClear(name) {
  return inTurn(name, (alarms) => alarms.clear(name));
}

const SOCKET_EVENTS = ['open', 'message', 'close', 'error'];

// Sockets socket.js opened before the module was ready (its openEarly), by
// area and key; then, once taken, the events each had meanwhile.
const EARLY_SOCKETS = Symbol.for('sw-websocket.early-sockets');
const earlyEvents = new WeakMap();

/**
 * A browser WebSocket to `url` with `protocols` (binaryType "arraybuffer"):
 * the one opened early for `name` ("area:key") when it went to the same URL
 * and protocols, else a new one. Throws as `new WebSocket` does.
 */
export function openSocket(name, url, protocols) {
  const early = globalThis[EARLY_SOCKETS]?.get(name);
  if (early && early.url === url && early.protocols.join() === protocols.join()) {
    globalThis[EARLY_SOCKETS].delete(name);
    earlyEvents.set(early.ws, early);
    return early.ws;
  }
  const ws = new WebSocket(url, protocols);
  ws.binaryType = 'arraybuffer';
  return ws;
}

/**
 * Calls `listener(i, event)` on `ws`'s events, `i` the index in SOCKET_EVENTS;
 * returns a function that removes the listeners. A message is sorted here
 * in one step: a text for the application (it neither contains `mark` nor
 * equals `reply`) or an ArrayBuffer goes to `plain()`, without its value,
 * and is dispatched on `target` here when that returns true (the hot path:
 * the value never crosses into the module); else it comes as
 * `listener(1, data, kind)`, kind 2 a text the core must read, 3 anything
 * else, and with `inbound` 4 a `sw.msg` frame, given as the object
 * `JSON.parse` made of it (see inboundFrame).
 */
export function listen(ws, listener, plain, target, mark, reply, inbound) {
  const onMessage = ({ data }) => {
    const text = typeof data === 'string';
    if (text ? !data.includes(mark) && data !== reply : data instanceof ArrayBuffer) {
      if (plain()) fireMessage(target, data, !text);
      return;
    }
    const frame = text && inbound ? inboundFrame(data) : undefined;
    if (frame !== undefined) listener(1, frame, 4);
    else listener(1, data, text ? 2 : 3);
  };
  const calls = SOCKET_EVENTS.map((type, i) => (i === 1 ? onMessage : (event) => listener(i, event, 0)));
  SOCKET_EVENTS.forEach((type, i) => ws.addEventListener(type, calls[i]));
  let listening = true;
  // An early socket: what it had before it was taken, in order, as soon as
  // the caller is done (no other event of the socket can come first).
  const early = earlyEvents.get(ws);
  if (early) {
    earlyEvents.delete(ws);
    SOCKET_EVENTS.forEach((type) => ws.removeEventListener(type, early.keep));
    queueMicrotask(() => {
      for (const event of early.events) if (listening) calls[SOCKET_EVENTS.indexOf(event.type)](event);
    });
  }
  return () => {
    listening = false;
    SOCKET_EVENTS.forEach((type, i) => ws.removeEventListener(type, calls[i]));
  };
}

/**
 * `text` read as a `sw.msg` frame of reliable inbound delivery, or undefined.
 * Read here with the browser's JSON.parse, so that its data is neither
 * copied into the wasm module nor out again nor parsed twice; the core gets
 * its `id` and `dup` and applies its rules. Only a frame the core reads the
 * same way as text is taken (the type written as is, an object, a whole
 * `id` above 0 that a double holds exactly); any other text goes to the core.
 */
function inboundFrame(text) {
  if (!text.includes('"sw.msg"')) return undefined;
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    return undefined;
  }
  const taken = frame !== null && typeof frame === 'object' && frame.type === 'sw.msg'
    && Number.isSafeInteger(frame.id) && frame.id > 0;
  return taken ? frame : undefined;
}

// Chrome wants a worker's event listeners added while its script is first
// evaluated: this module is imported statically, so its top level runs then.
// The sockets subscribe later, through watchOnline.
const onlineWatchers = new Set();
if (typeof globalThis.addEventListener === 'function') {
  globalThis.addEventListener('online', () => onlineWatchers.forEach((changed) => changed(true)));
  globalThis.addEventListener('offline', () => onlineWatchers.forEach((changed) => changed(false)));
}

/** Calls `changed(true | false)` on the global scope's online and offline events; returns a function that stops it. */
export function watchOnline(changed) {
  const watcher = (online) => changed(online);
  onlineWatchers.add(watcher);
  return () => onlineWatchers.delete(watcher);
}

export function isOnline() {
  return globalThis.navigator?.onLine ?? true;
}

/** Whether `data` is an ArrayBuffer or a view on one (not on a SharedArrayBuffer): bytes `send` takes. */
function onArrayBuffer(data) {
  return data instanceof ArrayBuffer || (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer);
}

/** What `send` can hand to the socket as it is: its size in bytes (a string's upper bound, 3 per UTF-16 unit), or -1. */
export function sendableSize(data) {
  if (typeof data === 'string') return data.length * 3;
  return onArrayBuffer(data) ? data.byteLength : -1;
}

/** The bytes of an ArrayBuffer or of a view on one; `null` for a view on a SharedArrayBuffer. */
export function bytesOf(data) {
  if (!onArrayBuffer(data)) return ArrayBuffer.isView(data) ? null : undefined;
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** `target`, or a new `EventTarget` when none was given. */
export function eventTarget(target) {
  return target ?? new EventTarget();
}

/** `promise.then` with one callback for both outcomes: `done(value, true)` or `done(reason, false)`. */
export function settled(promise, done) {
  return promise.then((value) => done(value, true), (reason) => done(reason, false));
}

// What every send the open socket took resolves with: one promise, shared
// (its value frozen), marked so that the socket class attaches no failure
// handler to it (it cannot reject): the hot path allocates nothing here.
const SENT_NOW = Promise.resolve(Object.freeze({ queued: false }));
SENT_NOW[Symbol.for('sw-websocket.cannot-fail')] = true;

export function sentNow() {
  return SENT_NOW;
}
