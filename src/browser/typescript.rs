//! TypeScript declarations for the values the JS API takes and gives.
//!
//! wasm-bindgen types every `JsValue` as `any`; the methods in `api.rs` name
//! these interfaces instead (`unchecked_param_type`/`unchecked_return_type`),
//! and `worker.d.ts` and `page.d.ts` declare their classes with them.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Settings of `new SwWebSocket(settings)`: where the state is kept. */
export interface SwWebSocketSettings {
  /** The storage key (and alarm name prefix); default "sw-websocket". */
  storageKey?: string;
  /** The `chrome.storage` area; "none" keeps everything in memory. Default "local". */
  storageArea?: "local" | "session" | "none";
}

/** Options of `connect(url, options)`. Unknown keys are an `invalid_option` error. */
export interface SwWebSocketOptions {
  keepalive?: boolean;
  /** 1000 to 29000; default 20000. */
  keepaliveMs?: number;
  keepaliveMessage?: string;
  heartbeatReply?: string;
  heartbeatTimeoutMs?: number;
  connectTimeoutMs?: number;
  closeTimeoutMs?: number;
  maxMessageBytes?: number;
  protocols?: string | string[];
  reconnect?: boolean;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  minUptimeMs?: number;
  maxRetries?: number;
  fatalCloseCodes?: number[];
  watchdog?: boolean;
  watchdogMs?: number;
  maxOutboxMessages?: number;
  maxOutboxBytes?: number;
  reliable?: boolean;
  /** Reliable inbound delivery: `sw.resume` after each open, `message` events with `id`, `dup` and `waitUntil`, acked once handled and stored. */
  reliableInbound?: boolean;
  /** How long an inbound message's listeners may take (1 to 300000); default 60000. */
  handlerTimeoutMs?: number;
  /** Sleep when idle: no application data either way for this long (1000 to 86400000 ms) closes the socket with 1000 and state `sleeping`; the intent stays open. Off by default. */
  sleepAfterMs?: number;
  /** While asleep, an alarm wakes the worker this often to catch up (30000 to 86400000 ms, default 300000); a `send()` wakes it at once. Needs `sleepAfterMs`. */
  wakeEveryMs?: number;
  /** Kept only in `chrome.storage.session`, never in `local`, the status or logs. */
  authToken?: string;
  authQueryParam?: string;
}

/** Options of one `send()`. */
export interface SwWebSocketSendOptions {
  /** Keep it until the server acknowledges it; resend after a reconnect. */
  reliable?: boolean;
}

/** What a `send()` resolves to. */
export interface SwWebSocketSendResult {
  /** `true`: in the outbox (in storage), sent when a socket opens. */
  queued: boolean;
  /** The message id, for queued and reliable messages. */
  id?: number;
}

/** Anything `send()` takes. */
export type SwWebSocketData = string | ArrayBuffer | ArrayBufferView;

/** The connection states. */
export type SwWebSocketState =
  | "idle" | "connecting" | "open" | "closing" | "backoff" | "closed" | "gave_up" | "sleeping";

/**
 * The `kind` of every error the library gives. `init`: the module could
 * not be loaded or initialised (`SwWebSocket` of worker.js only).
 * `disconnected`: a page's call whose port closed before the worker
 * answered (`PageSocket` only).
 */
export type SwWebSocketErrorKind =
  | "invalid_url" | "insecure_url" | "invalid_option" | "invalid_close_code"
  | "close_reason_too_long" | "invalid_message" | "message_too_large"
  | "already_connected" | "not_open" | "outbox_full" | "storage"
  | "corrupt_snapshot" | "heartbeat_timeout" | "gave_up" | "socket"
  | "connect_timeout" | "invalid_command" | "reentrant" | "handler_failed"
  | "handler_timeout" | "init" | "disconnected";

declare global {
  interface SymbolConstructor {
    /**
     * `Symbol.dispose`, declared here as well so that the class's
     * `[Symbol.dispose]()` type-checks with `lib: ["ES2022", "DOM"]` (the
     * same declaration as TypeScript's `esnext.disposable`; they merge).
     */
    readonly dispose: unique symbol;
  }
}

/** Every thrown or rejected error: an `Error` named "SwWebSocketError". */
export interface SwWebSocketError extends Error {
  name: "SwWebSocketError";
  kind: SwWebSocketErrorKind;
}

/** An error as plain data (in the status and command replies). */
export interface SwWebSocketErrorInfo {
  kind: SwWebSocketErrorKind;
  message: string;
}

/** How a socket closed. */
export interface SwWebSocketCloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** `status()`: a plain object, kept across worker restarts. */
export interface SwWebSocketStatus {
  state: SwWebSocketState;
  /** What the caller asked for last. */
  intent: "open" | "closed";
  url: string | null;
  workerStarts: number;
  connects: number;
  reconnects: number;
  sent: number;
  received: number;
  keepalives: number;
  outbox: number;
  outboxBytes: number;
  /** Failed attempts since the last stable connection. */
  attempt: number;
  /** While in backoff: when the next attempt is due, ms since the epoch. */
  nextAttemptAt: number | null;
  lastError: SwWebSocketErrorInfo | null;
  lastClose: SwWebSocketCloseInfo | null;
  /** While open: when the socket opened, ms since the epoch. */
  openedAt: number | null;
  /** The highest inbound id handled (`reliableInbound`), 0 if none. */
  inboundHandled: number;
  /** While sleeping (`sleepAfterMs`): when the next wake is due, ms since the epoch. */
  wakeAt: number | null;
}

/** One waiting message of `outbox()`. */
export interface SwWebSocketOutboxEntry {
  id: number;
  type: "text" | "json" | "binary";
  bytes: number;
  reliable: boolean;
}

/**
 * One message of `received()` (and of a page's history); texts are cut at
 * 1000 UTF-16 units. `seq` counts the messages of this storage key.
 */
export type SwWebSocketReceived =
  | { seq: number; at: number; type: "text"; data: string; length: number }
  | { seq: number; at: number; type: "binary"; bytes: number };

/**
 * The events, by type: DOM events, as the browser's `WebSocket` gives
 * (`MessageEvent`, `CloseEvent`), with the fields of this package's own.
 */
export interface SwWebSocketEventMap {
  open: Event;
  /**
   * `binary`: `data` is an ArrayBuffer. With `reliableInbound`, a server's
   * `sw.msg` has its `id`, `dup` and `waitUntil(promise)`: the message counts
   * as handled once every listener returned and every promise given settled;
   * `data` is the frame's `data` (any JSON value).
   */
  message: MessageEvent<any> & {
    readonly binary: boolean;
    readonly id?: number;
    readonly dup?: boolean;
    waitUntil?(promise: unknown): void;
  };
  close: CloseEvent;
  /** `error` is the typed error; a failed call the caller did not await shows here too. */
  error: ErrorEvent & { readonly error: SwWebSocketError };
  state: Event & { readonly state: SwWebSocketState };
  /** The server acknowledged every reliable message up to `id`. */
  ack: Event & { readonly id: number };
  /** The retry limit ran out; the last close. */
  gaveup: Event & { readonly code: number | null; readonly reason: string | null };
  /** `reliableInbound`: the server no longer has the messages after `after` and before `next`. */
  gap: Event & { readonly after: number; readonly next: number };
}

/** Any event. */
export type SwWebSocketEvent = SwWebSocketEventMap[keyof SwWebSocketEventMap];

/**
 * What the worker's `SwWebSocket` and a page's `PageSocket` share: the
 * browser `WebSocket`'s constants and properties, and the calls, each a
 * promise (see the README's rule).
 */
export interface SwWebSocketSurface {
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
  /** CONNECTING while connecting or waiting to reconnect, OPEN, CLOSING, else CLOSED. */
  readonly readyState: 0 | 1 | 2 | 3;
  /** The URL connected to (or to be), "" if none. */
  readonly url: string;
  /** The subprotocol the server chose, "" if none or no socket. */
  readonly protocol: string;
  /** The extensions the server chose, "" if none or no socket. */
  readonly extensions: string;
  /** Bytes the browser's socket has not sent yet (0 without a socket); the outbox is in `status()`. */
  readonly bufferedAmount: number;
  /** Opens a connection to `url` (`wss://`, or `ws://` to loopback). */
  connect(url: string, options?: SwWebSocketOptions): Promise<void>;
  /** `{queued: false}` once the open socket has it, `{queued: true, id}` once it is in the outbox in storage. */
  send(data: SwWebSocketData, options?: SwWebSocketSendOptions): Promise<SwWebSocketSendResult>;
  /** Sends `JSON.stringify(value)` as text. */
  sendJson(value: unknown, options?: SwWebSocketSendOptions): Promise<SwWebSocketSendResult>;
  /** Closes with `code` (1000 or 3000-4999) and a `reason` of at most 123 UTF-8 bytes. */
  close(code?: number, reason?: string): Promise<void>;
  status(): Promise<SwWebSocketStatus>;
  outbox(): Promise<SwWebSocketOutboxEntry[]>;
  /** Drops every message in the outbox; resolves how many. */
  clearOutbox(): Promise<number>;
  /** The last received messages (at most 50 kept), oldest first. */
  received(limit?: number): Promise<SwWebSocketReceived[]>;
}

/** A request of the demo message protocol (`handleCommand`). */
export type SwWebSocketCommand =
  | { swWebSocket: "status" }
  | { swWebSocket: "connect"; url: string; options?: SwWebSocketOptions }
  | { swWebSocket: "send"; data: unknown; reliable?: boolean }
  | { swWebSocket: "close"; code?: number; reason?: string }
  | { swWebSocket: "received"; limit?: number }
  | { swWebSocket: "outbox" }
  | { swWebSocket: "clearOutbox" };

/** A reply of `handleCommand`: never a rejection. */
export type SwWebSocketReply =
  | {
      ok: true;
      status?: SwWebSocketStatus;
      queued?: boolean;
      id?: number;
      messages?: SwWebSocketReceived[];
      outbox?: SwWebSocketOutboxEntry[];
      cleared?: number;
    }
  | { ok: false; error: SwWebSocketErrorInfo };

"#;
