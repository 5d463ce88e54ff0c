// Shortens the names wasm-bindgen gives the module's imports and exports
// (`__wbg_send_cd51063ca1be4d0f`, `wasm_bindgen__convert__closures_____invoke__h…`,
// `swwebsocket_send`): each appears once in the .wasm and once or twice in the
// JS glue, and their hashes do not compress (about 2 KiB gzip in all).
//
//   node tools/short-names.mjs PKG_DIR NAME
//
// Renames, in PKG_DIR/NAME_bg.wasm and PKG_DIR/NAME.js together:
// - every import of the glue's own module (`./NAME_bg.js`), whose key appears
//   exactly once in the JS;
// - every export the JS uses as `wasm.EXPORT` (not `memory`), also in the
//   typings of the raw exports (NAME.d.ts's InitOutput, NAME_bg.wasm.d.ts).
// Anything else is left as it is; a name that is not found as expected stops
// the build rather than produce a module that does not link.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name] = process.argv.slice(2);
if (!dir || !name) {
  console.error('usage: node tools/short-names.mjs PKG_DIR NAME');
  process.exit(2);
}
const wasmPath = join(dir, `${name}_bg.wasm`);
const jsPath = join(dir, `${name}.js`);
const ownModule = `./${name}_bg.js`;
let js = readFileSync(jsPath, 'utf8');
const typings = [join(dir, `${name}.d.ts`), join(dir, `${name}_bg.wasm.d.ts`)]
  .filter((path) => existsSync(path))
  .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const bytes = readFileSync(wasmPath);

const fail = (why) => {
  console.error(`short-names: ${why}`);
  process.exit(1);
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const count = (text, re) => (text.match(re) ?? []).length;

// Short identifiers, never a JS keyword: $0, $1, ... $z, $10, ...
let next = 0;
const short = () => `$${(next++).toString(36)}`;

// --- A minimal reader and writer of the sections that hold names.
let pos = 0;
function leb() {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return result;
  }
}
function encodeLeb(n) {
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}
function str() {
  const len = leb();
  const s = bytes.subarray(pos, pos + len).toString('utf8');
  pos += len;
  return s;
}
const encodeStr = (s) => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([encodeLeb(b.length), b]);
};
/** Skips an import's description, returning its bytes. */
function importDesc() {
  const start = pos;
  const kind = bytes[pos++];
  const limits = () => {
    const flags = bytes[pos++];
    leb();
    if (flags & 1) leb();
  };
  if (kind === 0) leb(); // function: type index
  else if (kind === 1) {
    pos++; // table: element type
    limits();
  } else if (kind === 2) limits(); // memory
  else if (kind === 3) pos += 2; // global: value type, mutability
  else if (kind === 4) {
    pos++; // tag: attribute
    leb();
  } else fail(`unknown import kind ${kind}`);
  return bytes.subarray(start, pos);
}

function renameImports(end) {
  const out = [];
  const n = leb();
  out.push(encodeLeb(n));
  for (let i = 0; i < n; i++) {
    const module = str();
    let field = str();
    const desc = importDesc();
    if (module === ownModule) {
      const key = new RegExp(`\\b${escape(field)}\\b`, 'g');
      if (count(js, key) !== 1) fail(`import ${field}: expected once in the JS`);
      const renamed = short();
      js = js.replace(key, renamed);
      field = renamed;
    }
    out.push(encodeStr(module), encodeStr(field), desc);
  }
  if (pos !== end) fail('import section: unexpected length');
  return Buffer.concat(out);
}

function renameExports(end) {
  const out = [];
  const n = leb();
  out.push(encodeLeb(n));
  for (let i = 0; i < n; i++) {
    let field = str();
    const kind = bytes[pos++];
    const index = leb();
    const use = new RegExp(`\\bwasm\\.${escape(field)}\\b`, 'g');
    if (field !== 'memory' && count(js, use) > 0) {
      const renamed = short();
      js = js.replace(use, `wasm.${renamed}`);
      const typed = new RegExp(`\\b(readonly|export const) ${escape(field)}:`, 'g');
      for (const t of typings) t.text = t.text.replace(typed, `$1 ${renamed}:`);
      field = renamed;
    }
    out.push(encodeStr(field), Buffer.from([kind]), encodeLeb(index));
  }
  if (pos !== end) fail('export section: unexpected length');
  return Buffer.concat(out);
}

if (bytes.readUInt32LE(0) !== 0x6d736100) fail(`${wasmPath} is not a wasm module`);
const parts = [bytes.subarray(0, 8)];
pos = 8;
while (pos < bytes.length) {
  const sectionStart = pos;
  const id = bytes[pos++];
  const size = leb();
  const start = pos;
  const end = start + size;
  if (id === 2 || id === 7) {
    const body = id === 2 ? renameImports(end) : renameExports(end);
    parts.push(Buffer.from([id]), encodeLeb(body.length), body);
  } else {
    parts.push(bytes.subarray(sectionStart, end));
  }
  pos = end;
}
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, js);
for (const t of typings) writeFileSync(t.path, t.text);
console.log(`short-names: ${next} names shortened`);
