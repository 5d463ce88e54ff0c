// The bench extension: tests/bench/sw with the built package beside it, in
// `dir` (made afresh). The bench worker's own helpers (echo.js, inbound.js)
// go into its entry, as an app's build would: the twin is one file, and the
// start-up figure is the package's cost, not that of the bench's extra
// modules. The package stays as it ships.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../e2e/harness.mjs';

export function benchExtension(dir) {
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(ROOT, 'tests', 'bench', 'sw'), dir, { recursive: true });
  cpSync(join(ROOT, 'extension', 'pkg'), join(dir, 'pkg'), { recursive: true });
  const entry = join(dir, 'service-worker.js');
  execFileSync(join(ROOT, 'node_modules', '.bin', 'esbuild'), [
    entry, '--bundle', '--format=esm', '--external:./pkg/*', '--allow-overwrite', '--log-level=warning', `--outfile=${entry}`,
  ]);
  return dir;
}
