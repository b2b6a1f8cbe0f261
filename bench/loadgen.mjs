#!/usr/bin/env node
// The load generator for the signaling benchmark: one Node process, socket.io-client@4 over the websocket
// transport, run unchanged against parley-server and against the reference server (reference-server.mjs).
//
//   node loadgen.mjs --url http://127.0.0.1:PORT --pid SERVER_PID --scenario NAME [--duration 5] [--warmup 1]
//                    [--out result.json] [--chat-window 4] [--pad BYTES] [--window N]
//
// Scenarios (see README.md):
//   pair1    two members, A signals B, 1 message in flight
//   pair32   two members, A signals B, a window of 32 messages in flight
//   pair     the same with --window N in flight (1..1023), for ad-hoc runs; --pad adds BYTES of SDP-like data
//   room10   ten members chatting, each with a window of --chat-window messages not yet delivered to everyone
//   idle2000 2,000 idle clients joined to 200 rooms of 10: the server's RSS before and after
//
// Every message carries a sequence number; a lost, duplicated or reordered message, an error ack or an unexpected
// disconnect makes the run fail (exit status 1). Figures go to --out (JSON) and a one-line summary to stderr.
import { io as ioc } from 'socket.io-client';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

// ---- arguments -------------------------------------------------------------------------------------------------
const opts = {
  url: '', pid: 0, scenario: '', duration: 5, warmup: 1, out: '',
  chatWindow: 4, clients: 2000, roomSize: 10, settle: 5, pad: 0, window: 0,
};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    let [k, v] = argv[i].split(/=(.*)/s, 2);
    if (v === undefined) v = argv[++i];
    switch (k) {
      case '--url': opts.url = v; break;
      case '--pid': opts.pid = Number(v); break;
      case '--scenario': opts.scenario = v; break;
      case '--duration': opts.duration = Number(v); break;
      case '--warmup': opts.warmup = Number(v); break;
      case '--out': opts.out = v; break;
      case '--chat-window': opts.chatWindow = Number(v); break;
      case '--clients': opts.clients = Number(v); break;
      case '--room-size': opts.roomSize = Number(v); break;
      case '--settle': opts.settle = Number(v); break;
      case '--pad': opts.pad = Number(v); break;
      case '--window': opts.window = Number(v); break;
      default: die(`unknown argument ${k}`);
    }
  }
  if (!opts.url || !opts.pid || !opts.scenario) die('usage: loadgen.mjs --url URL --pid PID --scenario NAME');
}

function die(msg) {
  process.stderr.write(`loadgen: FAIL: ${msg}\n`);
  process.exit(1);
}
// Any failure anywhere (an event handler included) ends the run at once, loudly.
let failed = false;
function fail(msg) {
  if (failed) return;
  failed = true;
  die(`${opts.scenario}: ${msg}`);
}
process.on('unhandledRejection', (e) => fail(e?.stack || String(e)));
process.on('uncaughtException', (e) => fail(e?.stack || String(e)));

// ---- the server process: CPU and memory from /proc ---------------------------------------------------------------
const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100; } catch { return 100; }
})();
/** Server CPU time (user + system, all threads) in microseconds. */
function serverCpuUs() {
  const stat = readFileSync(`/proc/${opts.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
  return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK; // utime = field 14, stime = field 15
}
/**
 * CPU time the whole machine spent in processes (user, nice, system, steal; all cores), in microseconds. Interrupt
 * and softirq time is left out: loopback TCP is processed there and is not charged to any process.
 */
function machineBusyUs() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return ((f[0] + f[1] + f[2] + (f[7] || 0)) * 1e6) / CLK_TCK; // user nice system idle iowait irq softirq steal
}
/** Server VmRSS in KiB. */
function serverRssKiB() {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${opts.pid}/status`, 'utf8'));
  if (!m) fail(`no VmRSS for pid ${opts.pid}`);
  return Number(m[1]);
}

// ---- small helpers ---------------------------------------------------------------------------------------------
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const clients = [];
let expectDisconnects = false;

function connect(url) {
  return new Promise((resolve, reject) => {
    const s = ioc(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 15000 });
    const t = setTimeout(() => reject(new Error('connect timed out')), 20000);
    s.once('connect', () => { clearTimeout(t); resolve(s); });
    s.once('connect_error', (e) => { clearTimeout(t); reject(new Error(`connect_error: ${e.message}`)); });
    s.on('disconnect', (reason) => { if (!expectDisconnects) fail(`client ${s.id} disconnected: ${reason}`); });
    clients.push(s);
  });
}

/** emit with an ack, bounded in time; resolves to the ack payload, which must be {ok: true, ...}. */
function request(s, ev, payload, ms = 15000) {
  return new Promise((resolve, reject) => {
    s.timeout(ms).emit(ev, payload, (err, res) => {
      if (err) return reject(new Error(`${ev}: no ack within ${ms} ms`));
      if (!res || res.ok !== true) return reject(new Error(`${ev}: error ack ${JSON.stringify(res)}`));
      resolve(res);
    });
  });
}

/** Waits (bounded) until cond() holds. */
async function waitFor(cond, ms, what) {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Growable Float64 list of latencies (ms). */
class Samples {
  constructor() { this.a = new Float64Array(1 << 16); this.n = 0; }
  push(v) {
    if (this.n === this.a.length) { const b = new Float64Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
  sorted() { return this.a.slice(0, this.n).sort(); }
}

/**
 * Runs traffic through a warm-up and a measured window. start() begins sending; the callbacks given to the
 * scenario see `phase.measuring`. Returns the measured window's wall time, server CPU and loadgen CPU.
 */
async function timedRun(phase, start, progress) {
  phase.measuring = false;
  phase.sending = true;
  start();
  // A watchdog: traffic with a window stalls for good when a message is lost.
  let last = progress(), lastAt = performance.now();
  const dog = setInterval(() => {
    const p = progress();
    if (p !== last) { last = p; lastAt = performance.now(); } else if (performance.now() - lastAt > 5000) {
      fail(`no progress for 5 s (stuck at ${p}): a message was lost`);
    }
  }, 250);
  await sleep(opts.warmup * 1000);
  const cpu0 = serverCpuUs(), my0 = process.cpuUsage(), all0 = machineBusyUs(), t0 = performance.now();
  phase.measuring = true;
  await sleep(opts.duration * 1000);
  phase.measuring = false;
  const t1 = performance.now(), cpu1 = serverCpuUs(), my1 = process.cpuUsage(my0), all1 = machineBusyUs();
  phase.sending = false;
  clearInterval(dog);
  const serverCpu = cpu1 - cpu0, loadgenCpu = my1.user + my1.system;
  return {
    seconds: (t1 - t0) / 1000, serverCpuUs: serverCpu, loadgenCpuUs: loadgenCpu,
    otherCpuUs: Math.max(0, all1 - all0 - serverCpu - loadgenCpu),
  };
}

function metric(label, value, unit, better) {
  return { label, value, unit, better };
}

// ---- scenario: a pair, A signals B with a window of `window` messages in flight ------------------------------
// A realistic trickle-ICE candidate (~150 bytes of data).
const CANDIDATE = 'candidate:842163049 1 udp 1677729535 192.0.2.10 54321 typ srflx raddr 10.0.0.2 rport 54321 ' +
  'generation 0 ufrag sEMT network-cost 999';

async function pair(window) {
  const room = `bench-pair-${process.pid}`;
  const a = await connect(opts.url), b = await connect(opts.url);
  const ja = await request(a, 'join', { room, name: 'A' });
  const jb = await request(b, 'join', { room, name: 'B' });
  const aId = ja.self.id, bId = jb.self.id;
  if (jb.peers.length !== 1 || jb.peers[0].id !== aId) fail(`join ack peers ${JSON.stringify(jb.peers)}`);

  if (!(window >= 1 && window < 1024)) fail(`window ${window}: 1 to 1023`);
  const RING = 1024; // > window; B receives in order, so seq % RING never collides with an unreceived one
  const sentAt = new Float64Array(RING);
  const lat = new Samples();
  const phase = {};
  let nextSeq = 0, expect = 0, acksOut = 0, measured = 0;

  const onAck = (res) => {
    acksOut--;
    if (!res || res.ok !== true) fail(`signal: error ack ${JSON.stringify(res)}`);
  };
  const PAD = 'v=0 o=- 1 2 IN IP4 127.0.0.1 s=- t=0 0 '.repeat(Math.ceil(opts.pad / 40)).slice(0, opts.pad);
  const send = () => {
    const seq = nextSeq++;
    acksOut++;
    sentAt[seq % RING] = performance.now();
    const data = { seq, candidate: CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 };
    if (PAD) data.sdp = PAD;
    a.emit('signal', { to: bId, kind: 'candidate', data }, onAck);
  };
  b.on('signal', (m) => {
    const now = performance.now();
    const seq = m?.data?.seq;
    if (m.from !== aId || m.kind !== 'candidate' || m.data.candidate !== CANDIDATE || (PAD && m.data.sdp !== PAD)) fail(`bad signal ${JSON.stringify(m)}`);
    if (seq !== expect) fail(seq < expect ? `duplicate or reordered signal: got seq ${seq}, expected ${expect}`
      : `lost or reordered signal: got seq ${seq}, expected ${expect}`);
    expect++;
    if (phase.measuring) { lat.push(now - sentAt[seq % RING]); measured++; }
    if (phase.sending) send();
  });
  a.on('signal', (m) => fail(`A received an unexpected signal ${JSON.stringify(m)}`));

  const r = await timedRun(phase, () => { for (let i = 0; i < window; i++) send(); }, () => expect);
  await waitFor(() => expect === nextSeq && acksOut === 0, 10000,
    `the last signals (sent ${nextSeq}, received ${expect}, acks outstanding ${acksOut})`);
  const s = lat.sorted();
  return {
    summary: `${measured} relayed in ${r.seconds.toFixed(2)} s; total ${nextSeq} sent, all received in order`,
    metrics: [
      metric('relayed msgs/s', measured / r.seconds, 'msg/s', 'higher'),
      metric('latency p50', percentile(s, 50), 'ms', 'lower'),
      metric('latency p99', percentile(s, 99), 'ms', 'lower'),
      metric('server CPU per msg', r.serverCpuUs / measured, 'µs', 'lower'),
      metric('server CPU', (100 * r.serverCpuUs) / (r.seconds * 1e6), '% core', 'info'),
      metric('loadgen CPU', (100 * r.loadgenCpuUs) / (r.seconds * 1e6), '% core', 'info'),
      metric('other processes CPU', (100 * r.otherCpuUs) / (r.seconds * 1e6), '% core', 'info'),
    ],
  };
}

// ---- scenario: a room of n members chatting -------------------------------------------------------------------
const FILLER = ' hello everyone, can you hear me? my camera is back on now';

async function room(n, window) {
  const roomName = `bench-room-${process.pid}`;
  const members = [];
  for (let i = 0; i < n; i++) members.push(await connect(opts.url));
  const ids = [];
  for (let i = 0; i < n; i++) {
    const j = await request(members[i], 'join', { room: roomName, name: `member ${i}` });
    if (j.peers.length !== i) fail(`member ${i} joined with ${j.peers.length} peers, expected ${i}`);
    ids.push(j.self.id);
  }
  const index = new Map(ids.map((id, i) => [id, i]));

  const RING = 1024; // > window
  const sentAt = new Float64Array(n * RING); // [sender * RING + seq % RING]
  const remaining = new Int32Array(n * RING); // deliveries still due for that message
  const nextSeq = new Int32Array(n); // per sender
  const expect = new Int32Array(n * n); // [receiver * n + sender]: next seq due
  const lastId = new Float64Array(n).fill(-1);
  const minId = new Float64Array(n).fill(Infinity), maxId = new Float64Array(n).fill(-Infinity);
  const idSum = new Float64Array(n), got = new Float64Array(n);
  let idOutOfOrder = 0, deliveries = 0, measured = 0, acksOut = 0;
  const lat = new Samples();
  const phase = {};

  const send = (i) => {
    const seq = nextSeq[i]++;
    const k = i * RING + (seq % RING);
    if (remaining[k] !== 0) fail(`window overrun for member ${i}`);
    remaining[k] = n;
    const text = `${seq}${FILLER}`;
    acksOut++;
    sentAt[k] = performance.now();
    members[i].emit('chat', { text }, (res) => {
      acksOut--;
      if (!res || res.ok !== true) fail(`chat: error ack ${JSON.stringify(res)}`);
      const m = res.message;
      if (!m || m.from !== ids[i] || m.text !== text || typeof m.id !== 'number') fail(`chat ack message ${JSON.stringify(m)}`);
    });
  };
  for (let r = 0; r < n; r++) {
    members[r].on('chat', (m) => {
      const now = performance.now();
      const i = index.get(m.from);
      if (i === undefined) fail(`chat from an unknown member ${JSON.stringify(m)}`);
      const seq = parseInt(m.text, 10);
      if (m.text !== `${seq}${FILLER}` || m.name !== `member ${i}`) fail(`bad chat ${JSON.stringify(m)}`);
      const e = expect[r * n + i];
      if (seq !== e) fail(`member ${r}: ${seq < e ? 'duplicate or reordered' : 'lost or reordered'} chat from member ${i}: got seq ${seq}, expected ${e}`);
      expect[r * n + i] = e + 1;
      // The room's message ids: one per message; each member should see every id once.
      if (typeof m.id !== 'number') fail(`chat without a numeric id ${JSON.stringify(m)}`);
      if (lastId[r] >= 0 && m.id !== lastId[r] + 1) idOutOfOrder++;
      lastId[r] = m.id;
      if (m.id < minId[r]) minId[r] = m.id;
      if (m.id > maxId[r]) maxId[r] = m.id;
      idSum[r] += m.id;
      got[r]++;
      deliveries++;
      const k = i * RING + (seq % RING);
      if (phase.measuring) { lat.push(now - sentAt[k]); measured++; }
      if (--remaining[k] === 0 && phase.sending) send(i);
    });
  }

  const r = await timedRun(phase, () => {
    for (let w = 0; w < window; w++) for (let i = 0; i < n; i++) send(i);
  }, () => deliveries);
  let sent = 0;
  for (let i = 0; i < n; i++) sent += nextSeq[i];
  await waitFor(() => deliveries === sent * n && acksOut === 0, 15000,
    `the last chat messages (sent ${sent}, delivered ${deliveries} of ${sent * n}, acks outstanding ${acksOut})`);
  // Every member got `sent` messages; their ids must be distinct and contiguous (same first id for everyone).
  const lo = minId[0], hi = lo + sent - 1, want = ((lo + hi) * sent) / 2;
  for (let m = 0; m < n; m++) {
    if (got[m] !== sent || minId[m] !== lo || maxId[m] !== hi || idSum[m] !== want) {
      fail(`member ${m}: chat ids are not ${lo}..${hi} each once (got ${got[m]} messages, ids ${minId[m]}..${maxId[m]}, sum ${idSum[m]}, want ${want})`);
    }
  }
  if (idOutOfOrder > 0) process.stderr.write(`loadgen: WARNING: room10: ${idOutOfOrder} chat deliveries arrived out of id order (per-sender order was kept)\n`);
  const s = lat.sorted();
  return {
    summary: `${measured} deliveries in ${r.seconds.toFixed(2)} s; total ${sent} messages × ${n} members, all delivered in order`,
    metrics: [
      metric('deliveries/s', measured / r.seconds, 'msg/s', 'higher'),
      metric('latency p50', percentile(s, 50), 'ms', 'lower'),
      metric('latency p99', percentile(s, 99), 'ms', 'lower'),
      metric('server CPU per delivery', r.serverCpuUs / measured, 'µs', 'lower'),
      metric('server CPU', (100 * r.serverCpuUs) / (r.seconds * 1e6), '% core', 'info'),
      metric('loadgen CPU', (100 * r.loadgenCpuUs) / (r.seconds * 1e6), '% core', 'info'),
      metric('other processes CPU', (100 * r.otherCpuUs) / (r.seconds * 1e6), '% core', 'info'),
      metric('chat id out of order', idOutOfOrder, 'count', 'info'),
    ],
  };
}

// ---- scenario: many idle clients, memory ------------------------------------------------------------------------
async function healthz() {
  try {
    const res = await fetch(new URL('/healthz', opts.url), { signal: AbortSignal.timeout(5000) });
    if (!res.ok) fail(`/healthz: HTTP ${res.status}`);
    return await res.json();
  } catch (err) {
    return fail(`/healthz: ${err.message}`);
  }
}

async function idle(count, roomSize) {
  await sleep(500);
  const rssBefore = serverRssKiB();
  const cpu0 = serverCpuUs();
  const t0 = performance.now();
  const BATCH = 50;
  let joined = 0;
  for (let base = 0; base < count; base += BATCH) {
    const batch = [];
    for (let i = base; i < Math.min(count, base + BATCH); i++) {
      batch.push((async () => {
        const s = await connect(opts.url);
        const room = `idle-${Math.floor(i / roomSize)}`;
        await request(s, 'join', { room, name: `user ${i}` });
        joined++;
      })());
    }
    await Promise.all(batch);
  }
  const joinSeconds = (performance.now() - t0) / 1000;
  const cpu1 = serverCpuUs(), t1 = performance.now();
  // Settle: let every connection go through at least one ping/pong (interval 3 s) and the joins' garbage go.
  await sleep(opts.settle * 1000);
  const rssAfter = serverRssKiB();
  const idleCpu = (100 * (serverCpuUs() - cpu1)) / ((performance.now() - t1) * 1000);
  const h = await healthz();
  if (h.participants !== count) fail(`/healthz says ${h.participants} participants, expected ${count}`);
  return {
    summary: `${joined} clients connected and joined ${Math.ceil(count / roomSize)} rooms in ${joinSeconds.toFixed(1)} s` +
      `; /healthz: ${h.rooms} rooms, ${h.participants} participants`,
    metrics: [
      metric('RSS before', rssBefore / 1024, 'MiB', 'lower'),
      metric(`RSS with ${count} joined`, rssAfter / 1024, 'MiB', 'lower'),
      metric('RSS per client', rssAfter > rssBefore ? (rssAfter - rssBefore) / count : 0, 'KiB', 'lower'),
      metric('connect+join rate', count / joinSeconds, 'clients/s', 'higher'),
      metric('server CPU per connect+join', (cpu1 - cpu0) / count, 'µs', 'lower'),
      metric('server CPU, all idle', idleCpu, '% core', 'lower'),
    ],
  };
}

// ---- main ------------------------------------------------------------------------------------------------------
const scenarios = {
  pair1: { title: 'pair, 1 in flight', run: () => pair(1) },
  pair32: { title: 'pair, 32 in flight', run: () => pair(32) },
  pair: { title: `pair, ${opts.window} in flight`, run: () => pair(opts.window) },
  room10: { title: `10-person room chat`, run: () => room(10, opts.chatWindow) },
  idle2000: { title: `${opts.clients} idle clients`, run: () => idle(opts.clients, opts.roomSize) },
};
const sc = scenarios[opts.scenario];
if (!sc) die(`unknown scenario ${opts.scenario} (one of ${Object.keys(scenarios).join(', ')})`);

const result = await sc.run();
if (failed) process.exit(1);
expectDisconnects = true;
for (const s of clients) s.disconnect();
const out = { scenario: opts.scenario, title: sc.title, summary: result.summary, metrics: result.metrics };
process.stderr.write(`loadgen: ${opts.scenario}: ${result.summary}\n`);
if (opts.out) writeFileSync(opts.out, JSON.stringify(out, null, 1));
else process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
