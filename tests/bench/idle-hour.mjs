// The bench's idle hour (see examples/idle_hour.rs).
import { execFileSync } from 'node:child_process';
import { ROOT } from '../e2e/harness.mjs';

/**
 * The share of an idle hour the worker runs, sleeping off and on: the core
 * driven by a virtual clock with a model of Chrome's idle stop
 * (examples/idle_hour.rs; an hour per case is too long to measure here).
 */
export function idleHour(log) {
  const out = execFileSync('cargo', ['run', '--quiet', '--example', 'idle_hour'], { cwd: ROOT, encoding: 'utf8' });
  const rows = JSON.parse(out);
  for (const row of rows) log(`idle hour, sleeping ${row.sleeping}: the worker runs ${(row.runningShare * 100).toFixed(1)}%, ${row.sockets} sockets`);
  return rows;
}
