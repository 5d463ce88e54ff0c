// The size of the built package: what an extension ships (the .wasm and its JS glue).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Raw and gzip -9 bytes of the .wasm and of the JS (generated glue and snippets) in `pkg`. */
export function measureSize(pkg) {
  const shipped = files(pkg).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'));
  const out = { files: {}, wasm: { raw: 0, gzip: 0 }, js: { raw: 0, gzip: 0 } };
  for (const file of shipped) {
    const bytes = readFileSync(file);
    const entry = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    out.files[relative(pkg, file)] = entry;
    const kind = file.endsWith('.wasm') ? out.wasm : out.js;
    kind.raw += entry.raw;
    kind.gzip += entry.gzip;
  }
  out.total = { raw: out.wasm.raw + out.js.raw, gzip: out.wasm.gzip + out.js.gzip };
  return out;
}
