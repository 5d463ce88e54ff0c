// Writes the npm package.json of the built package (extension/pkg): wasm-pack's
// one plus the entry points, types and files it does not know about.
// Usage: node tools/package-json.mjs <pkg dir>
import { readFileSync, writeFileSync } from 'node:fs';
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
  main: './sw_websocket.js',
  types: './sw_websocket.d.ts',
  exports: {
    '.': { types: './sw_websocket.d.ts', default: './sw_websocket.js' },
    './worker': { types: './worker.d.ts', default: './worker.js' },
    './sw_websocket_bg.wasm': './sw_websocket_bg.wasm',
    './package.json': './package.json',
  },
  files: [
    'sw_websocket_bg.wasm',
    'sw_websocket_bg.wasm.d.ts',
    'sw_websocket.js',
    'sw_websocket.d.ts',
    'worker.js',
    'worker.d.ts',
    'snippets',
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
