// The bench worker's inbound case: `count` 1 KiB messages pushed by the
// server to a socket with reliableInbound (each handled with waitUntil on a
// resolved promise, stored, acked) and, in the same round, to a plain one
// (a message listener and nothing else); the time until the last one.
import { SwWebSocket } from './pkg/worker.js';

const sockets = {};

/** The socket of `mode` ("reliable" or "plain"), open. */
async function socketFor(mode, url) {
  if (!sockets[mode]) {
    const options = mode === 'reliable' ? { reliableInbound: true } : {};
    const sw = new SwWebSocket({ storageKey: `bench-in-${mode}`, url: `${url}?tag=in-${mode}`, options });
    await sw.ready;
    if (sw.readyState !== SwWebSocket.OPEN) await new Promise((resolve) => sw.addEventListener('open', resolve, { once: true }));
    sockets[mode] = sw;
  }
  return sockets[mode];
}

/** Milliseconds from the push to the last of `count` messages handled on the socket of `mode`. */
async function pushed(mode, url, control, count) {
  const sw = await socketFor(mode, url);
  let got = 0;
  let done;
  const all = new Promise((resolve) => { done = resolve; });
  const listener = (event) => {
    if (mode === 'reliable') {
      if (event.id === undefined) return;
      event.waitUntil(Promise.resolve());
    }
    got += 1;
    if (got === count) done();
  };
  sw.addEventListener('message', listener);
  const text = 'i'.repeat(1020);
  const reliable = mode === 'reliable' ? '&reliable=1' : '';
  const start = performance.now();
  await fetch(`${control}/control/push?tag=in-${mode}&text=${text}&count=${count}${reliable}`, { method: 'POST' });
  await all;
  const ms = performance.now() - start;
  sw.removeEventListener('message', listener);
  return ms;
}

export const inboundCommands = {
  /** One round: both modes, `first` going first. */
  async inbound(_sw, { url, control, count, first }) {
    const order = first === 'plain' ? ['plain', 'reliable'] : ['reliable', 'plain'];
    const ms = {};
    for (const mode of order) ms[mode] = await pushed(mode, url, control, count);
    return { ms };
  },
};
