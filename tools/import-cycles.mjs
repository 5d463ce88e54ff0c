// Finds import circles between the modules of src/ (a file is a module;
// a directory's mod.rs is the directory's module).
//
//   node tools/import-cycles.mjs        exit 1 and print each circle found
//
// Every `crate::a::b::...` path in a file (in `use` lines and in code) is an
// edge to the deepest module it names. A path that ends at a module's
// re-export (`pub use x::{Item}` in a mod.rs) goes on to the module that
// defines the item, so a facade does not hide a circle. Edges to the
// file's own ancestors' facades are resolved the same way.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const SRC = join(ROOT, 'src');

/** Module path ("core::codec::read") of every .rs file. */
function modules(dir, out = new Map()) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) modules(path, out);
    else if (name.endsWith('.rs')) {
      const parts = relative(SRC, path).replace(/\.rs$/, '').split('/');
      if (parts.at(-1) === 'mod' || parts.at(-1) === 'lib') parts.pop();
      out.set(parts.join('::'), readFileSync(path, 'utf8'));
    }
  }
  return out;
}

const files = modules(SRC);

/** Item name -> submodule, from `pub use sub::{A, B}` / `pub use sub::A` in a module. */
function reexports(text) {
  const map = new Map();
  for (const m of text.matchAll(/pub(?:\(crate\))? use (\w+)::(\{[^}]*\}|\w+);/g)) {
    const items = m[2].replace(/[{}\s]/g, '').split(',').filter(Boolean);
    for (const item of items) map.set(item.split('::').pop(), m[1]);
  }
  return map;
}

/** The module a `crate::` path names (following re-exports). */
function target(path) {
  const parts = path.split('::');
  let mod = '';
  for (let i = 0; i < parts.length; i++) {
    const next = mod ? `${mod}::${parts[i]}` : parts[i];
    if (files.has(next)) { mod = next; continue; }
    const sub = reexports(files.get(mod) ?? '').get(parts[i]);
    if (sub && files.has(`${mod ? `${mod}::` : ''}${sub}`)) mod = `${mod ? `${mod}::` : ''}${sub}`;
    break;
  }
  return mod;
}

/** `crate::a::{b, c::d}` expanded into full paths. */
function paths(text) {
  const out = [];
  const code = text.replace(/\/\/.*$/gm, '');
  for (const m of code.matchAll(/crate::((?:\w+::)*\w+)(?:::\{([^}]*)\})?/g)) {
    const base = m[1].replace(/::$/, '');
    if (m[2] === undefined) out.push(base);
    else for (const item of m[2].split(',').map((s) => s.trim()).filter(Boolean)) out.push(`${base}::${item.split(/\s/)[0]}`);
  }
  return out;
}

const edges = new Map();
for (const [mod, text] of files) {
  const to = new Set();
  for (const path of paths(text)) {
    const t = target(path);
    if (t && t !== mod && !mod.startsWith(`${t}::`)) to.add(t);
  }
  edges.set(mod, to);
}

// Circles: depth-first search, each found once (from its smallest module).
const circles = new Set();
function walk(start, mod, trail) {
  for (const next of edges.get(mod) ?? []) {
    if (next === start) {
      const circle = [...trail];
      const i = circle.indexOf([...circle].sort()[0]);
      circles.add([...circle.slice(i), ...circle.slice(0, i)].join(' -> '));
    } else if (!trail.includes(next) && next > start) walk(start, next, [...trail, next]);
  }
}
for (const mod of files.keys()) walk(mod, mod, [mod]);
if (process.env.DEBUG) for (const [m, t] of edges) console.log(m, [...t].join(" "));
if (circles.size) {
  console.log(`import circles in src/ (${circles.size}):`);
  for (const c of circles) console.log(`  ${c} -> (back)`);
  process.exit(1);
}
console.log(`no import circle among ${files.size} modules of src/`);
