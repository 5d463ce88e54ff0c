// The bench's table and its budgets.

/** The budgets of issue "Benchmark": each a check over the results. */
export const BUDGETS = [
  ...['pipelined', 'roundtrip'].map((mode) => ({
    name: `text 1 KiB ${mode}: throughput vs raw`, min: 0.9, part: 'throughput',
    value: (r) => r.throughput.find((t) => t.case === 'text 1 KiB' && t.mode === mode && !t.check).ratio,
  })),
  ...['pipelined', 'roundtrip'].map((mode) => ({
    name: `binary 64 KiB ${mode}: throughput vs raw`, min: 0.95, part: 'throughput',
    value: (r) => r.throughput.find((t) => t.case === 'binary 64 KiB' && t.mode === mode && !t.check).ratio,
  })),
  { name: 'inbound 1 KiB handled (waitUntil, stored, acked) vs plain receive', min: 0.8, part: 'inbound', value: (r) => r.inbound.ratio },
  { name: 'idle hour (simulated), sleeping after 60 s, waking every 5 min: share running', max: 0.2, part: 'idleHour', value: (r) => r.idleHour.find((h) => h.sleeping === 'on').runningShare },
  { name: 'start-up to open vs plain JS twin, distant server', max: 1.10, part: 'startup', value: (r) => r.startup.distant.ratio },
  { name: '.wasm + JS glue, gzip KiB', max: 60, part: 'size', value: (r) => r.size.total.gzip / 1024 },
  { name: 'keepalive frames/min under traffic', max: 0, part: 'keepalive', value: (r) => r.keepalive.busyPerMinute },
  { name: '16 MiB round trip byte-exact', min: 1, part: 'big', value: (r) => Number(r.big.exact) },
  { name: 'JS heap after 16 MiB vs before', max: 1.1, part: 'big', value: (r) => r.big.heapRatio },
  { name: 'JS heap after churn vs after first', max: 1.1, part: 'churn', value: (r) => r.churn.heapRatio },
  { name: 'queued sends rejected', max: 0, part: 'queued', value: (r) => r.queued.rejected },
  { name: 'queued sends found in storage', min: 1000, part: 'queued', value: (r) => r.queued.stored },
];

const fmt = (x, digits = 3) => (Number.isInteger(x) ? String(x) : x.toFixed(digits));
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
/** A ratio with the spread of its rounds (lowest-highest). */
const spread = (ratio, ratios) => (ratios?.length ? `${fmt(ratio)} (${fmt(Math.min(...ratios), 2)}-${fmt(Math.max(...ratios), 2)})` : fmt(ratio));

/** Prints the table; returns whether every budget held (and records them in `results`). */
export function report(r) {
  const rows = [['measure', 'sw-websocket', 'baseline', 'ratio (rounds: lowest-highest)']];
  for (const t of r.throughput ?? []) {
    const label = t.check ? `  check: raw in sw's place, ${t.case} ${t.mode}` : `echo ${t.case} x${t.count}, ${t.mode} (msg/s)`;
    rows.push([label, fmt(t.swPerSec, 0), `raw ${fmt(t.rawPerSec, 0)}`, spread(t.ratio, t.ratios)]);
  }
  for (const t of r.reliable ?? []) {
    rows.push([`reliable text 1 KiB x${t.count}, ${t.mode}, send to ack (msg/s)`, fmt(t.swPerSec, 0), `raw frames ${fmt(t.rawPerSec, 0)}`, spread(t.ratio, t.ratios)]);
  }
  if (r.inbound) {
    const i = r.inbound;
    rows.push([`inbound text 1 KiB x${i.count}, reliableInbound handled (msg/s)`, fmt(i.reliablePerSec, 0), `plain ${fmt(i.plainPerSec, 0)}`, spread(i.ratio, i.ratios)]);
  }
  if (r.startup) {
    const { loopback, distant, distantMs } = r.startup;
    rows.push([`start-up to open, loopback, median of ${r.starts} (ms)`, fmt(loopback.swMs, 1), `twin ${fmt(loopback.twinMs, 1)}`, spread(loopback.ratio, loopback.spread)]);
    rows.push([`  of which: modules loaded / wasm ready / resumed at`, ['script', 'init', 'resume'].map((k) => fmt(loopback.swMarks[k], 1)).join(' / '), '', '']);
    rows.push([`start-up to open, server ${distantMs} ms away (ms)`, fmt(distant.swMs, 1), `twin ${fmt(distant.twinMs, 1)}`, spread(distant.ratio, distant.spread)]);
  }
  rows.push(['size .wasm (raw / gzip)', `${kib(r.size.wasm.raw)} / ${kib(r.size.wasm.gzip)}`, '', '']);
  rows.push(['size JS glue (raw / gzip)', `${kib(r.size.js.raw)} / ${kib(r.size.js.gzip)}`, '', '']);
  rows.push(['size total (raw / gzip)', `${kib(r.size.total.raw)} / ${kib(r.size.total.gzip)}`, '', '']);
  if (r.keepalive) {
    rows.push(['keepalive frames/min, idle', fmt(r.keepalive.idlePerMinute, 2), 'expected 3', '']);
    rows.push(['keepalive frames/min, 1 msg/s traffic', fmt(r.keepalive.busyPerMinute, 2), 'expected 0', '']);
  }
  for (const h of r.idleHour ?? []) {
    rows.push([`idle hour (simulated), sleeping ${h.sleeping}: worker running`, `${fmt(h.runningShare * 100, 1)}%`, `${h.sockets} sockets`, '']);
  }
  if (r.queued) {
    rows.push([`storage writes for ${r.queued.count} queued sends`, String(r.queued.writes), '', '']);
    rows.push([`time until all ${r.queued.count} are stored (ms)`, fmt(r.queued.ms, 0), '', '']);
  }
  if (r.big) {
    rows.push(['16 MiB binary round trip (ms)', `${fmt(r.big.ms, 0)}${r.big.exact ? ', byte-exact' : ', CORRUPT'}`, '', '']);
    rows.push(['JS heap after 16 MiB vs before', kib(r.big.heapAfter), kib(r.big.heapBefore), fmt(r.big.heapRatio)]);
    rows.push(['wasm memory after 16 MiB vs before', kib(r.big.wasmAfter), kib(r.big.wasmBefore), fmt(r.big.wasmAfter / r.big.wasmBefore)]);
  }
  if (r.churn) {
    rows.push(['JS heap after 10 000 msgs + 100 reconnects', kib(r.churn.heapAfter), `first ${kib(r.churn.heapFirst)}`, fmt(r.churn.heapRatio)]);
    rows.push(['wasm memory after the churn', kib(r.churn.wasmAfter), `first ${kib(r.churn.wasmFirst)}`, fmt(r.churn.wasmAfter / r.churn.wasmFirst)]);
  }
  table(rows);

  let ok = true;
  if (r.noisy) {
    console.log(`\nthe machine was too noisy for the throughput figures: ${r.noisy}; run again on a quieter machine`);
    ok = false;
  }
  const measured = BUDGETS.filter((b) => r[b.part] !== undefined);
  if (measured.length < BUDGETS.length) console.log(`\npartial run: ${BUDGETS.length - measured.length} budgets not measured`);
  r.budgets = measured.map((b) => {
    const value = b.value(r);
    const held = (b.min === undefined || value >= b.min) && (b.max === undefined || value <= b.max);
    ok &&= held;
    return { name: b.name, value, min: b.min, max: b.max, held };
  });
  console.log('\nbudgets');
  table([['budget', 'value', 'limit', ''], ...r.budgets.map((b) => [
    b.name, fmt(b.value), b.min !== undefined ? `>= ${b.min}` : `<= ${b.max}`, b.held ? 'ok' : 'FAILED',
  ])]);
  console.log(ok ? '\nall budgets held' : '\nsome budgets FAILED');
  return ok;
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.slice(1).forEach((row) => console.log(line(row)));
}
