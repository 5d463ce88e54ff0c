// Writes the npm package.json of the built package (extension/pkg): wasm-pack's
// one plus the entry points, types and files it does not know about.
// Usage: node tools/package-json.mjs <pkg dir>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node tools/package-json.mjs <pkg dir>');
  process.exit(2);
}
const file = join(dir, 'package.json');
const generated = JSON.parse(readFileSync(file, 'utf8'));

const pkg = {
  name: generated.name,
  version: generated.version,
  description: generated.description,
  license: generated.license,
  type: 'module',
  keywords: generated.keywords,
  // The worker's entry point is the package's; `./page` is for extension
  // pages; `./engine` is the wasm module's own binding (Rust users, tests),
  // re-exported from worker.js, which bundles it.
  main: './worker.js',
  types: './worker.d.ts',
  exports: {
    '.': { types: './worker.d.ts', default: './worker.js' },
    './worker': { types: './worker.d.ts', default: './worker.js' },
    './page': { types: './page.d.ts', default: './page.js' },
    './engine': { types: './sw_websocket.d.ts', default: './sw_websocket.js' },
    './sw_websocket_bg.wasm': './sw_websocket_bg.wasm',
    './package.json': './package.json',
  },
  // Every module and declaration build.sh put there, and the wasm.
  files: [
    ...readdirSync(dir).filter((f) => /\.(js|d\.ts|wasm)$/.test(f)).sort(),
    'README.md',
  ],
  // Importing a module of the package runs nothing; the glue keeps state only.
  sideEffects: false,
};
for (const key of ['name', 'version', 'license']) {
  if (!pkg[key]) {
    console.error(`package.json: wasm-pack wrote no ${key}`);
    process.exit(1);
  }
}
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
