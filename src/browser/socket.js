// SwWebSocket, the class JS code uses: an EventTarget around the wasm
// engine. It loads the module, restores the stored state, keeps the message
// history, and turns every call into a promise that waits for the module.
import init, { SwWebSocketEngine } from './sw_websocket.js';
import { readyStateOf, withEventSurface } from './events.js';
import { swError, typed } from './errors.js';
import { History } from './history.js';

const SETTINGS = ['storageKey', 'storageArea', 'url', 'options', 'wasm'];

/** The method pages.js reads a socket's state with, at once (not for apps). */
export const SNAPSHOT = Symbol('sw-websocket snapshot');
/** The method pages.js watches every event with, before the listeners (not for apps). */
export const WATCH = Symbol('sw-websocket watch');
/** The method the module's glue hands events to (glue.js, by this registered name). */
const DELIVER = Symbol.for('sw-websocket.deliver');
/** Marks the glue's promise of a send the socket took at once: it cannot reject. */
const CANNOT_FAIL = Symbol.for('sw-websocket.cannot-fail');

let loading = null;

/**
 * Loads the module once per worker: from `wasm` (a URL, a `Response`, bytes,
 * a `WebAssembly.Module`, or a promise of one) or from beside this file. A
 * failure names what it tried and the fix; the next socket tries again.
 */
function load(wasm) {
  const source = wasm ?? new URL('./sw_websocket_bg.wasm', import.meta.url);
  const ready = () => performance.mark('sw-websocket:wasm-ready'); // for profiles and the bench
  loading ??= init({ module_or_path: source }).then(ready).catch((error) => {
    loading = null;
    const from = typeof source === 'string' || source instanceof URL ? `from ${source}` : 'from start({wasm})';
    throw swError(
      `the WebAssembly module could not be loaded ${from} (${error?.message ?? error}). If a bundler ` +
        'moved or renamed sw_websocket_bg.wasm, pass it as start({wasm}): its URL, a Response, its bytes ' +
        "or a WebAssembly.Module (the README's bundler recipes show how)",
      'init',
    );
  });
  return loading;
}

/** Throws an `invalid_option` error for settings `new SwWebSocket` cannot take (`extra`: more keys allowed). */
export function checkSettings(settings, extra = [], who = 'new SwWebSocket()') {
  const fail = (message) => { throw swError(`${who}: ${message}`); };
  if (settings === null || typeof settings !== 'object') fail('settings must be an object');
  const known = [...SETTINGS, ...extra];
  for (const key of Object.keys(settings)) {
    if (!known.includes(key)) fail(`unknown setting "${key}"; use ${known.join(', ')}`);
  }
  if (settings.url !== undefined && typeof settings.url !== 'string') fail('url must be a string');
}

/** Sockets opened before the module was ready, by area and key (glue.js's `openSocket` takes them). */
const EARLY_SOCKETS = Symbol.for('sw-websocket.early-sockets');
const SOCKET_EVENTS = ['open', 'message', 'close', 'error'];
/** How long the module's load waits for the stored state's read at most (it takes 2-3 ms). */
const FIRST_READ_MS = 10;
const delay = (ms) => new Promise((go) => setTimeout(go, ms));

/**
 * Starts reading the stored state of `storageKey` at once, before the module
 * loads (it used to wait for it): the engine's first load of those keys
 * takes this read (glue.js). Only with the browser's storage. Once read,
 * opens the socket the restore will open (see openEarly), then reads the
 * secret. Returns the state's read, or nothing.
 */
function readEarly(storageArea = 'local', storageKey) {
  const areas = globalThis.chrome?.storage;
  if (storageArea === 'none' || !areas?.[storageArea] || !areas.session) return undefined;
  const get = (area, key) => area.get(key).then((items) => items?.[key]);
  const stored = get(areas[storageArea], storageKey);
  const read = stored.then((value) => get(areas.session, `${storageKey}:secret`).then((secret) => [value, secret]));
  const name = `${storageArea}:${storageKey}`;
  // The engine sees a failure when it takes the read.
  stored.then((value) => openEarly(name, value), () => {});
  read.catch(() => {});
  const reads = (globalThis[Symbol.for('sw-websocket.early-reads')] ??= new Map());
  reads.set(name, { read, at: Date.now() });
  return stored;
}

/**
 * Opens, while the module still loads, the socket a worker started with
 * `stored` opens at once: the core wrote when that is (`openAt`: from that
 * time on; absent or null: it does not) and the socket goes to the stored
 * `url` with the options' `protocols`. The engine takes it when the restore
 * opens a socket to the same URL and protocols, with the events it had
 * meanwhile (glue.js's `openSocket` and `listen`); else it is closed once
 * the engine resumed (dropEarly). The handshake runs while the module loads.
 */
function openEarly(name, stored) {
  const at = stored?.openAt;
  if (typeof at !== 'number' || at > Date.now() || typeof stored.url !== 'string') return;
  // A second socket made with the same key: the first one's early socket
  // serves (a second would be taken by no engine and never closed).
  if (globalThis[EARLY_SOCKETS]?.has(name)) return;
  const given = stored.options?.protocols;
  const protocols = given === undefined || given === null ? [] : [].concat(given);
  let ws;
  try {
    ws = new WebSocket(stored.url, protocols);
  } catch {
    return; // the restore opens it again, and reports why it cannot
  }
  ws.binaryType = 'arraybuffer';
  const events = [];
  const keep = (event) => events.push(event);
  SOCKET_EVENTS.forEach((type) => ws.addEventListener(type, keep));
  (globalThis[EARLY_SOCKETS] ??= new Map()).set(name, { ws, url: stored.url, protocols, events, keep });
}

/** Closes the early socket of `name` if the engine did not take it. */
function dropEarly(name) {
  const early = globalThis[EARLY_SOCKETS]?.get(name);
  if (!early) return;
  globalThis[EARLY_SOCKETS].delete(name);
  SOCKET_EVENTS.forEach((type) => early.ws.removeEventListener(type, early.keep));
  early.ws.close(1000, 'sw-websocket: not needed');
}

/** Errors an `error` event reported already: the engine's storage errors; `init` once, by `ready`. */
const REPORTED = ['storage', 'init'];

/**
 * A WebSocket that keeps an extension service worker alive while connected,
 * survives the worker's stops, and loses nothing it was handed. An
 * `EventTarget`; every method returns a promise (see the README).
 */
export class SwWebSocket extends EventTarget {
  #engine = null;
  /** The stored state is restored: calls go straight to the engine (when none wait). */
  #resumed = false;
  #url;
  #history;
  /** Functions that see every event first (`WATCH`). */
  #watchers = [];
  /** Calls waiting for the module: later calls queue behind them, in order. */
  #waiting = 0;

  constructor(settings = {}) {
    super();
    checkSettings(settings);
    const { storageKey = 'sw-websocket', storageArea, url, options, wasm } = settings;
    this.#url = url;
    this.#history = new History(storageKey, storageArea !== 'none');
    // The module's load takes `wasm` only after the state's read: a promise
    // of it that fails before then is handled here, so that the browser does
    // not report it as unhandled besides the `init` error that load() gives.
    if (wasm instanceof Promise) wasm.catch(() => {});
    // The state is read first, alone: the module's fetch and compile, and
    // the other reads, delayed its answer by 2-5 ms when they ran beside it,
    // and with it the socket opened early. They start once it is in, or
    // after FIRST_READ_MS if it is slow (a large outbox).
    const read = readEarly(storageArea, storageKey);
    const first = read ? Promise.race([read.catch(() => {}), delay(FIRST_READ_MS)]) : Promise.resolve();
    const afterFirst = (next) => first.then(next);
    const history = afterFirst(() => this.#history.load());
    const early = `${storageArea ?? 'local'}:${storageKey}`;
    /** Resolves with this socket once the module is loaded and the stored state restored. */
    this.ready = afterFirst(() => load(wasm))
      .then(async () => {
        const engine = new SwWebSocketEngine({ storageKey, storageArea }, this);
        this.#engine = engine;
        // Connected to `url` with `options` (the engine's rule, applied as
        // the stored state is restored: no socket opens with old settings).
        if (url !== undefined) engine.keepConnected(url, options);
        await Promise.all([engine.resume(), history]);
        dropEarly(early);
        this.#resumed = true;
        return this;
      })
      .catch((error) => {
        dropEarly(early);
        throw typed(error);
      });
    this.ready.catch((error) => {
      console.error('sw-websocket could not start:', error);
      this.#dispatchError(error);
    });
  }

  /** An event of the module: the history and the watchers see it first, then the listeners. */
  [DELIVER](event) {
    if (event.type === 'message') this.#history.add(event.data);
    for (const watcher of this.#watchers) watcher(event);
    this.dispatchEvent(event);
  }

  /** Calls `watcher(event)` for every event of the module, before the listeners. */
  [WATCH](watcher) {
    this.#watchers.push(watcher);
  }

  /** `method(a, b)` of the engine (`received` of the history). */
  #run(method, a, b) {
    return method === 'received' ? this.#history.list(a) : this.#engine[method](a, b);
  }

  /**
   * Calls `method(a, b)` now, or once ready behind the calls already
   * waiting; a throw is a rejection. (No closure per call: `send` is the
   * hot path.)
   */
  #call(method, a, b) {
    let promise;
    if (this.#resumed && this.#waiting === 0) {
      try {
        promise = Promise.resolve(this.#run(method, a, b));
      } catch (error) {
        promise = Promise.reject(error);
      }
    } else {
      this.#waiting += 1;
      promise = this.ready.then(() => this.#run(method, a, b)).finally(() => { this.#waiting -= 1; });
    }
    // Handled here: ignoring the promise never makes an unhandled rejection,
    // and a failure nobody awaits still shows as an `error` event.
    if (!promise[CANNOT_FAIL]) promise.catch(this.#failed);
    return promise;
  }

  /** A call's failure: an `error` event, unless the socket reports that kind by itself. */
  #failed = (error) => {
    if (!REPORTED.includes(error?.kind)) this.#dispatchError(error);
  };

  #dispatchError(error) {
    this.dispatchEvent(new ErrorEvent('error', { error, message: error?.message }));
  }

  /** The status now, or `null` before the module is ready. */
  #status() {
    return this.#engine?.status() ?? null;
  }

  get readyState() {
    const state = this.#status()?.state;
    if (state) return readyStateOf(state);
    return this.#url === undefined ? 3 : 0;
  }

  get url() {
    return this.#status()?.url ?? this.#url ?? '';
  }

  get protocol() {
    return this.#engine?.browserSocket()?.protocol ?? '';
  }

  get extensions() {
    return this.#engine?.browserSocket()?.extensions ?? '';
  }

  get bufferedAmount() {
    return this.#engine?.browserSocket()?.bufferedAmount ?? 0;
  }

  /**
   * What a page mirrors, now: `{status, protocol, extensions, bufferedAmount,
   * seq}` (`seq`: of the last received message), and the history if asked.
   */
  [SNAPSHOT](withHistory = false) {
    const { protocol, extensions, bufferedAmount } = this;
    const snapshot = { status: this.#status(), protocol, extensions, bufferedAmount, seq: this.#history.seq };
    if (withHistory) snapshot.history = this.#history.list();
    return snapshot;
  }

  connect(url, options) { return this.#call('connect', url, options); }
  send(data, options) { return this.#call('send', data, options); }
  sendJson(value, options) { return this.#call('sendJson', value, options); }
  close(code, reason) { return this.#call('close', code, reason); }
  status() { return this.#call('status'); }
  outbox() { return this.#call('outbox'); }
  clearOutbox() { return this.#call('clearOutbox'); }
  received(limit) { return this.#call('received', limit); }
  handleAlarm(alarm) { return this.#call('handleAlarm', alarm); }

  /** Answers one request of the message protocol; never rejects. */
  handleCommand(request) {
    const answer = request?.swWebSocket === 'received'
      ? this.received(request.limit ?? undefined).then((messages) => ({ ok: true, messages }))
      : this.#call('handleCommand', request);
    return answer.catch((error) => {
      const { kind, message } = typed(error);
      return { ok: false, error: { kind, message } };
    });
  }
}

withEventSurface(SwWebSocket);
