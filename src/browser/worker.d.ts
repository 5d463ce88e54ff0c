// Types of sw-websocket's service-worker entry point (worker.js).
import type {
  SwWebSocket,
  SwWebSocketData,
  SwWebSocketError,
  SwWebSocketOptions,
  SwWebSocketOutboxEntry,
  SwWebSocketReceived,
  SwWebSocketReply,
  SwWebSocketSendOptions,
  SwWebSocketSendResult,
  SwWebSocketSettings,
  SwWebSocketStatus,
} from './sw_websocket.js';

export type * from './sw_websocket.js';
export { SwWebSocket } from './sw_websocket.js';

/** Settings of `start()`. Unknown keys throw an `SwWebSocketError` of kind "invalid_option". */
export interface StartSettings extends SwWebSocketSettings {
  /**
   * Keep connected to this URL whenever the worker runs: after `resume()`,
   * `connect(url, options)` unless the stored connection already has this URL.
   * Leave it out to call `connect()` and `close()` yourself.
   */
  url?: string;
  /** Options of that `connect()`. */
  options?: SwWebSocketOptions;
  /**
   * Answer the message protocol (`{swWebSocket: ...}` requests, see `handleCommand`;
   * an app's own messages without that key are left alone)
   * from this extension's own pages; content scripts and other extensions get
   * no answer. Default `false`.
   */
  commands?: boolean;
  /**
   * Where the WebAssembly module is, for bundlers that do not copy
   * `sw_websocket_bg.wasm` beside `worker.js` as `new URL(..., import.meta.url)`
   * asks: its URL, a `Response`, its bytes or a compiled `WebAssembly.Module`
   * (or a promise of one). Loaded once per worker, by the first `start()`
   * that gets that far; a load that fails is an `SwWebSocketError` of kind
   * "init" naming what it tried.
   */
  wasm?:
    | string
    | URL
    | Response
    | BufferSource
    | WebAssembly.Module
    | Promise<string | URL | Response | BufferSource | WebAssembly.Module>;
}

/**
 * The socket of one `start()`: usable at once; every call waits until the module is ready.
 * Listeners added before `ready` are attached before `resume()`, so they miss no event.
 */
export interface StartedSocket extends Pick<SwWebSocket, 'addEventListener' | 'removeEventListener'> {
  /**
   * Resolves with the `SwWebSocket` once the module is loaded and `resume()` is done.
   * Rejects with an `SwWebSocketError`: kind "init" if the module could not be loaded,
   * else the error `new SwWebSocket`, `resume()` or `connect()` gave. The methods
   * below reject with it too; `handleCommand` answers `{ok: false, error}` instead.
   */
  readonly ready: Promise<SwWebSocket>;
  /** The `SwWebSocket` once ready, else `null`. */
  readonly socket: SwWebSocket | null;
  connect(url: string, options?: SwWebSocketOptions): Promise<void>;
  send(data: SwWebSocketData, options?: SwWebSocketSendOptions): Promise<SwWebSocketSendResult>;
  sendJson(value: unknown, options?: SwWebSocketSendOptions): Promise<SwWebSocketSendResult>;
  close(code?: number, reason?: string): Promise<void>;
  status(): Promise<SwWebSocketStatus>;
  outbox(): Promise<SwWebSocketOutboxEntry[]>;
  clearOutbox(): Promise<number>;
  received(limit?: number): Promise<SwWebSocketReceived[]>;
  /** Answers one request of the message protocol; never rejects. */
  handleCommand(request: unknown): Promise<SwWebSocketReply>;
}

/**
 * Starts one socket in this service worker: call it at the top level, once per
 * storage key. Registers `chrome.alarms.onAlarm`, `chrome.runtime.onStartup`,
 * `onInstalled` and (with `commands`) `onMessage` listeners, loads the wasm
 * module and resumes the stored connection. Throws an `SwWebSocketError` of
 * kind "invalid_option" for bad settings or a storage key started twice.
 */
export function start(settings?: StartSettings): StartedSocket;

/**
 * Whether `value` is an error this package threw or rejected with: an
 * `Error` named "SwWebSocketError" with a `kind`. Narrows `catch (e)`.
 */
export function isSwWebSocketError(value: unknown): value is SwWebSocketError;
