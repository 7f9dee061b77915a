// report_figures.mjs: checks a French report against the English one made
// from the same records (FORMATS.md 4.2, issue 14):
//
//   node tests/cli/report_figures.mjs EN.json FR.json FR.html [NAME [words]]
//
// 1. every figure of the English report (indicator, parameters, figure) is
//    in the French one with the same value;
// 2. each figure's text shows its number as the language writes it: plain
//    digits in English ("1234", "2.5"), in French a narrow no-break space
//    between thousands and a decimal comma ("1 234", "2,5"), computed here
//    with Intl.NumberFormat, independently of bluehelm;
// 3. the French figures stand beside their French words: the paragraph that
//    holds the IEDs used says "EEI", the armoured vehicles unserviceable
//    "véhicules blindés" and "hors d'usage", the undeclared caveats "non
//    déclarées", the POC incidents per week "semaine", a percentage "%"
//    (with the argument `words`: the default report holds these figures).
// Prints "ok NAME-..." / "FAIL NAME-...: why" lines; exits 1 on a failure.
import fs from 'node:fs';

const [enPath, frPath, htmlPath, name = 'report-fr', words] = process.argv.slice(2);
const en = JSON.parse(fs.readFileSync(enPath, 'utf8'));
const fr = JSON.parse(fs.readFileSync(frPath, 'utf8'));
const html = fs.readFileSync(htmlPath, 'utf8');
let failures = 0;
const ok = (n) => console.log(`ok   ${name}-${n}`);
const fail = (n, why) => {
  failures++;
  console.log(`FAIL ${name}-${n}: ${why}`);
};

const key = (f) => `${f.indicator} ${f.params} | ${f.figure}`;
const traced = (doc) => doc.figures.filter((f) => f.indicator && f.indicator !== 'chart');
const frByKey = new Map();
for (const f of traced(fr)) {
  if (!frByKey.has(key(f))) frByKey.set(key(f), []);
  frByKey.get(key(f)).push(f);
}

// The number as each language writes it.
const NNBSP = '\u202f';
const frNum = (v, dec) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: dec, useGrouping: true }).format(v).replace(/[\u00a0\u202f ]/g, NNBSP);
const enNum = (v, dec) => (dec === 0 || Number.isInteger(v) ? String(Math.round(v)) : (Math.round(v * 10) / 10).toFixed(1).replace(/\.0$/, ''));
const isPct = (f) => /%|per cent/.test(f.text) || /_pct$/.test(f.figure);
// A percentage is a whole number, halves away from zero (its sign may be
// said in words: "a decrease of 34 per cent").
const roundAway = (v) => Math.sign(v) * Math.round(Math.abs(v));

// 1 and 2.
let missing = [];
let badText = [];
let compared = 0;
for (const f of traced(en)) {
  const cands = frByKey.get(key(f)) || [];
  const same = cands.find((g) => JSON.stringify(g.value) === JSON.stringify(f.value));
  if (!same) {
    missing.push(`${key(f)} = ${JSON.stringify(f.value)}${cands.length ? ` (French: ${cands.map((g) => JSON.stringify(g.value)).join(', ')})` : ''}`);
    continue;
  }
  compared++;
  if (typeof f.value !== 'number') continue;
  const pct = isPct(f) || isPct(same);
  const v = pct ? roundAway(f.value) : f.value;
  const dec = pct || Number.isInteger(f.value) ? 0 : 1;
  const enWant = [enNum(v, dec), enNum(Math.abs(v), dec)];
  const frWant = [frNum(v, dec), frNum(Math.abs(v), dec)];
  if (!enWant.some((w) => f.text.includes(w))) badText.push(`English "${f.text}" lacks ${enWant[0]} (${key(f)})`);
  if (!frWant.some((w) => same.text.includes(w))) badText.push(`French "${same.text}" lacks ${frWant[0]} (${key(f)})`);
}
if (!compared) fail('figures', 'the English report has no figure');
else if (missing.length) fail('figures', `${missing.length} of ${traced(en).length} English figures are not in the French report: ${missing.slice(0, 3).join('; ')}`);
else ok('figures');
if (badText.length) fail('numbers', `${badText.length} figures: ${badText.slice(0, 3).join('; ')}`);
else ok('numbers');
console.log(`# ${name}: ${compared} figures compared; French numbers such as ${[...new Set(traced(fr).map((f) => f.text).filter((t) => /\d\u202f\d|\d,\d/.test(t)))].slice(0, 3).join(' | ') || '(none above 999 or with decimals)'}`);

// 3. The paragraph or list item of the French HTML that holds figure id.
const decode = (s) => s.replace(/<[^>]*>/g, '').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
function paragraph(id) {
  const at = html.indexOf(`href="#fig-${id}"`);
  if (at < 0) return null;
  const start = Math.max(html.lastIndexOf('<p>', at), html.lastIndexOf('<li>', at));
  const ends = ['</p>', '</li>'].map((t) => html.indexOf(t, at)).filter((i) => i >= 0);
  return decode(html.slice(start, Math.min(...ends)));
}
const rules = [
  ['eei', (f) => f.indicator === 'ied' && f.figure === 'used', () => 'EEI'],
  ['vehicules-blindes', (f) => f.indicator === 'serviceability' && !/group_by/.test(f.params) && f.figure === 'unserviceable', (f) => (f.value >= 2 ? 'véhicules blindés' : 'véhicule blindé')],
  ['hors-d-usage', (f) => f.indicator === 'serviceability' && !/group_by/.test(f.params) && f.figure === 'unserviceable', () => "hors d'usage"],
  ['non-declarees', (f) => f.indicator === 'caveats' && f.figure === 'undeclared', (f) => (f.value >= 2 ? 'non déclarées' : 'non déclarée')],
  ['semaine', (f) => f.indicator === 'rate' && /^(before|after)$/.test(f.figure), () => 'semaine'],
  ['percent', (f) => /_pct$/.test(f.figure) && f.value !== null, () => '%'],
];
for (const [rule, match, word] of words === 'words' ? rules : []) {
  const figs = traced(fr).filter(match);
  if (!figs.length) {
    fail(`words-${rule}`, 'no such figure in the French report');
    continue;
  }
  const bad = [];
  for (const f of figs) {
    const p = paragraph(f.id);
    const w = word(f);
    if (p === null) bad.push(`figure ${f.id} is not linked in the HTML`);
    else if (!p.includes(w)) bad.push(`"${p.slice(0, 160)}" lacks "${w}"`);
    else if (!p.includes(f.text)) bad.push(`"${p.slice(0, 160)}" lacks the figure's text "${f.text}"`);
  }
  if (bad.length) fail(`words-${rule}`, `${bad.length} of ${figs.length}: ${bad[0]}`);
  else ok(`words-${rule}`);
}
process.exit(failures ? 1 : 0);
