// Types of sw-websocket's service-worker entry point (worker.js).
import type {
  SwWebSocketError,
  SwWebSocketEventMap,
  SwWebSocketOptions,
  SwWebSocketReply,
  SwWebSocketSettings,
  SwWebSocketSurface,
} from './sw_websocket.js';

export type * from './sw_websocket.js';
/** The module's own binding (also `sw-websocket/engine`): for Rust users and tests. */
export { default as initEngine, initSync as initEngineSync, SwWebSocketEngine, setStorageAreas } from './sw_websocket.js';

/** Settings of `new SwWebSocket(settings)`. Unknown keys throw an `SwWebSocketError` of kind "invalid_option". */
export interface SwWebSocketClassSettings extends SwWebSocketSettings {
  /**
   * Keep connected to this URL whenever the worker runs: once the stored
   * state is restored, `connect(url, options)` unless it already has this URL.
   * Leave it out to call `connect()` and `close()` yourself.
   */
  url?: string;
  /** Options of that `connect()`. */
  options?: SwWebSocketOptions;
  /**
   * Where the WebAssembly module is, for bundlers that do not copy
   * `sw_websocket_bg.wasm` beside `worker.js` as `new URL(..., import.meta.url)`
   * asks: its URL, a `Response`, its bytes or a compiled `WebAssembly.Module`
   * (or a promise of one). Loaded once per worker, by the first socket that
   * gets that far; a load that fails is an `SwWebSocketError` of kind "init"
   * naming what it tried.
   */
  wasm?:
    | string
    | URL
    | Response
    | BufferSource
    | WebAssembly.Module
    | Promise<string | URL | Response | BufferSource | WebAssembly.Module>;
}

/** Settings of `start()`. */
export interface StartSettings extends SwWebSocketClassSettings {
  /**
   * Answer the message protocol (`{swWebSocket: ...}` requests, see
   * `handleCommand`; an app's own messages without that key are left alone)
   * from this extension's own pages. Default `false`.
   */
  commands?: boolean;
  /** Serve `sw-websocket/page` to this extension's own pages. Default `true`. */
  pages?: boolean;
  /** Serve `sw-websocket/page` to this extension's content scripts too. Default `false`. */
  contentScripts?: boolean;
}

type Listener<K extends keyof SwWebSocketEventMap, T> = (this: T, event: SwWebSocketEventMap[K]) => unknown;

/**
 * A WebSocket that keeps an extension service worker alive while connected,
 * survives the worker's stops and loses nothing it was handed; an `EventTarget`
 * with the browser `WebSocket`'s events, handler properties and `readyState`.
 *
 * Every method returns a promise that waits for the module, rejects with an
 * `SwWebSocketError`, and is already handled: ignoring it never makes an
 * unhandled rejection, and a failure (but the `storage` errors the socket
 * reports by itself, and `init`, reported once) is also an `error` event.
 */
export class SwWebSocket extends EventTarget {
  constructor(settings?: SwWebSocketClassSettings);
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSING: 2;
  static readonly CLOSED: 3;
  /**
   * Resolves with this socket once the module is loaded and the stored state
   * restored; rejects with an `SwWebSocketError` (kind "init" if the module
   * could not be loaded).
   */
  readonly ready: Promise<this>;
  onopen: Listener<'open', SwWebSocket> | null;
  onmessage: Listener<'message', SwWebSocket> | null;
  onclose: Listener<'close', SwWebSocket> | null;
  onerror: Listener<'error', SwWebSocket> | null;
  onstate: Listener<'state', SwWebSocket> | null;
  onack: Listener<'ack', SwWebSocket> | null;
  ongaveup: Listener<'gaveup', SwWebSocket> | null;
  ongap: Listener<'gap', SwWebSocket> | null;
  addEventListener<K extends keyof SwWebSocketEventMap>(
    type: K,
    listener: Listener<K, SwWebSocket>,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SwWebSocketEventMap>(
    type: K,
    listener: Listener<K, SwWebSocket>,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
  /** Hands a `chrome.alarms` alarm to the socket (`start()` does it); `true` if it was its own. */
  handleAlarm(alarm: { name: string }): Promise<boolean>;
  /** Answers one request of the message protocol; never rejects. */
  handleCommand(request: unknown): Promise<SwWebSocketReply>;
}

/** The constants, properties and calls it shares with a page's `PageSocket`. */
export interface SwWebSocket extends SwWebSocketSurface {}

/** What `start()` returns (the name of earlier versions). */
export type StartedSocket = SwWebSocket;

/**
 * Starts one socket in this service worker and returns it: call it at the top
 * level, once per storage key. Registers `chrome.alarms.onAlarm`,
 * `chrome.runtime.onStartup`, `onInstalled`, `onConnect` (for pages) and
 * (with `commands`) `onMessage` listeners, loads the wasm module and resumes
 * the stored connection. Throws an `SwWebSocketError` of kind
 * "invalid_option" for bad settings or a storage key started twice.
 */
export function start(settings?: StartSettings): SwWebSocket;

/**
 * Whether `value` is an error this package threw or rejected with: an
 * `Error` named "SwWebSocketError" with a `kind`. Narrows `catch (e)`.
 */
export function isSwWebSocketError(value: unknown): value is SwWebSocketError;
