// What the .wasm is made of, by part (a twiggy-style breakdown): the release
// build's module run through wasm-bindgen and wasm-opt as build.sh does, but
// with its function names kept, then each function's code counted under the
// part its name belongs to. Sizes are of the code section (data and
// imports/exports apart); gzip is of each part's code alone, so the parts
// do not add up to the module's gzip exactly.
//
//   node tools/size-breakdown.mjs   (after ./build.sh build)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const input = 'target/wasm32-unknown-unknown/release/sw_websocket.wasm';
const dir = mkdtempSync(join(tmpdir(), 'sw-websocket-size-'));
try {
  execFileSync('wasm-bindgen', ['--keep-debug', '--target', 'web', '--out-dir', dir, input]);
  const wasm = join(dir, 'sw_websocket_bg.wasm');
  execFileSync('wasm-opt', ['-Oz', '-g', '--converge', '--low-memory-unused', '--zero-filled-memory', '--enable-bulk-memory',
    '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types',
    '--enable-multivalue', '--strip-dwarf', wasm, '-o', `${wasm}.opt`]);
  print(parts(readFileSync(`${wasm}.opt`)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The part a function's (demangled) name belongs to. */
function partOf(name) {
  const rules = [
    [/^<?sw_websocket::core::(codec|json|text|base64)/, 'ours: core codec, JSON, text'],
    [/^<?sw_websocket::core::/, 'ours: core state machine'],
    [/^<?sw_websocket::browser::/, 'ours: browser shell'],
    [/dlmalloc|__rust_(alloc|dealloc|realloc)|alloc::alloc|RawVec|finish_grow|reserve/, 'allocator and growth'],
    [/core::fmt|alloc::fmt|fmt::Display|fmt::Debug|fmt::Write|format|Formatter|pad_integral|float_to/, 'formatting (core::fmt)'],
    [/panic|unwrap_failed|expect_failed|slice_index|index_out_of_bounds|assert_failed/, 'panics and bounds checks'],
    [/serde|Serializer|Deserializer/, 'serde'],
    [/^sw_websocket::core::(codec|json|text|base64)/, 'ours: core codec, JSON, text'],
    [/^sw_websocket::core::/, 'ours: core state machine'],
    [/^sw_websocket::browser::/, 'ours: browser shell'],
    [/wasm_bindgen|__wbindgen|__wbg|js_sys|web_sys|externref|closure|swwebsocket/, 'wasm-bindgen glue, js-sys, web-sys'],
    [/sw_websocket/, 'ours: generic code instantiated by std'],
    [/core::str|core::unicode|memchr|char/, 'str and unicode (core)'],
    [/alloc::|core::|std::|hashbrown/, 'std, alloc and core (other)'],
  ];
  return rules.find(([re]) => re.test(name))?.[1] ?? 'unnamed or other';
}

/** The module's functions grouped by part: {part: {raw, bodies}}. */
function parts(bytes) {
  let pos = 8;
  const leb = () => { let n = 0, shift = 0, b; do { b = bytes[pos++]; n += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80); return n; };
  let imported = 0; const bodies = []; const names = new Map();
  while (pos < bytes.length) {
    const id = bytes[pos++]; const size = leb(); const end = pos + size;
    if (id === 2) { // imports: functions among them shift the indices
      for (let n = leb(); n > 0; n--) {
        for (let k = 0; k < 2; k++) { const len = leb(); pos += len; } // module, field
        const kind = bytes[pos++];
        if (kind === 0) { imported++; leb(); } else if (kind === 1) { pos++; const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); } else { pos += 2; }
      }
    } else if (id === 10) {
      for (let n = leb(); n > 0; n--) { const len = leb(); bodies.push(bytes.subarray(pos, pos + len)); pos += len; }
    } else if (id === 0) {
      const nameLen = leb(); const name = bytes.subarray(pos, pos + nameLen).toString(); pos += nameLen;
      if (name === 'name') {
        while (pos < end) {
          const sub = bytes[pos++]; const subSize = leb(); const subEnd = pos + subSize;
          if (sub === 1) for (let n = leb(); n > 0; n--) { const index = leb(); const len = leb(); names.set(index, bytes.subarray(pos, pos + len).toString()); pos += len; }
          pos = subEnd;
        }
      }
    }
    pos = end;
  }
  const groups = {};
  const top = [];
  bodies.forEach((body, i) => {
    const name = names.get(imported + i) ?? '';
    const part = partOf(name);
    (groups[part] ??= []).push(body);
    top.push([body.length, part, name]);
  });
  if (process.env.TOP) for (const [n, part, name] of top.sort((a, b) => b[0] - a[0]).slice(0, Number(process.env.TOP))) console.log(n, part, '|', name.slice(0, 140));
  return groups;
}

function print(groups) {
  const rows = Object.entries(groups).map(([part, bodies]) => {
    const all = Buffer.concat(bodies);
    return { part, functions: bodies.length, raw: all.length, gzip: gzipSync(all, { level: 9 }).length };
  }).sort((a, b) => b.raw - a.raw);
  const total = rows.reduce((n, r) => n + r.raw, 0);
  console.log('| part | functions | code bytes | share | gzip alone |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.part} | ${r.functions} | ${r.raw} | ${((100 * r.raw) / total).toFixed(1)}% | ${r.gzip} |`);
  console.log(`| all code | ${rows.reduce((n, r) => n + r.functions, 0)} | ${total} | 100% | |`);
}
