// The bench's inbound case (issue "server-to-extension delivery"): reliable
// inbound handling against plain receive, in the same rounds (see
// tests/bench/sw/inbound.js). The figure is the median of the rounds' ratios.

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * `rounds` rounds (at least 31: a round lasts a fifth of a second and one
 * alone swings by half; the median of 11 moved between 0.74 and 0.94 across
 * three runs) of `count` messages each way; `sw(request)` asks the bench
 * worker.
 */
export async function inbound(sw, url, control, { rounds: asked, count = 4000, log }) {
  const rounds = Math.max(asked, 31);
  const ms = { reliable: [], plain: [] };
  // One untimed round first, as the throughput cases do.
  await sw({ cmd: 'inbound', url, control, count, first: 'plain' });
  for (let round = 0; round < rounds; round++) {
    const reply = await sw({ cmd: 'inbound', url, control, count, first: round % 2 ? 'plain' : 'reliable' });
    ms.reliable.push(reply.ms.reliable);
    ms.plain.push(reply.ms.plain);
  }
  const rate = (list) => count / (median(list) / 1000);
  const ratios = ms.reliable.map((reliableMs, i) => ms.plain[i] / reliableMs);
  const row = { count, reliablePerSec: rate(ms.reliable), plainPerSec: rate(ms.plain), ratio: median(ratios), ratios, ms };
  log(`inbound 1 KiB: handled ${row.reliablePerSec.toFixed(0)}/s, plain receive ${row.plainPerSec.toFixed(0)}/s, ratio ${row.ratio.toFixed(3)} (rounds ${ratios.map((x) => x.toFixed(2)).join(' ')})`);
  return row;
}
