// A WebSocket peer for the Worker protocol tests: a queue of received
// messages and bounded waits on it.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSocket } from './room.mjs';

/** A WebSocket with a queue of received messages; every wait is bounded. */
export class Peer {
  /** The ws:// base URL of the workerd under test (set once it runs). */
  static base = null;

  constructor(ws, name) {
    this.ws = ws;
    this.name = name;
    this.messages = [];
    this.waiting = null;
    this.closeEvent = null;
    ws.addEventListener('message', (e) => {
      this.messages.push(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
      this.waiting?.();
    });
    ws.addEventListener('close', (e) => {
      this.closeEvent = { code: e.code, reason: e.reason };
      this.waiting?.();
    });
  }

  /** Opens `/ws/<room>[?client=<client>]` on the workerd under test. */
  static async open(room, { client, name = room, ms = 5_000 } = {}) {
    const query = client === undefined ? '' : `?client=${client}`;
    const ws = await openSocket(`${Peer.base}/ws/${room}${query}`, { name, ms });
    return new Peer(ws, name);
  }

  send(data) {
    this.ws.send(data);
  }

  sendJson(value) {
    this.ws.send(JSON.stringify(value));
  }

  /** Waits until `check()` is truthy, at most `ms`. */
  async until(what, check, ms) {
    const end = Date.now() + ms;
    for (;;) {
      const found = check();
      if (found) return found;
      const left = end - Date.now();
      if (left <= 0) {
        throw new Error(
          `${this.name}: timed out after ${ms} ms waiting for ${what} ` +
            `(unread: ${JSON.stringify(this.messages.map(show))}, close: ${JSON.stringify(this.closeEvent)})`,
        );
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = null;
    }
  }

  /** The next message, at most `ms` away. */
  async next(what, ms = 3_000) {
    await this.until(what, () => this.messages.length > 0, ms);
    return this.messages.shift();
  }

  /** Fails if a message arrives within `ms`. */
  async quiet(what, ms = 400) {
    await sleep(ms);
    assert.deepEqual(this.messages.map(show), [], `${this.name}: ${what}`);
  }

  /** Waits for the close event, at most `ms`. */
  async closed(ms = 3_000) {
    return this.until('the close event', () => this.closeEvent, ms);
  }

  async close() {
    if (this.closeEvent) return;
    this.ws.close(1000);
    await this.closed();
  }
}

export const show = (m) => (typeof m === 'string' ? m : `<binary ${[...m].join(',')}>`);
