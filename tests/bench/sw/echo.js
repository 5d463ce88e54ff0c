// The bench worker's measuring tools: payloads, the echo runs that time
// each side in alternating batches, and the two kinds of endpoint (the
// browser's own WebSocket and sw-websocket) they drive.

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function payload(kind, size) {
  if (kind === 'text') return 'x'.repeat(size);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 255;
  return bytes.buffer;
}

/** The next `event` of `target` (a WebSocket or an SwWebSocket). */
export function next(target, event) {
  return new Promise((resolve) => {
    const once = (e) => { target.removeEventListener(event, once); resolve(e); };
    target.addEventListener(event, once);
  });
}

/**
 * Sends `count` messages through each endpoint and waits for their echoes,
 * in alternating batches of `batch` (the side that goes first alternates
 * too), and returns each side's milliseconds summed over its batches. Both
 * sides share every moment of the run, so a slow spell of the machine (two
 * cores, with the browser, the server and the test driver on them) lands on
 * both instead of on whichever ran then.
 */
export async function interleaved(sides, data, count, mode, batch) {
  const names = Object.keys(sides);
  const ms = Object.fromEntries(names.map((name) => [name, 0]));
  // One untimed batch each first: a round's first batch often took about
  // 20 ms instead of 2 (seen in binary round trips), and it always fell on
  // the same side. Without it two raw sockets measured against each other
  // came out up to 10% apart.
  for (const name of names) await echo(sides[name], data, batch, mode);
  for (let done = 0, turn = 0; done < count; done += batch, turn++) {
    const n = Math.min(batch, count - done);
    for (const name of turn % 2 ? [...names].reverse() : names) {
      ms[name] += await echo(sides[name], data, n, mode);
    }
  }
  return ms;
}

/** Sends `count` messages and waits for their echoes; returns milliseconds. */
export async function echo({ send, onMessage }, data, count, mode) {
  let got = 0;
  let wanted = 0;
  let done = null;
  // Each side's listener reads the message, as every real one does: Chromium
  // makes the JS value of a message's data on its first read (sw-websocket
  // always reads it to hand it on), so a raw listener that never read it
  // would be a baseline no application can reach.
  let bytes = 0;
  const stop = onMessage((event) => {
    bytes += event.data.length ?? event.data.byteLength;
    if (++got === wanted) done();
  });
  const start = performance.now();
  if (mode === 'pipelined') {
    wanted = count;
    const all = new Promise((r) => { done = r; });
    for (let i = 0; i < count; i++) send(data);
    await all;
  } else {
    for (let i = 0; i < count; i++) {
      const one = new Promise((r) => { done = r; });
      wanted = got + 1;
      send(data);
      await one;
    }
  }
  const ms = performance.now() - start;
  stop();
  if (bytes === 0) throw new Error('the echoes carried no data');
  return ms;
}

export function rawEndpoint(ws) {
  return {
    send: (data) => ws.send(data),
    onMessage(fn) { ws.onmessage = fn; return () => { ws.onmessage = null; }; },
  };
}

export function swEndpoint(sw, failures) {
  return {
    send: (data) => { sw.send(data).catch((e) => failures.push(String(e))); },
    onMessage(fn) { sw.addEventListener('message', fn); return () => sw.removeEventListener('message', fn); },
  };
}

export async function openRaw(url) {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = () => fail(new Error(`raw socket to ${url} failed`)); });
  return ws;
}
