// Types of sw-websocket/page (page.js): the worker's socket seen from a page.
import type { SwWebSocketEventMap, SwWebSocketStatus, SwWebSocketSurface } from './sw_websocket.js';

export type * from './sw_websocket.js';

/** A page's events: the socket's, history messages marked, and the worker's comings and goings. */
export interface PageSocketEventMap extends Omit<SwWebSocketEventMap, 'message'> {
  /**
   * A message: live, or (`history: true`, before any live one) one the worker
   * received before this page connected, with its `at`; every message has
   * its `seq` (they count the messages of the storage key); a history
   * text is its first 1000 UTF-16 units (`length` of the whole), a history
   * binary message has `data: null` and its `bytes`.
   */
  message: MessageEvent<any> & {
    readonly binary: boolean;
    /** `reliableInbound`: the server's id and `dup` (the worker handles it; a page only sees it). */
    readonly id?: number;
    readonly dup?: boolean;
    readonly history?: true;
    readonly seq: number;
    readonly at?: number;
    readonly length?: number;
    readonly bytes?: number;
  };
  /** The port to the worker opened (`running: true`, after the history) or closed (the worker stopped). */
  worker: Event & { readonly running: boolean };
}

type Listener<K extends keyof PageSocketEventMap> = (this: PageSocket, event: PageSocketEventMap[K]) => unknown;

/**
 * The socket of this extension's service worker (`start()` there), from a
 * page: the same events, properties and methods, over a `chrome.runtime`
 * port. Nothing is polled: an open page with no traffic lets the worker stop.
 * A call connects the port again (waking the worker); so does the worker
 * starting again. A call whose port closes before the answer rejects with
 * kind "disconnected".
 */
export class PageSocket extends EventTarget {
  constructor(settings?: { storageKey?: string });
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSING: 2;
  static readonly CLOSED: 3;
  /** The status as of the worker's last word, `null` before its first. */
  readonly lastStatus: SwWebSocketStatus | null;
  /** Whether the port to the worker is open. */
  readonly workerRunning: boolean;
  onopen: Listener<'open'> | null;
  onmessage: Listener<'message'> | null;
  onclose: Listener<'close'> | null;
  onerror: Listener<'error'> | null;
  onstate: Listener<'state'> | null;
  onack: Listener<'ack'> | null;
  ongaveup: Listener<'gaveup'> | null;
  ongap: Listener<'gap'> | null;
  onworker: Listener<'worker'> | null;
  addEventListener<K extends keyof PageSocketEventMap>(type: K, listener: Listener<K>, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof PageSocketEventMap>(type: K, listener: Listener<K>, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
  /** Closes the port; the worker's socket stays as it is. A later call opens it again. */
  disconnect(): void;
}

/** The constants, properties and calls it shares with the worker's `SwWebSocket`. */
export interface PageSocket extends SwWebSocketSurface {}
