// The last received messages, for `received()` and for the pages (which get
// them first when they connect). Kept in chrome.storage.session under
// `KEY:history`, one write at a time: the first message after a quiet spell
// at once, the next write 100 ms after it, and while messages keep coming
// each pause twice the last, up to a second. A worker stop loses at most the
// last 100 ms of a short burst and the last second of a long one; a browser
// restart clears it. Each write carries every message kept: a write per
// message would cost each message more than the socket itself does, and one
// every 100 ms still cost a long burst of 1 KiB texts a fifth of its rate.

/** How many messages are kept. */
export const HISTORY_LIMIT = 50;
/** The longest text given per message, in UTF-16 units (the head of a longer one). */
export const HISTORY_TEXT_CHARS = 1000;
/** Texts up to this long are kept as they are (no copy per message), longer ones as their head. */
const KEPT_WHOLE_CHARS = 4096;
/** The pause after the first write of a burst, and the longest one. */
const WRITE_FIRST_PAUSE_MS = 100;
const WRITE_LONGEST_PAUSE_MS = 1000;

/** An entry as given out (a copy): a text cut to its head. */
function given(entry) {
  return entry.type === 'text' && entry.data.length > HISTORY_TEXT_CHARS
    ? { ...entry, data: entry.data.slice(0, HISTORY_TEXT_CHARS) }
    : { ...entry };
}

export class History {
  #entries = [];
  #seq = 0;
  #key;
  #area;
  /** A write is under way, or waits for its turn; `#dirty`: another is needed after it. */
  #writing = false;
  #dirty = false;
  /** Settles once `load()` read what an earlier worker kept: no write comes before it. */
  #loaded;
  #loadDone;

  /** `stored`: keep it in chrome.storage.session (false: memory only). */
  constructor(storageKey, stored) {
    this.#key = `${storageKey}:history`;
    this.#area = stored ? globalThis.chrome?.storage?.session : undefined;
    this.#loaded = new Promise((done) => { this.#loadDone = done; });
  }

  /**
   * Reads what an earlier worker kept; messages added before it lands go
   * after it, and are written with it (a write before the read would have
   * replaced the earlier worker's messages with them).
   */
  async load() {
    if (!this.#area) return;
    try {
      const stored = (await this.#area.get(this.#key))[this.#key];
      if (Array.isArray(stored?.entries) && Number.isSafeInteger(stored.seq)) {
        const early = this.#entries.map((entry, i) => ({ ...entry, seq: stored.seq + i + 1 }));
        this.#entries = [...stored.entries, ...early].slice(-HISTORY_LIMIT);
        this.#seq = stored.seq + early.length;
      }
    } catch (error) {
      console.warn(`sw-websocket: the message history could not be read from chrome.storage.session (${error?.message ?? error}); it starts empty`);
    } finally {
      this.#loadDone();
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
      // An inbound message's data may be any JSON value: kept as its text.
      const text = typeof data === 'string' ? data : JSON.stringify(data) ?? String(data);
      const kept = text.length > KEPT_WHOLE_CHARS ? text.slice(0, HISTORY_TEXT_CHARS) : text;
      this.#entries.push({ seq, at, type: 'text', data: kept, length: text.length });
    }
    if (this.#entries.length > HISTORY_LIMIT) this.#entries.shift();
    if (!this.#area) return;
    // A write under way takes this one too (no new write per message).
    if (this.#writing) this.#dirty = true;
    else this.#write();
  }

  /** The `seq` of the last message added (0: none yet). */
  get seq() {
    return this.#seq;
  }

  /** The last `limit` messages, oldest first; only those after `after` (a `seq`) if given. */
  list(limit = HISTORY_LIMIT, after = 0) {
    const newer = this.#entries.filter((entry) => entry.seq > after);
    return newer.slice(Math.max(0, newer.length - Math.max(0, Math.floor(limit)))).map(given);
  }

  async #write() {
    this.#dirty = true;
    if (this.#writing) return;
    this.#writing = true;
    await this.#loaded;
    let pause = WRITE_FIRST_PAUSE_MS;
    while (this.#dirty) {
      this.#dirty = false;
      try {
        await this.#area.set({ [this.#key]: { seq: this.#seq, entries: this.#entries.map(given) } });
      } catch (error) {
        console.warn(`sw-websocket: the message history could not be written to chrome.storage.session (${error?.message ?? error})`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, WRITE_LONGEST_PAUSE_MS);
    }
    this.#writing = false;
  }
}
