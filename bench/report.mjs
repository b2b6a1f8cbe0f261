#!/usr/bin/env node
// Prints the benchmark table from loadgen.mjs results: `node report.mjs LABEL=DIR [LABEL=DIR]`, where DIR holds
// SCENARIO.RUN.json (or SCENARIO.RUN.failed) files, one per run. Each figure is the median over the runs of that
// scenario; a scenario with any failed run shows FAILED. With two servers, the ratio column is first/second.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ORDER = ['pair1', 'pair32', 'room10', 'idle2000'];
const cols = process.argv.slice(2).map((a) => {
  const i = a.indexOf('=');
  return { label: a.slice(0, i), dir: a.slice(i + 1) };
});
if (cols.length === 0) {
  console.error('usage: report.mjs LABEL=DIR [LABEL=DIR]');
  process.exit(2);
}

const scenarios = new Set();
for (const c of cols) {
  if (!existsSync(c.dir)) continue;
  for (const f of readdirSync(c.dir)) {
    const m = /^(.*)\.[0-9]+\.(json|failed)$/.exec(f);
    if (m) scenarios.add(m[1]);
  }
}
const ordered = [...ORDER.filter((s) => scenarios.has(s)), ...[...scenarios].filter((s) => !ORDER.includes(s)).sort()];

function median(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

/** The runs of one scenario in one directory, merged: {title, runs, failed?, metrics: [{label, unit, better, value}]}. */
function load(dir, sc) {
  if (!existsSync(dir)) return null;
  const runs = [], failures = [];
  for (const f of readdirSync(dir).sort()) {
    const m = /^(.*)\.([0-9]+)\.(json|failed)$/.exec(f);
    if (!m || m[1] !== sc) continue;
    const text = readFileSync(join(dir, f), 'utf8');
    if (m[3] === 'json') runs.push(JSON.parse(text));
    else failures.push(`run ${m[2]}: ${text.trim() || 'failed'}`);
  }
  if (runs.length === 0 && failures.length === 0) return null;
  const metrics = [];
  for (const r of runs) {
    for (const m of r.metrics) if (!metrics.some((x) => x.label === m.label)) metrics.push({ ...m });
  }
  for (const m of metrics) m.value = median(runs.map((r) => r.metrics.find((x) => x.label === m.label)?.value));
  const others = runs.map((r) => r.metrics.find((x) => x.label === 'other processes CPU')?.value).filter(Number.isFinite);
  return { title: runs[0]?.title, runs: runs.length, maxOther: others.length ? Math.max(...others) : 0, failed: failures.length ? failures.join('; ') : undefined, metrics };
}

function fmt(v, unit) {
  if (v === undefined || v === null) return '-';
  if (!Number.isFinite(v)) return 'n/a';
  let s;
  if (unit === 'count') s = String(Math.round(v));
  else if (Math.abs(v) >= 1000) s = Math.round(v).toLocaleString('en-US');
  else if (Math.abs(v) >= 100) s = v.toFixed(0);
  else if (Math.abs(v) >= 10) s = v.toFixed(1);
  else if (Math.abs(v) >= 1) s = v.toFixed(2);
  else s = v.toFixed(3);
  return s;
}

const rows = [];
const head = ['scenario', 'metric', ...cols.map((c) => c.label)];
if (cols.length === 2) head.push('ratio', 'better');
for (const sc of ordered) {
  const res = cols.map((c) => load(c.dir, sc));
  const title = res.find((r) => r && r.title)?.title ?? sc;
  const labels = [];
  for (const r of res) for (const m of r?.metrics ?? []) if (!labels.includes(m.label)) labels.push(m.label);
  let first = true;
  if (res.some((r) => r?.failed)) {
    rows.push([title, 'RESULT', ...res.map((r) => (r?.failed ? 'FAILED' : r ? 'ok' : '-'))].concat(cols.length === 2 ? ['', ''] : []));
    first = false;
  }
  for (const label of labels) {
    const ms = res.map((r) => r?.metrics?.find((m) => m.label === label));
    const unit = ms.find(Boolean)?.unit ?? '';
    const better = ms.find(Boolean)?.better ?? '';
    const row = [first ? title : '', `${label} (${unit})`, ...ms.map((m) => fmt(m?.value, unit))];
    if (cols.length === 2) {
      const [a, b] = ms.map((m) => m?.value);
      const ratio = Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
      row.push(Number.isFinite(ratio) && better !== 'info' ? ratio.toFixed(2) : '', better === 'info' ? '' : better);
    }
    rows.push(row);
    first = false;
  }
  if (labels.length === 0 && !res.some((r) => r?.failed)) rows.push([title, '(no results)']);
  rows.push(null); // a rule between scenarios
}
if (rows.at(-1) === null) rows.pop();

const widths = head.map((h, i) => Math.max(h.length, ...rows.filter(Boolean).map((r) => (r[i] ?? '').length)));
const line = (r) => r.map((c, i) => (i < 2 || i === r.length - 1 && cols.length === 2 ? (c ?? '').padEnd(widths[i]) : (c ?? '').padStart(widths[i]))).join('  ').trimEnd();
const rule = widths.map((w) => '-'.repeat(w)).join('  ');
console.log(line(head));
console.log(rule);
for (const r of rows) console.log(r ? line(r) : rule);
const nruns = [...new Set(ordered.flatMap((sc) => cols.map((c) => load(c.dir, sc)?.runs).filter(Boolean)))];
let redone = 0;
for (const c of cols) if (existsSync(c.dir)) redone += readdirSync(c.dir).filter((f) => f.endsWith('.disturbed')).length;
console.log(`Each figure: the median of ${nruns.join('/') || '0'} run(s) per scenario, a fresh server process per run` +
  (redone ? `; ${redone} run(s) disturbed by other processes were discarded and redone.` : '.'));
if (cols.length === 2) {
  console.log(`ratio = ${cols[0].label} / ${cols[1].label}; "better" says which way is good for that metric ` +
    `(higher: ratio > 1 means ${cols[0].label} is ahead; lower: ratio < 1 means it is ahead).`);
}
// Runs disturbed by other work on the machine.
const disturbed = [];
for (const sc of ordered) {
  for (const c of cols) {
    const r = load(c.dir, sc);
    if (r?.maxOther > 25) disturbed.push(`${c.label} ${sc} (up to ${Math.round(r.maxOther)} %)`);
  }
}
if (disturbed.length) {
  console.log(`WARNING: other processes used over a quarter of a core during: ${disturbed.join(', ')}; ` +
    'throughput and latency there are disturbed, CPU per message much less so.');
}
// Failure details, if any.
for (const sc of ordered) {
  for (const c of cols) {
    const r = load(c.dir, sc);
    if (r?.failed) console.log(`FAILED: ${c.label} ${sc}: ${r.failed}`);
  }
}
