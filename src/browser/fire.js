// sw-websocket's JS glue for events: what the module dispatches on a
// socket's EventTarget (the browser's event classes, the hot path of a
// received message, and inbound messages with `waitUntil`). Imported by the
// wasm module, as glue.js is.

// Events: the socket's listeners get real DOM events. The classes the
// browser's WebSocket uses, and for the other types a plain `Event`; fields
// those classes do not have (`binary`, `state`, `id`...) are set on the event.
const EVENT_CLASSES = { message: globalThis.MessageEvent, close: globalThis.CloseEvent, error: globalThis.ErrorEvent };

// The socket class of worker.js takes its events through this method when
// it has it (its own bookkeeping first, with no listener of its own on the
// hot path), else they are dispatched as they are.
const DELIVER = Symbol.for('sw-websocket.deliver');

function dispatch(target, event) {
  if (target[DELIVER]) target[DELIVER](event);
  else target.dispatchEvent(event);
}

/** Dispatches an event of `type` with `fields` on `target`. */
export function fire(target, type, fields) {
  const event = new (EVENT_CLASSES[type] ?? Event)(type, fields);
  for (const key in fields) if (!(key in event)) event[key] = fields[key];
  dispatch(target, event);
}

/** The hot path: a received message as a `MessageEvent` with `binary`, in one call. */
export function fireMessage(target, data, binary) {
  const event = new MessageEvent('message', { data });
  event.binary = binary;
  dispatch(target, event);
}

/** What a thrown or rejected value says, for an error message. */
function describe(reason) {
  return String(reason?.message ?? reason);
}

// A listener that throws during an inbound message's dispatch is reported
// by the browser as the global `error` event, at once: one listener, added
// while this module is first evaluated (as Chrome wants; adding and removing
// one per message cost half the inbound rate), notes it for the dispatch
// under way.
let catching = null;
if (typeof globalThis.addEventListener === 'function') {
  globalThis.addEventListener('error', (e) => {
    if (catching && !('error' in catching)) catching.error = e.error ?? e.message;
  });
}

// The `message` event of an inbound message: `id`, `dup`, and
// `waitUntil(promise)`, callable while the event is dispatched (as in a
// service worker). One class, its method on the prototype: no closure and
// no new shape per message.
let endWaits;
class InboundEvent extends MessageEvent {
  #waits = [];

  constructor(data, id, dup) {
    super('message', { data });
    this.binary = false;
    this.id = id;
    this.dup = dup;
  }

  waitUntil(promise) {
    if (!this.#waits) throw new DOMException('waitUntil() must be called while the event is dispatched', 'InvalidStateError');
    this.#waits.push(Promise.resolve(promise));
  }

  static {
    // The promises given, once the dispatch is over (waitUntil then throws).
    endWaits = (event) => {
      const waits = event.#waits;
      event.#waits = null;
      return waits;
    };
  }
}

/**
 * Dispatches inbound message `id` (`data` its value) as a `message` event.
 * Calls `done(id)` once every listener returned and every promise given to
 * `waitUntil` settled, or `done(id, why)` if a listener threw (seen through
 * the global `error` event, above) or a promise rejected.
 */
export function fireInbound(target, id, dup, data, done) {
  const event = new InboundEvent(data === undefined ? null : data, id, dup);
  const caught = {};
  catching = caught;
  try {
    dispatch(target, event);
  } finally {
    catching = null;
  }
  const waits = endWaits(event);
  const thrown = caught.error;
  const report = (why) => {
    try {
      done(id, why);
    } catch {
      // The socket was freed meanwhile: nobody waits for it.
    }
  };
  const all = waits.length === 0 ? Promise.resolve() : waits.length === 1 ? waits[0] : Promise.all(waits);
  all.then(
    () => report(thrown === undefined ? undefined : describe(thrown)),
    (reason) => report(describe(reason)),
  );
}
