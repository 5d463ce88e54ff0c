// The message history (src/browser/history.js) in Node, with a stand-in
// chrome.storage.session whose read the test holds: a message that arrives
// before the earlier worker's history was read must not be written over it
// (a full end-to-end run lost the earlier greetings that way, see
// early.test.mjs), and is written with it once the read lands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from './harness.mjs';

const stored = {
  seq: 2,
  entries: [
    { seq: 1, at: 1, type: 'text', data: 'a', length: 1 },
    { seq: 2, at: 2, type: 'text', data: 'b', length: 1 },
  ],
};

test('a message added before the history is read waits, then is written after the earlier ones', async () => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const writes = [];
  globalThis.chrome = {
    storage: {
      session: {
        async get(key) {
          await held;
          return { [key]: structuredClone(stored) };
        },
        async set(items) {
          writes.push(structuredClone(items));
        },
      },
    },
  };
  const { History } = await import('../../src/browser/history.js');
  const history = new History('h', true);
  const loading = history.load();
  history.add('c');
  await sleep(50);
  assert.deepEqual(writes, [], 'nothing is written before the earlier history is read');
  release();
  await loading;
  await sleep(50);
  assert.equal(writes.length, 1);
  const written = writes[0]['h:history'];
  assert.deepEqual(written.entries.map((e) => e.data), ['a', 'b', 'c']);
  assert.deepEqual([written.seq, written.entries.at(-1).seq], [3, 3]);
  assert.deepEqual(history.list().map((e) => e.data), ['a', 'b', 'c']);
});
