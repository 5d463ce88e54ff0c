// sw-websocket's service-worker entry point. Call `start()` once, at the top
// level of your service worker: it registers the chrome listeners the socket
// needs in the worker's first turn (Chrome only delivers the event that woke a
// worker to listeners registered then), loads the wasm module and resumes the
// stored connection. Events that arrive before the module is ready wait for it.
import init, { SwWebSocket } from './sw_websocket.js';

export { SwWebSocket };

const EVENT_TYPES = ['open', 'message', 'close', 'error', 'state', 'ack', 'gave_up'];
const SETTINGS = ['storageKey', 'storageArea', 'url', 'options', 'commands', 'wasm'];

let loading = null;
const startedKeys = new Set();

/**
 * Loads the module once per worker: from `wasm` (a URL, a `Response`, bytes,
 * a `WebAssembly.Module`, or a promise of one) or from beside this file. A
 * failure names what it tried and the fix; the next `start()` tries again.
 */
function load(wasm) {
  const source = wasm ?? new URL('./sw_websocket_bg.wasm', import.meta.url);
  loading ??= init({ module_or_path: source }).catch((error) => {
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

/** Whether `value` is an error this package threw or rejected with (narrows `catch (e)`). */
export function isSwWebSocketError(value) {
  return value instanceof Error && value.name === 'SwWebSocketError' && typeof value.kind === 'string';
}

/** An error of the module's shape (`name` "SwWebSocketError", a `kind`), for what fails before it is ready. */
function swError(message, kind = 'invalid_option') {
  return Object.assign(new Error(`sw-websocket: ${message}`), { name: 'SwWebSocketError', kind });
}

const settingsError = (message) => swError(`start(): ${message}`);

/** `error` if the module made it; anything else means the module could not load or run (kind `init`). */
function typed(error) {
  return error?.name === 'SwWebSocketError' ? error : swError(`the module could not load or run: ${error?.message ?? error}`, 'init');
}

function checkSettings(settings) {
  if (settings === null || typeof settings !== 'object') throw settingsError('settings must be an object');
  for (const key of Object.keys(settings)) {
    if (!SETTINGS.includes(key)) throw settingsError(`unknown setting "${key}"; use ${SETTINGS.join(', ')}`);
  }
  if (settings.url !== undefined && typeof settings.url !== 'string') throw settingsError('url must be a string');
  if (typeof settings.commands !== 'undefined' && typeof settings.commands !== 'boolean') {
    throw settingsError('commands must be true or false');
  }
}

// What the manifest must say, each warned about at most once per worker.
const NEEDS = [
  {
    lacks: (m) => !m.permissions?.includes('alarms'),
    why: 'the "alarms" permission is missing: a stopped worker is never woken to reconnect',
    line: '"permissions": ["storage", "alarms"]',
  },
  {
    lacks: (m) => !m.content_security_policy?.extension_pages?.includes("'wasm-unsafe-eval'"),
    why: "the CSP lacks 'wasm-unsafe-eval': the WebAssembly module cannot be compiled",
    line: `"content_security_policy": { "extension_pages": "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" }`,
  },
];
const warned = new Set();

/** Warns (once each) about what the manifest lacks, with the line to add. */
function checkManifest() {
  const manifest = chrome.runtime.getManifest?.();
  if (!manifest) return;
  for (const need of NEEDS) {
    if (warned.has(need) || !need.lacks(manifest)) continue;
    warned.add(need);
    console.warn(`sw-websocket: ${need.why}. Add to manifest.json: ${need.line}`);
  }
}

/** Is this message from one of this extension's own pages (not a content script, not another extension)? */
function fromOwnPage(sender) {
  return sender.id === chrome.runtime.id && Boolean(sender.url?.startsWith(`${self.location.origin}/`));
}

/** After resume(): connect to `url` unless already meant to be connected to it. */
function keepConnected(socket, url, options) {
  const status = socket.status();
  if (status.intent === 'open' && status.url === url) return;
  if (status.intent === 'open') socket.close(1000, 'url changed');
  socket.connect(url, options);
}

/** The socket of one `start()`: usable at once, its calls wait until the module is ready. */
class StartedSocket {
  #socket = null;
  #early = [];

  constructor(settings) {
    const { storageKey, storageArea, url, options, wasm } = settings;
    this.ready = load(wasm).then(async () => {
      const socket = new SwWebSocket({ storageKey, storageArea });
      for (const [type, listener] of this.#early) socket.addEventListener(type, listener);
      this.#early = [];
      this.#socket = socket;
      await socket.resume();
      if (url !== undefined) keepConnected(socket, url, options);
      return socket;
    }).catch((error) => { throw typed(error); });
    this.ready.catch((error) => console.error('sw-websocket could not start:', error));
  }

  /** The `SwWebSocket` once ready, else `null`. */
  get socket() {
    return this.#socket;
  }

  addEventListener(type, listener) {
    if (this.#socket) return this.#socket.addEventListener(type, listener);
    if (!EVENT_TYPES.includes(type)) throw swError(`unknown event type "${type}"; use ${EVENT_TYPES.join(', ')}`);
    if (typeof listener !== 'function') throw swError('a listener must be a function');
    if (!this.#early.some(([t, l]) => t === type && l === listener)) this.#early.push([type, listener]);
  }

  removeEventListener(type, listener) {
    if (this.#socket) return this.#socket.removeEventListener(type, listener);
    this.#early = this.#early.filter(([t, l]) => t !== type || l !== listener);
  }

  connect(url, options) { return this.ready.then((s) => s.connect(url, options)); }
  send(data, options) { return this.ready.then((s) => s.send(data, options)); }
  sendJson(value, options) { return this.ready.then((s) => s.sendJson(value, options)); }
  close(code, reason) { return this.ready.then((s) => s.close(code, reason)); }
  status() { return this.ready.then((s) => s.status()); }
  outbox() { return this.ready.then((s) => s.outbox()); }
  clearOutbox() { return this.ready.then((s) => s.clearOutbox()); }
  received(limit) { return this.ready.then((s) => s.received(limit)); }

  handleCommand(request) {
    return this.ready
      .then((s) => s.handleCommand(request))
      .catch((error) => {
        const { kind, message } = typed(error);
        return { ok: false, error: { kind, message } };
      });
  }
}

/**
 * Starts one socket in this service worker. Call it at the top level, once per
 * storage key. Settings: `storageKey`, `storageArea` (as `new SwWebSocket`),
 * `url` and `options` (keep connected to it whenever the worker runs), and
 * `commands` (answer the message protocol from this extension's own pages).
 */
export function start(settings = {}) {
  checkSettings(settings);
  const key = settings.storageKey ?? 'sw-websocket';
  if (startedKeys.has(key)) throw settingsError(`storageKey "${key}" was already started in this worker`);
  startedKeys.add(key);
  checkManifest();
  const started = new StartedSocket({ ...settings, storageKey: key });

  // The socket's alarms wake a stopped worker; resume() inside `ready` reconnects.
  chrome.alarms?.onAlarm.addListener((alarm) => {
    started.ready.then((s) => s.handleAlarm(alarm)).catch(() => {});
  });
  // Browser start and install/update wake the worker, and with it the socket.
  chrome.runtime.onStartup.addListener(() => started.ready.catch(() => {}));
  chrome.runtime.onInstalled.addListener(() => started.ready.catch(() => {}));
  if (settings.commands) {
    chrome.runtime.onMessage.addListener((request, sender, sendResponse) => {
      if (typeof request?.swWebSocket !== 'string' || !fromOwnPage(sender)) return false;
      started.handleCommand(request).then(sendResponse);
      return true; // the reply is sent asynchronously
    });
  }
  return started;
}
