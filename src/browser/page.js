// sw-websocket/page: the socket of the extension's service worker, seen from
// one of its pages (popup, side panel, options; content scripts only when the
// worker's start() allows them). No wasm here: a chrome.runtime port to the
// worker, the same EventTarget surface, the recent history first.
import { EVENT_TYPES, readyStateOf, withEventSurface } from './events.js';
import { PORT_PREFIX, fromWire, toWire } from './wire.js';

const EVENT_CLASSES = { message: MessageEvent, close: CloseEvent, error: ErrorEvent };

/** An `SwWebSocketError` from the `{kind, message}` the worker sent. */
function rebuilt({ kind, message }) {
  return Object.assign(new Error(message), { name: 'SwWebSocketError', kind });
}

function eventOf(type, fields) {
  const event = new (EVENT_CLASSES[type] ?? Event)(type, fields);
  for (const key in fields) if (!(key in event)) event[key] = fields[key];
  return event;
}

/**
 * The worker's socket of `storageKey`, for a page. Connects at once; when
 * the worker stops, the port closes (a `worker` event with `running: false`)
 * and nothing keeps the worker awake; the next call, or the worker starting
 * again, connects it again.
 */
export class PageSocket extends EventTarget {
  #name;
  #port = null;
  #calls = new Map();
  #next = 1;
  #mirror = null;
  /** The `seq` of the last history message dispatched: none twice. */
  #seen = 0;
  #connected;
  /** Rejects the current `#connected`, if still waiting. */
  #lose = () => {};

  constructor({ storageKey = 'sw-websocket' } = {}) {
    super();
    this.#name = PORT_PREFIX + storageKey;
    this.#connect();
    chrome.runtime.onMessage.addListener((message) => {
      if (message?.swWebSocketStarted === storageKey && !this.#port) this.#connect();
    });
  }

  /** Connects the port; resolves once the worker said hello (rejects if it could not start). */
  #connect() {
    const port = chrome.runtime.connect({ name: this.#name });
    this.#port = port;
    this.#connected = new Promise((resolve, reject) => {
      port.onMessage.addListener((message) => {
        if (message.hello) {
          this.#hello(message.hello);
          resolve();
        } else if (message.failed) {
          reject(rebuilt(message.failed));
        } else if (message.event) {
          this.#mirror = message;
          if (message.event === 'message') this.#seen = message.seq;
          this.dispatchEvent(eventOf(message.event, this.#fields(message.event, message.fields)));
        } else if (this.#calls.has(message.reply)) {
          const [done, fail] = this.#calls.get(message.reply);
          this.#calls.delete(message.reply);
          if (message.error) fail(rebuilt(message.error));
          else done(message.value);
        }
      });
      port.onDisconnect.addListener(() => this.#lost(port, reject));
      this.#lose = (gone) => reject(gone);
    });
    this.#connected.catch(() => {});
  }

  /** The port is gone: every call waiting on it fails, and pages hear that the worker stopped. */
  #lost(port, reject) {
    if (this.#port !== port) return;
    this.#port = null;
    const gone = rebuilt({ kind: 'disconnected', message: 'sw-websocket: the port to the worker closed before it answered; the call may or may not have been carried out' });
    reject(gone);
    for (const [, fail] of this.#calls.values()) fail(gone);
    this.#calls.clear();
    this.dispatchEvent(eventOf('worker', { running: false }));
  }

  #fields(type, fields) {
    if (type === 'message') return { ...fields, data: fromWire(fields.data), seq: this.#seen };
    if (type === 'error') return { error: rebuilt(fields.error), message: fields.error.message };
    return fields;
  }

  #hello(hello) {
    this.#mirror = hello;
    this.dispatchEvent(eventOf('worker', { running: true }));
    for (const entry of hello.history) {
      if (entry.seq <= this.#seen) continue;
      this.#seen = entry.seq;
      const data = entry.type === 'text' ? entry.data : null;
      const { at, seq, length, bytes } = entry;
      this.dispatchEvent(eventOf('message', { data, binary: entry.type === 'binary', history: true, at, seq, length, bytes }));
    }
  }

  /** Calls `method` on the worker's socket; connects first if the port is closed. */
  #call(method, args) {
    if (!this.#port) this.#connect();
    const port = this.#port;
    const promise = this.#connected.then(() => new Promise((resolve, reject) => {
      const call = this.#next++;
      this.#calls.set(call, [resolve, reject]);
      port.postMessage({ call, method, args });
    }));
    promise.catch((error) => this.dispatchEvent(eventOf('error', { error, message: error.message })));
    return promise;
  }

  /** The status as of the worker's last word, or `null` before its hello. */
  get lastStatus() {
    return this.#mirror?.status ?? null;
  }

  /** Whether the port to the worker is open (the worker is running). */
  get workerRunning() {
    return this.#port !== null;
  }

  get readyState() {
    const state = this.lastStatus?.state;
    return state ? readyStateOf(state) : 3;
  }

  get url() { return this.lastStatus?.url ?? ''; }
  get protocol() { return this.#mirror?.protocol ?? ''; }
  get extensions() { return this.#mirror?.extensions ?? ''; }
  get bufferedAmount() { return this.#mirror?.bufferedAmount ?? 0; }

  connect(url, options) { return this.#call('connect', [url, options]); }
  send(data, options) { return this.#call('send', [toWire(data), options]); }
  sendJson(value, options) { return this.#call('sendJson', [value, options]); }
  close(code, reason) { return this.#call('close', [code, reason]); }
  status() { return this.#call('status', []); }
  outbox() { return this.#call('outbox', []); }
  clearOutbox() { return this.#call('clearOutbox', []); }
  received(limit) { return this.#call('received', [limit]); }

  /** Closes the port (the worker's socket stays as it is); a later call opens it again. */
  disconnect() {
    const port = this.#port;
    if (!port) return;
    port.disconnect(); // fires no onDisconnect on this side
    this.#lost(port, this.#lose);
  }
}

withEventSurface(PageSocket, [...EVENT_TYPES, 'worker']);
