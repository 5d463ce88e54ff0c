// sw-websocket's service-worker entry point. Call `start()` once, at the top
// level of your service worker: it registers the chrome listeners the socket
// needs in the worker's first turn (Chrome only delivers the event that woke a
// worker to listeners registered then), loads the wasm module and resumes the
// stored connection. Events that arrive before the module is ready wait for it.
import { SwWebSocket, checkSettings } from './socket.js';
import { swError } from './errors.js';
import { servePages } from './pages.js';

export { SwWebSocket };
export { isSwWebSocketError } from './errors.js';
// The module's own binding, which build.sh bundles in here: the package's
// `sw-websocket/engine` re-exports these, so both entries share one instance.
export { default as initEngine, initSync as initEngineSync, SwWebSocketEngine, setStorageAreas } from './sw_websocket.js';

const START_SETTINGS = ['commands', 'pages', 'contentScripts'];
const startedKeys = new Set();

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

/** Is `sender` one of this extension's own pages (not a content script, not another extension)? */
function fromOwnPage(sender) {
  return sender.id === chrome.runtime.id && Boolean(sender.url?.startsWith(`${self.location.origin}/`));
}

/**
 * Starts one socket in this service worker and returns it (an `SwWebSocket`).
 * Call it at the top level, once per storage key. Settings: those of `new
 * SwWebSocket` (`storageKey`, `storageArea`, `url`, `options`, `wasm`), and
 * `commands` (answer the message protocol from this extension's own pages),
 * `pages` (serve `sw-websocket/page`, default true) and `contentScripts`
 * (serve it to this extension's content scripts too, default false).
 */
export function start(settings = {}) {
  checkSettings(settings, START_SETTINGS, 'start()');
  for (const key of START_SETTINGS) {
    if (settings[key] !== undefined && typeof settings[key] !== 'boolean') {
      throw swError(`start(): ${key} must be true or false`);
    }
  }
  const { commands = false, pages = true, contentScripts = false, ...socketSettings } = settings;
  const key = settings.storageKey ?? 'sw-websocket';
  if (startedKeys.has(key)) throw swError(`start(): storageKey "${key}" was already started in this worker`);
  checkManifest();
  const socket = new SwWebSocket({ ...socketSettings, storageKey: key });
  startedKeys.add(key);

  // The socket's alarms wake a stopped worker; `ready` resumes and reconnects.
  chrome.alarms?.onAlarm.addListener((alarm) => socket.handleAlarm(alarm));
  // Browser start and install/update wake the worker, and with it the socket.
  chrome.runtime.onStartup.addListener(() => socket.ready.catch(() => {}));
  chrome.runtime.onInstalled.addListener(() => socket.ready.catch(() => {}));
  if (commands) {
    chrome.runtime.onMessage.addListener((request, sender, sendResponse) => {
      if (typeof request?.swWebSocket !== 'string' || !fromOwnPage(sender)) return false;
      socket.handleCommand(request).then(sendResponse);
      return true; // the reply is sent asynchronously
    });
  }
  if (pages) servePages(socket, key, (sender) => fromOwnPage(sender) || (contentScripts && sender.id === chrome.runtime.id));
  return socket;
}
