// Glass-to-glass benchmark (make bench; scripts/bench-glass.sh runs it in a network namespace with only lo):
// the desktop app (native engine) in a call with a Chromium page, beside two Chromium pages in a call with each
// other, measured in the same run. Every sender draws the clock into its camera picture (?stamp=1 /
// PARLEY_BENCH_STAMP=1: frontend/src/lib/bench/stamp.ts) and every receiver reads it back: a Chromium page from
// what its tile's <video> shows (on each animation frame), the app from each decoded frame as it is drawn on the
// canvas its tile shows (WebKit's drawImage of that <video> returns no readable frame) — so the app's receiving
// figure stops a compositing step (a few ms) earlier than Chromium's;
// latency per direction (p50, p95), the frame rate received, and the CPU of each end's process group (the app:
// parley + its WebKit processes; a Chromium end: its browser processes) over the same window.
//
//   node glass.bench.mjs            BENCH_GLASS_SECONDS (default 20) measured seconds per call
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DesktopApp, Guest, Server, Xvfb, freePort, ms, sleep, tempDir, until } from './helpers.mjs';

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_GLASS_SECONDS || 20);
const WARMUP_MS = 4000;
const VIEW = { width: 1100, height: 760 };

/** A 640×480@30 fake camera for Chromium (looped by it): a moving test pattern, like a real camera's motion. */
async function camera() {
  const file = path.join(tempDir(), 'cam640.y4m');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=30', '-t', '3', '-pix_fmt', 'yuv420p',
    '-f', 'yuv4mpegpipe', file], { timeout: ms(60000) });
  return file;
}

const TICK = 100; // USER_HZ on Linux
/** CPU seconds used so far by the processes of the process group `pgid`, in all and by program name. */
function groupCPU(pgid) {
  const by = {};
  let ticks = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat;
    try { stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8'); } catch { continue; }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[2]) !== pgid) continue;
    const t = Number(f[11]) + Number(f[12]);
    ticks += t;
    by[comm] = (by[comm] ?? 0) + t / TICK;
  }
  return { total: ticks / TICK, by };
}

function pct(list, p) {
  if (list.length === 0) return NaN;
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function glassOf(guest) {
  return guest.page.evaluate(() => window.__parley.glass());
}

/** Measures a call for SECONDS: per direction the latencies, and per end the CPU share of one core. */
async function measure({ ends, directions }) {
  for (const d of directions) await d.take(); // drop the warm-up samples
  const cpu0 = ends.map((e) => groupCPU(e.pgid));
  const fps0 = await Promise.all(directions.map((d) => d.frames()));
  const t0 = Date.now();
  const samples = directions.map(() => []);
  while (Date.now() - t0 < SECONDS * 1000) {
    await sleep(1000);
    for (const [i, d] of directions.entries()) samples[i].push(...(await d.take()));
  }
  const secs = (Date.now() - t0) / 1000;
  const cpu1 = ends.map((e) => groupCPU(e.pgid));
  const cpu = ends.map((e, i) => (cpu1[i].total - cpu0[i].total) / secs * 100);
  const parts = ends.map((e, i) => Object.entries(cpu1[i].by)
    .map(([comm, v]) => [comm, ((v - (cpu0[i].by[comm] ?? 0)) / secs) * 100])
    .filter(([, v]) => v >= 1).sort((a, b) => b[1] - a[1]).map(([comm, v]) => `${comm} ${v.toFixed(0)} %`).join(', '));
  const fps1 = await Promise.all(directions.map((d) => d.frames()));
  return {
    directions: directions.map((d, i) => ({
      name: d.name, n: samples[i].length, p50: pct(samples[i], 50), p95: pct(samples[i], 95), fps: (fps1[i] - fps0[i]) / secs,
    })),
    ends: ends.map((e, i) => ({ name: e.name, cpu: cpu[i], parts: parts[i] })),
  };
}

/** A direction read by a Chromium page: its glass samples and framesDecoded of `peerId`'s camera. */
function pageDirection(name, guest, peerId) {
  return {
    name,
    take: async () => (await glassOf(guest))[peerId] ?? [],
    frames: async () => (await guest.stats()).find((s) => s.peerId === peerId && s.kind === 'camera')?.framesDecoded ?? 0,
  };
}

/** A direction read by the app: the glassMs of its --stats lines for `peerId` since the last take. */
function appDirection(name, app, peerId) {
  let seen = app.remotes.length;
  return {
    name,
    take: async () => {
      const lines = app.remotes.slice(seen).filter((l) => l.peer === peerId);
      seen = app.remotes.length;
      return lines.flatMap((l) => l.glassMs ?? []);
    },
    frames: async () => app.remotes.findLast((l) => l.peer === peerId)?.framesDecoded ?? 0,
  };
}

async function reference(cam) {
  const server = await new Server(await freePort()).start();
  const a = await new Guest('ref-a').launch(VIEW, [`--use-file-for-fake-video-capture=${cam}`]);
  const b = await new Guest('ref-b').launch(VIEW, [`--use-file-for-fake-video-capture=${cam}`]);
  try {
    await a.join(server.url, 'ref', '&stamp=1');
    await b.join(server.url, 'ref', '&stamp=1');
    await Promise.all([a.waitDecodes(b.id), b.waitDecodes(a.id)]);
    await sleep(WARMUP_MS);
    return await measure({
      ends: [{ name: 'Chromium end A', pgid: a.server.process().pid }, { name: 'Chromium end B', pgid: b.server.process().pid }],
      directions: [pageDirection('Chromium → Chromium', b, a.id), pageDirection('Chromium → Chromium (back)', a, b.id)],
    });
  } finally {
    await Promise.all([a.close(), b.close()]);
    await server.stop();
  }
}

async function desktop(xvfb, cam) {
  const app = await new DesktopApp(xvfb, ['--host', '--room', 'g2g', '--name', 'desk', '--stats'], 'app', { PARLEY_BENCH_STAMP: '1' }).start();
  const g = await new Guest('guest').launch(VIEW, [`--use-file-for-fake-video-capture=${cam}`]);
  try {
    const url = await app.hostingURL();
    await g.join(url, 'g2g', '&stamp=1');
    const deskId = await until(() => g.page.evaluate(() => window.__parley.peerIds()[0]), (id) => typeof id === 'string',
      { what: 'the guest to see the app' });
    await g.waitDecodes(deskId);
    await until(() => app.remotes.findLast((l) => l.peer === g.id), (l) => l?.framesDecoded > 30, { timeout: ms(30000), what: 'the app to decode' });
    const win = await app.window();
    await app.click(win.width / 2, 12); // audio output starts after a gesture (WebKit)
    await sleep(WARMUP_MS);
    return await measure({
      ends: [{ name: 'app (parley + WebKit)', pgid: app.child.pid }, { name: 'Chromium end', pgid: g.server.process().pid }],
      directions: [pageDirection('app → Chromium', g, deskId), appDirection('Chromium → app', app, g.id)],
    });
  } finally {
    await g.close();
    await app.stop();
  }
}

const f = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

async function main() {
  const xvfb = await new Xvfb().start();
  try {
    const cam = await camera();
    const ref = await reference(cam);
    const app = await desktop(xvfb, cam);
    const refP50 = (ref.directions[0].p50 + ref.directions[1].p50) / 2;
    const refCPU = (ref.ends[0].cpu + ref.ends[1].cpu) / 2;
    console.log(`\nGlass-to-glass, 640×480@30 cameras, ${SECONDS} s per call (clock drawn into the picture, read from the shown frame)\n`);
    console.log('| direction | samples | p50 ms | p95 ms | fps received | p50 / Chromium⇄Chromium |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const d of [...ref.directions, ...app.directions]) {
      console.log(`| ${d.name} | ${d.n} | ${f(d.p50)} | ${f(d.p95)} | ${f(d.fps, 1)} | ${f(d.p50 / refP50, 2)} |`);
    }
    console.log('\n| end | CPU % of one core | / a Chromium end of the reference call | by process |');
    console.log('| --- | --- | --- | --- |');
    for (const e of [...ref.ends, ...app.ends]) console.log(`| ${e.name} | ${f(e.cpu)} | ${f(e.cpu / refCPU, 2)} | ${e.parts} |`);
    const appP50 = Math.max(app.directions[0].p50, app.directions[1].p50);
    console.log(`\ntargets: app latency p50 ≤ 1.5× Chromium⇄Chromium: ${f(appP50 / refP50, 2)}×; app CPU ≤ 1.3× a Chromium end: ${f(app.ends[0].cpu / refCPU, 2)}×`);
    const bad = [...ref.directions, ...app.directions].filter((d) => d.n < SECONDS * 5);
    if (bad.length > 0) {
      console.error(`glass bench: too few latency samples for ${bad.map((d) => d.name).join(', ')} (stamps not read: is the call decoding?)`);
      process.exitCode = 1;
    }
  } finally {
    await xvfb.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
