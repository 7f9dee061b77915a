// build.mjs: builds the web interface into one folder of static files that
// tools/embed.c compiles into the binary (run by scripts/build-web.sh).
//
//   node web/build.mjs OUTDIR
//
// - web/src/main.js and its imports (Leaflet and leaflet.markercluster from
//   node_modules) are bundled and minified by esbuild into ES modules; the map
//   code is a separate chunk loaded only by the pages that show a map;
// - web/src/app.css (with Leaflet's CSS) into one stylesheet;
// - the Mali boundaries (data/boundaries) are rounded to 3 decimals (about
//   100 m, far below what the simplified shapes carry) and stripped of unused
//   properties;
// - every file except index.html gets a content hash in its name
//   (app.3F2A9C1D.js), so the server can let browsers cache it for a year;
// - index.html is written from web/index.html with those names filled in;
// - every text file gets a gzip twin (NAME.gz) when that is smaller.
// The output depends only on the inputs: no dates, no absolute paths.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { gzipSync, constants as zc } from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.resolve(process.argv[2] || path.join(root, 'build/web/dist'));
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

const hash = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 10);

// 1. JavaScript and CSS.
const result = await build({
  absWorkingDir: root,
  entryPoints: ['web/src/main.js', 'web/src/app.css'],
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: process.env.BUILD_WEB_NOMINIFY !== "1",
  target: ['es2020'],
  outdir: out,
  entryNames: '[name].[hash]',
  chunkNames: '[name].[hash]',
  assetNames: '[name].[hash]',
  loader: { '.png': 'file', '.svg': 'file' },
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.entries(result.metafile.outputs);
const entry = (src) => {
  const o = outputs.find(([, v]) => v.entryPoint === src);
  if (!o) throw new Error(`no output for ${src}`);
  return '/' + path.basename(o[0]);
};
const appJs = entry('web/src/main.js');
const appCss = entry('web/src/app.css');

// 2. Boundaries: smaller, hashed.
function round(c) {
  if (typeof c[0] === 'number') return [Math.round(c[0] * 1000) / 1000, Math.round(c[1] * 1000) / 1000];
  const r = c.map(round);
  // Drop points that rounding made equal to the one before (rings stay closed).
  if (typeof r[0][0] === 'number') return r.filter((p, i) => i === 0 || p[0] !== r[i - 1][0] || p[1] !== r[i - 1][1]);
  return r;
}
function boundaries(file, name) {
  const src = JSON.parse(fs.readFileSync(path.join(root, 'data/boundaries', file), 'utf8'));
  const fc = {
    type: 'FeatureCollection',
    features: src.features.map((f) => ({
      type: 'Feature',
      properties: { name: f.properties.shapeName, iso: f.properties.shapeISO || undefined },
      geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
    })),
  };
  const text = JSON.stringify(fc);
  const base = `${name}.${hash(text)}.geojson`;
  fs.writeFileSync(path.join(out, base), text);
  return '/' + base;
}
const adm1 = boundaries('geoboundaries_mli_adm1_simplified.geojson', 'mali-adm1');
const adm2 = boundaries('geoboundaries_mli_adm2_simplified.geojson', 'mali-adm2');

// 3. index.html.
const manifest = { adm1, adm2, version: hash(appJs + appCss + adm1 + adm2) };
let html = fs.readFileSync(path.join(root, 'web/index.html'), 'utf8');
const fill = { APP_JS: appJs, APP_CSS: appCss, MANIFEST: JSON.stringify(manifest).replace(/</g, '\\u003c') };
html = html.replace(/\{\{(\w+)\}\}/g, (m, k) => {
  if (!(k in fill)) throw new Error(`index.html: unknown placeholder ${m}`);
  return fill[k];
});
fs.writeFileSync(path.join(out, 'index.html'), html);

// 4. gzip twins.
const textTypes = /\.(html|js|css|geojson|json|svg|txt)$/;
let total = 0;
let totalGz = 0;
const rows = [];
for (const f of fs.readdirSync(out).sort()) {
  const p = path.join(out, f);
  const data = fs.readFileSync(p);
  total += data.length;
  let gz = null;
  if (textTypes.test(f)) {
    const z = gzipSync(data, { level: zc.Z_BEST_COMPRESSION });
    if (z.length < data.length) {
      fs.writeFileSync(p + '.gz', z);
      gz = z.length;
    }
  }
  totalGz += gz ?? data.length;
  rows.push(`  ${f.padEnd(40)} ${String(data.length).padStart(8)}${gz ? String(gz).padStart(9) + ' gz' : ''}`);
}
if (process.env.BUILD_WEB_QUIET !== '1') {
  console.log(`web: ${out}`);
  console.log(rows.join('\n'));
  console.log(`  ${'total'.padEnd(40)} ${String(total).padStart(8)}${String(totalGz).padStart(9)} sent`);
}
