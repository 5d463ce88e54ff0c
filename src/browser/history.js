// The last received messages, for `received()` and for the pages (which get
// them first when they connect). Kept in chrome.storage.session under
// `KEY:history`, written as messages come (one write at a time: those that
// come during a write go in the next), so a worker stop loses at most the
// messages of the write under way; a browser restart clears it.

/** How many messages are kept. */
export const HISTORY_LIMIT = 50;
/** The longest text kept per message, in UTF-16 units (the head of a longer one). */
export const HISTORY_TEXT_CHARS = 1000;

export class History {
  #entries = [];
  #seq = 0;
  #key;
  #area;
  /** A write is under way; `#dirty`: another is needed after it. */
  #writing = false;
  #dirty = false;

  /** `stored`: keep it in chrome.storage.session (false: memory only). */
  constructor(storageKey, stored) {
    this.#key = `${storageKey}:history`;
    this.#area = stored ? globalThis.chrome?.storage?.session : undefined;
  }

  /** Reads what an earlier worker kept; messages come only after this resolves. */
  async load() {
    if (!this.#area) return;
    try {
      const stored = (await this.#area.get(this.#key))[this.#key];
      if (Array.isArray(stored?.entries) && Number.isSafeInteger(stored.seq)) {
        this.#entries = stored.entries.slice(-HISTORY_LIMIT);
        this.#seq = stored.seq;
      }
    } catch (error) {
      console.warn(`sw-websocket: the message history could not be read from chrome.storage.session (${error?.message ?? error}); it starts empty`);
    }
  }

  /**
   * Remembers a received message: `data` a string, an ArrayBuffer, or (an
   * inbound message's JSON `data`) any value, kept as its JSON text.
   */
  add(data) {
    const at = Date.now();
    const seq = ++this.#seq;
    if (data instanceof ArrayBuffer) {
      this.#entries.push({ seq, at, type: 'binary', bytes: data.byteLength });
    } else {
      const text = typeof data === 'string' ? data : JSON.stringify(data) ?? String(data);
      this.#entries.push({ seq, at, type: 'text', data: text.slice(0, HISTORY_TEXT_CHARS), length: text.length });
    }
    if (this.#entries.length > HISTORY_LIMIT) this.#entries.shift();
    if (this.#area) this.#write();
  }

  /** The `seq` of the last message added (0: none yet). */
  get seq() {
    return this.#seq;
  }

  /** The last `limit` messages, oldest first; only those after `after` (a `seq`) if given. */
  list(limit = HISTORY_LIMIT, after = 0) {
    const newer = this.#entries.filter((entry) => entry.seq > after);
    return newer.slice(Math.max(0, newer.length - Math.max(0, Math.floor(limit))));
  }

  async #write() {
    this.#dirty = true;
    if (this.#writing) return;
    this.#writing = true;
    while (this.#dirty) {
      this.#dirty = false;
      try {
        await this.#area.set({ [this.#key]: { seq: this.#seq, entries: this.#entries } });
      } catch (error) {
        console.warn(`sw-websocket: the message history could not be written to chrome.storage.session (${error?.message ?? error})`);
      }
    }
    this.#writing = false;
  }
}
