// What the worker's SwWebSocket and the pages' PageSocket share: the event
// types, the `on<type>` handler properties and the WebSocket readyState.

/** The event types, in the order the README lists them. */
export const EVENT_TYPES = ['open', 'message', 'close', 'error', 'state', 'ack', 'gaveup', 'gap'];

/** The `WebSocket` readyState constants. */
export const READY_STATES = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };

/**
 * The readyState of a socket state: `connecting`, `backoff` and `sleeping`
 * (a new socket is coming) are CONNECTING, `open` OPEN, `closing` CLOSING,
 * the rest (`idle`, `closed`, `gave_up`) CLOSED.
 */
export function readyStateOf(state) {
  if (state === 'open') return 1;
  if (state === 'closing') return 2;
  return state === 'connecting' || state === 'backoff' || state === 'sleeping' ? 0 : 3;
}

/**
 * Gives `Class` (an EventTarget) the WebSocket constants and an `on<type>`
 * property per event type of `types`. As in the DOM, a handler is one listener, added
 * when first set and replaced in place; anything but a function removes it.
 */
export function withEventSurface(Class, types = EVENT_TYPES) {
  Object.assign(Class, READY_STATES);
  const handlers = new WeakMap();
  for (const type of types) {
    Object.defineProperty(Class.prototype, `on${type}`, {
      configurable: true,
      enumerable: true,
      get() {
        return handlers.get(this)?.[type]?.fn ?? null;
      },
      set(fn) {
        let own = handlers.get(this);
        if (!own) handlers.set(this, (own = {}));
        const slot = own[type];
        if (typeof fn !== 'function') {
          if (slot) this.removeEventListener(type, slot.listener);
          delete own[type];
        } else if (slot) {
          slot.fn = fn;
        } else {
          const added = { fn, listener: (event) => added.fn.call(this, event) };
          own[type] = added;
          this.addEventListener(type, added.listener);
        }
      },
    });
  }
  for (const [name, value] of Object.entries(READY_STATES)) {
    Object.defineProperty(Class.prototype, name, { value, enumerable: true });
  }
  return Class;
}
