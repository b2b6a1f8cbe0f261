// Helpers for the desktop end-to-end suite: one Xvfb for the suite, the real Parley app (build/bin/parley) with
// its stdout parsed (the `hosting on URL` line and the --stats JSON lines), parley-server, headless Chromium
// guests (Playwright, Debian Chromium), xdotool input into the app window, bounded waits, and failure artefacts
// (screenshots of the screen and the pages, app/server/page logs) in test-results/desktop/. Run it through
// scripts/test-desktop-e2e.sh, which gives the suite a network and PID namespace with only loopback.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import {
  ms, sleep, makeUntil, freePort, makeTempDir, Log as TailLog, spawnLogged as spawnTracked, endGroup as endProcessGroup,
  chromiumArgs as harnessChromiumArgs, launchChromium, closeWithin, recordPageLogs, scenarioTest, timedNote, startAnnounced, Bridge,
} from '../lib/harness.mjs';

export { ms, sleep, freePort, CHROMIUM } from '../lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const RESULTS_DIR = path.join(ROOT, 'test-results', 'desktop');
export const APP = path.resolve(ROOT, process.env.PARLEY_APP || 'build/bin/parley');
export const SERVER = path.resolve(ROOT, process.env.PARLEY_SERVER || 'bin/parley-server');
export const PIONPEER = path.resolve(ROOT, process.env.PARLEY_PIONPEER || 'bin/pionpeer');

/** Every bound is multiplied by PARLEY_E2E_SLOW (default 1): ms() of ../lib/harness.mjs. */
export const UI_TIMEOUT = ms(15000);
/** From the app's start to its first stdout line / first stats line (WebKit start-up under Xvfb: 1–2 s idle). */
const APP_START_TIMEOUT = ms(40000);
const XVFB_TIMEOUT = ms(10000);
const SERVER_START_TIMEOUT = ms(10000);
const BROWSER_LAUNCH_TIMEOUT = ms(30000);
const PAGE_LOAD_TIMEOUT = ms(15000);
const CLOSE_TIMEOUT = ms(10000);
/** From joining to the first decoded frame of a peer (the native engine's first keyframe comes on request). */
export const MEDIA_TIMEOUT = ms(30000);
const TOOL_TIMEOUT = ms(10000);
const LOG_TAIL = 512 * 1024;

const run = promisify(execFile);

export const tempDir = makeTempDir('parley-desktop-');

/** Polls `probe()` until `check(value)`; bounded (default UI_TIMEOUT); throws with `what` and the last value seen. */
export const until = makeUntil(UI_TIMEOUT);

/** Spawns a process in its own process group (so its helpers die with it), logging into `sink.keep`. */
function spawnLogged(cmd, args, sink, opts = {}) {
  return spawnTracked(cmd, args, (s) => sink.keep(s), { detached: true, ...opts });
}

/** Ends a process group: SIGTERM, then SIGKILL after `grace` ms. */
function endGroup(child, grace = CLOSE_TIMEOUT) {
  return endProcessGroup(child, grace);
}

class Log extends TailLog {
  constructor() { super(LOG_TAIL); }
}

// --- Xvfb -------------------------------------------------------------------------------------------------------

/** One X server for the suite (1280×800); `display` is ":N". */
export class Xvfb {
  constructor() {
    this.log = new Log();
    this.display = '';
    this.child = null;
  }

  async start() {
    const dir = tempDir();
    const displayFile = path.join(dir, 'xvfb-display');
    const fd = fs.openSync(displayFile, 'w');
    try {
      this.child = spawnLogged('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], this.log,
        { stdio: ['ignore', 'pipe', 'pipe', fd] });
    } finally {
      fs.closeSync(fd);
    }
    this.child.stderr.on('data', (c) => this.log.keep(c.toString()));
    const n = await until(() => fs.readFileSync(displayFile, 'utf8').replace(/\D/g, ''), (s) => {
      if (this.child.exitCode !== null) throw new Error(`Xvfb exited:\n${this.log.text.slice(-2000)}`);
      return s !== '';
    }, { timeout: XVFB_TIMEOUT, interval: 100, what: 'Xvfb to report its display' });
    this.display = `:${n}`;
    return this;
  }

  env() { return { ...process.env, DISPLAY: this.display }; }

  /** A screenshot of the whole screen (`import -window root`). */
  async screenshot(file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await run('import', ['-window', 'root', file], { env: this.env(), timeout: TOOL_TIMEOUT });
    return file;
  }

  /** Distinct colours and light pixels (ppm) of an image: a blank screen has a handful of colours, the app thousands. */
  async imageStats(file) {
    const { stdout: colours } = await run('convert', [file, '-format', '%k', 'info:'], { timeout: TOOL_TIMEOUT });
    const { stdout: bright } = await run('convert', [file, '-colorspace', 'Gray', '-threshold', '70%', '-format', '%[fx:int(mean*1000000)]', 'info:'],
      { timeout: TOOL_TIMEOUT });
    return { colours: Number(colours.trim()), brightPpm: Number(bright.trim()) };
  }

  async xdotool(...args) {
    const { stdout } = await run('xdotool', args, { env: this.env(), timeout: TOOL_TIMEOUT });
    return stdout;
  }

  async stop() { await endGroup(this.child, 3000); }
}

// --- the app ----------------------------------------------------------------------------------------------------

/**
 * The Parley app, started with `args` (and PARLEY_FAKE_MEDIA=1) under `xvfb`, with a private HOME (fresh
 * settings, fresh WebKit storage). stdout is parsed: `hosting on URL` and the --stats lines
 * ({"peer":…} per remote participant, {"local":true,…}).
 */
export class DesktopApp {
  /** `env`: more environment for the app (PARLEY_BENCH_STAMP=1 for the glass-to-glass benchmark). */
  constructor(xvfb, args, name = 'app', env = {}) {
    this.xvfb = xvfb;
    this.args = args;
    this.extraEnv = env;
    this.name = name;
    this.log = new Log();
    this.stdoutLines = [];
    this.locals = [];
    this.remotes = [];
    this.child = null;
  }

  async start() {
    if (!fs.existsSync(APP)) throw new Error(`${APP} not found: run 'make app'`);
    const home = fs.mkdtempSync(path.join(tempDir(), 'home-'));
    this.home = home;
    const env = {
      ...this.xvfb.env(),
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local/share'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      NO_AT_BRIDGE: '1',
      PARLEY_FAKE_MEDIA: '1',
      ...this.extraEnv,
    };
    this.log.keep(`--- start ${new Date().toISOString()}: ${APP} ${this.args.join(' ')}\n`);
    this.started = Date.now();
    this.child = spawnLogged(APP, this.args, this.log, { env });
    this.child.stderr.on('data', (c) => this.log.keep(c.toString()));
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (l) => this.line(l));
    return this;
  }

  line(l) {
    const t = ((Date.now() - this.started) / 1000).toFixed(1);
    this.log.keep(`[stdout +${t}s] ${l}\n`);
    this.stdoutLines.push(l);
    if (this.stdoutLines.length > 5000) this.stdoutLines.splice(0, 1000);
    if (!l.startsWith('{')) return;
    try {
      const o = JSON.parse(l);
      if (o.local === true) {
        this.locals.push(o);
        if (this.locals.length > 2000) this.locals.splice(0, 500);
      } else if (typeof o.peer === 'string') {
        this.remotes.push(o);
        if (this.remotes.length > 2000) this.remotes.splice(0, 500);
      }
    } catch { /* not a stats line */ }
  }

  alive() { return this.child && this.child.exitCode === null && this.child.signalCode === null; }

  /** Waits for the first stdout line, which with --host must be `hosting on http://ADDR:PORT`; returns the URL. */
  async hostingURL() {
    const first = await until(() => {
      if (!this.alive() && this.stdoutLines.length === 0) throw new Error(`the app exited:\n${this.log.text.slice(-3000)}`);
      return this.stdoutLines[0];
    }, (l) => l !== undefined, { timeout: APP_START_TIMEOUT, interval: 100, what: `${this.name}: its first stdout line` });
    const m = /^hosting on (http:\/\/\S+)$/.exec(first.trim());
    if (!m) throw new Error(`${this.name}: the first stdout line is ${JSON.stringify(first)}, want "hosting on http://ADDR:PORT"`);
    return m[1].replace(/\/$/, '');
  }

  /** The app's settings file (os.UserConfigDir()/parley/settings.json under its private HOME), parsed; null if none. */
  settings() {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.home, '.config', 'parley', 'settings.json'), 'utf8'));
    } catch {
      return null;
    }
  }

  /** The last --stats local line (or undefined). */
  lastLocal() { return this.locals.at(-1); }

  /** Waits until a --stats local line satisfies `check`; returns it. */
  async waitLocal(check, what, timeout = UI_TIMEOUT) {
    return until(() => {
      if (!this.alive()) throw new Error(`${this.name} exited`);
      return this.lastLocal();
    }, (l) => l !== undefined && check(l), { timeout, interval: 200, what: `${this.name} --stats local line: ${what}` });
  }

  /** The app's top-level window: {id, x, y, width, height}. */
  async window() {
    const ids = (await until(() => this.xvfb.xdotool('search', '--onlyvisible', '--name', '^Parley$'),
      (out) => out.trim() !== '', { timeout: UI_TIMEOUT, what: `${this.name}: a visible window named Parley` })).trim().split(/\s+/);
    const id = ids.at(-1);
    const geo = await this.xvfb.xdotool('getwindowgeometry', '--shell', id);
    const g = Object.fromEntries(geo.trim().split('\n').map((l) => l.split('=')));
    return { id, x: Number(g.X), y: Number(g.Y), width: Number(g.WIDTH), height: Number(g.HEIGHT) };
  }

  /** Clicks at (x, y) of the app's window (real X input: xdotool). */
  async click(x, y) {
    const w = await this.window();
    // Not --sync: it waits for the pointer to move, forever when it is already there (a second click in place).
    await this.xvfb.xdotool('mousemove', String(Math.round(w.x + x)), String(Math.round(w.y + y)));
    await sleep(100);
    await this.xvfb.xdotool('click', '1');
    await sleep(300);
  }

  /** Types text into whatever has the keyboard focus. */
  async type(text) {
    await this.xvfb.xdotool('type', '--delay', '40', text);
  }

  /** Presses keys one after another (xdotool key names: Tab, shift+Tab, Left, Return, …). */
  async keys(...names) {
    for (const k of names) {
      await this.xvfb.xdotool('key', k);
      await sleep(150);
    }
  }

  /** Clicks at (x, y) of the app's window, then types `text` and presses Enter. */
  async clickAndType(x, y, text) {
    await this.click(x, y);
    await this.type(text);
    await this.keys('Return');
  }

  /** Waits until the app's log (stderr and stdout) matches `re` `count` times. */
  async waitLog(re, what, count = 1, timeout = UI_TIMEOUT) {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    return until(() => (this.log.text.match(g) ?? []).length, (n) => n >= count, { timeout, what: `${this.name} log: ${what}` });
  }

  async stop() { return endGroup(this.child); }
}

// --- parley-server ----------------------------------------------------------------------------------------------

export class Server {
  constructor(port) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.log = new Log();
    this.child = null;
  }

  async start() {
    if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} not found: run 'make bin/parley-server'`);
    const { child } = await startAnnounced(SERVER, ['--addr', `127.0.0.1:${this.port}`], {
      keep: (s) => this.log.keep(s),
      timeout: SERVER_START_TIMEOUT,
      opts: { detached: true },
      check: (first) => {
        if (first.trim() !== `listening on ${this.url}`) throw new Error(`parley-server said ${JSON.stringify(first)}, want "listening on ${this.url}"`);
      },
    });
    this.child = child;
    return this;
  }

  async stop() { return endGroup(this.child); }
}

// --- the pion test peer -----------------------------------------------------------------------------------------

let pionMedia;
/** The pion peer's media (generated once): VP8 640×480@30 with a key frame a second, Opus 20 ms packets. */
function pionMediaFiles() {
  pionMedia ??= (async () => {
    const dir = tempDir();
    const ivf = path.join(dir, 'pion.ivf');
    const ogg = path.join(dir, 'pion.ogg');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=30', '-t', '5', '-g', '30',
      '-c:v', 'libvpx', '-b:v', '1M', '-f', 'ivf', ivf], { timeout: ms(60000) });
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=500:sample_rate=48000', '-t', '5',
      '-c:a', 'libopus', '-frame_duration', '20', '-page_duration', '20000', '-f', 'ogg', ogg], { timeout: ms(60000) });
    return { ivf, ogg };
  })();
  return pionMedia;
}

let tone;
/**
 * A steady 440 Hz tone for a guest's fake microphone (--use-file-for-fake-audio-capture): Chromium's default fake
 * microphone beeps briefly once a second, which a level sampled once a second mostly misses.
 */
export function toneFile() {
  tone ??= (async () => {
    const wav = path.join(tempDir(), 'tone.wav');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2', '-ac', '1',
      '-c:a', 'pcm_s16le', wav], { timeout: ms(60000) });
    return wav;
  })();
  return tone;
}

/** bin/pionpeer in a room: a plain pion/webrtc participant; `last` is its latest stats line (see test/pionpeer). */
export class PionPeer {
  constructor(name) {
    this.name = name;
    this.log = new Log();
    this.last = null;
  }

  async start(url, room, extra = []) {
    if (!fs.existsSync(PIONPEER)) throw new Error(`${PIONPEER} not found: run 'make bin/pionpeer'`);
    const { ivf, ogg } = await pionMediaFiles();
    const { child, value } = await startAnnounced(PIONPEER,
      ['--server', url, '--room', room, '--name', this.name, '--ivf', ivf, '--ogg', ogg, ...extra], {
        keep: (s) => this.log.keep(s),
        timeout: SERVER_START_TIMEOUT,
        opts: { detached: true },
        check: (line) => {
          const m = /^joined (\S+)$/.exec(line.trim());
          if (!m) throw new Error(`pionpeer said ${JSON.stringify(line)}, want "joined ID"`);
          return m[1];
        },
      });
    this.child = child;
    this.id = value;
    createInterface({ input: child.stdout }).on('line', (l) => {
      try { this.last = JSON.parse(l); } catch { /* not a stats line */ }
    });
    return this;
  }

  /** Its stats of the connection to `peerId` now (or undefined). */
  of(peerId) { return this.last?.peers?.find((p) => p.peer === peerId); }

  /** Waits until its stats of `peerId` satisfy `check`; returns them. */
  async wait(peerId, check, what, timeout = MEDIA_TIMEOUT) {
    return until(() => this.of(peerId), (s) => s !== undefined && check(s), { timeout, interval: 200, what: `${this.name}: ${what}` });
  }

  async stop() { return endGroup(this.child); }
}

// --- Chromium guests --------------------------------------------------------------------------------------------

const chromiumArgs = harnessChromiumArgs();

/** A browser guest: one Chromium of its own, its page and what the page logged. */
export class Guest {
  constructor(name) {
    this.name = name;
    this.logs = [];
  }

  /** `args`: Chromium's flags (default: fake devices, DESIGN.md 3.3); `extra` flags are added to them. */
  async launch(viewport = { width: 1100, height: 760 }, extra = []) {
    const { server, browser, page } = await launchChromium(chromium,
      { args: [...chromiumArgs, ...extra], timeout: BROWSER_LAUNCH_TIMEOUT, viewport });
    this.server = server;
    this.browser = browser;
    this.page = page;
    recordPageLogs(this.page, this.logs);
    return this;
  }

  /** Opens URL/?room=R&name=N&join=1 (and `params`) and waits until the page is in the room (window.__parley.selfId()). */
  async join(url, room, params = '') {
    await this.page.goto(`${url}/?room=${encodeURIComponent(room)}&name=${encodeURIComponent(this.name)}&join=1${params}`,
      { timeout: PAGE_LOAD_TIMEOUT, waitUntil: 'load' });
    this.id = await until(() => this.page.evaluate(() => window.__parley?.selfId() ?? null), (id) => typeof id === 'string' && id !== '',
      { what: `${this.name} to join ${room} (window.__parley.selfId())` });
    return this.id;
  }

  /** window.__parley.stats(): [{peerId, kind, framesDecoded?, width?, height?, rms?}]. */
  async stats() {
    return this.page.evaluate(() => window.__parley.stats());
  }

  /** Waits until framesDecoded of `peerId`'s `kind` video grows over ≥ 1 s; returns that stats entry. */
  async waitDecodes(peerId, kind = 'camera', timeout = MEDIA_TIMEOUT) {
    let prev = null;
    return until(() => this.stats(), (st) => {
      const e = st.find((x) => x.peerId === peerId && x.kind === kind);
      if (typeof e?.framesDecoded !== 'number') return false;
      if (!prev) prev = { f: e.framesDecoded, at: Date.now() };
      else if (Date.now() - prev.at >= 1000) {
        if (e.framesDecoded > prev.f) return true;
        prev = { f: e.framesDecoded, at: Date.now() };
      }
      return false;
    }, { timeout, interval: 250, what: `${this.name} to decode ${peerId}'s ${kind} video (framesDecoded growing)` })
      .then((st) => st.find((x) => x.peerId === peerId && x.kind === kind));
  }

  /** Waits until the RMS of `peerId`'s audio on this page exceeds 0.001. */
  async waitHears(peerId, timeout = MEDIA_TIMEOUT) {
    return until(() => this.stats(), (st) => st.some((x) => x.peerId === peerId && x.kind === 'audio' && x.rms > 0.001),
      { timeout, interval: 100, what: `${this.name} to hear ${peerId} (audio rms > 0.001)` });
  }

  async participantNames() {
    return this.page.$$eval('[data-testid="participant-name"]', (els) => els.map((e) => e.textContent.trim()));
  }

  async waitParticipant(name, timeout = UI_TIMEOUT) {
    return until(() => this.participantNames(), (ns) => ns.includes(name), { timeout, what: `${this.name} to list participant ${name}` });
  }

  async chatTexts() {
    return this.page.$$eval('[data-testid="chat-text"]', (els) => els.map((e) => e.textContent.trim()));
  }

  async sendChat(text) {
    await this.page.getByTestId('chat-input').fill(text, { timeout: UI_TIMEOUT });
    await this.page.getByTestId('chat-send').click({ timeout: UI_TIMEOUT });
  }

  async waitChat(text, timeout = UI_TIMEOUT) {
    return until(() => this.chatTexts(), (ts) => ts.includes(text), { timeout, what: `${this.name} to show chat message ${JSON.stringify(text)}` });
  }

  async close() {
    if (!this.server) return;
    await closeWithin(() => this.server.close(), () => this.server.kill(), CLOSE_TIMEOUT);
  }
}

// --- scenarios --------------------------------------------------------------------------------------------------

/** What a scenario started, cleaned up (and photographed on failure) for it. */
export class Scenario {
  constructor(t, name, xvfb) {
    this.t = t;
    this.name = name;
    this.xvfb = xvfb;
    this.apps = [];
    this.servers = [];
    this.guests = [];
    this.pions = [];
    this.bridges = [];
    this.notes = [];
    this.started = Date.now();
  }

  /** A media bridge (bin/mediabridge) for a guest page of `origin` that runs the NativeEngine. */
  async bridge(origin) {
    const b = new Bridge(origin, { timeout: SERVER_START_TIMEOUT, closeTimeout: CLOSE_TIMEOUT, logLimit: LOG_TAIL });
    this.bridges.push(b);
    return b.start();
  }

  async pion(name, url, room, extra) {
    const p = new PionPeer(name);
    this.pions.push(p);
    await p.start(url, room, extra);
    return p;
  }

  note(s) {
    const line = timedNote(this.started, s);
    this.notes.push(line);
    this.t.diagnostic(line);
  }

  async app(args, env) {
    const a = new DesktopApp(this.xvfb, args, `app${this.apps.length || ''}`, env);
    this.apps.push(a);
    await a.start();
    return a;
  }

  async server() {
    const s = new Server(await freePort());
    this.servers.push(s);
    await s.start();
    return s;
  }

  async guest(name, viewport, extra) {
    const g = new Guest(name);
    this.guests.push(g);
    await g.launch(viewport, extra);
    return g;
  }

  dir() {
    const slug = this.name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100);
    return path.join(RESULTS_DIR, slug);
  }

  async artefacts(err) {
    const dir = this.dir();
    fs.mkdirSync(dir, { recursive: true });
    try { await this.xvfb.screenshot(path.join(dir, 'screen.png')); } catch (e) { this.notes.push(`screen screenshot failed: ${e.message}`); }
    for (const g of this.guests) {
      try {
        if (g.page && !g.page.isClosed()) await g.page.screenshot({ path: path.join(dir, `${g.name}.png`), timeout: ms(10000) });
      } catch (e) { g.logs.push(`--- screenshot failed: ${e.message}`); }
      fs.writeFileSync(path.join(dir, `${g.name}.log`), g.logs.join('\n') + '\n');
    }
    this.apps.forEach((a) => fs.writeFileSync(path.join(dir, `${a.name}.log`), a.log.text));
    this.servers.forEach((s, i) => fs.writeFileSync(path.join(dir, `server-${i}.log`), s.log.text));
    this.bridges.forEach((b, i) => fs.writeFileSync(path.join(dir, `mediabridge-${i}.log`), b.log));
    this.pions.forEach((p) => fs.writeFileSync(path.join(dir, `${p.name}.log`), `${p.log.text}\n--- last: ${JSON.stringify(p.last)}\n`));
    fs.writeFileSync(path.join(dir, 'failure.txt'), `${err?.stack ?? err}\n\n--- notes\n${this.notes.join('\n')}\n`);
    return dir;
  }

  async cleanup() {
    await Promise.all(this.guests.map((g) => g.close().catch(() => {})));
    await Promise.all(this.pions.map((p) => p.stop().catch(() => {})));
    await Promise.all(this.bridges.map((b) => b.stop().catch(() => {})));
    await Promise.all(this.apps.map((a) => a.stop().catch(() => {})));
    await Promise.all(this.servers.map((s) => s.stop().catch(() => {})));
  }
}

/**
 * A node:test test with one scenario under an overall bound. On failure every page and the screen are
 * photographed and the logs saved to test-results/desktop/<test>/; everything started is ended either way.
 */
export function scenario(name, xvfbRef, { timeout = ms(120000) } = {}, fn) {
  scenarioTest(name, timeout, (t) => new Scenario(t, name, xvfbRef()), async (sc, t, err) => {
    sc.notes.push(`FAILED: ${err.message.split('\n')[0]}`);
    try {
      const dir = await sc.artefacts(err);
      err.message += `\n    (screenshots and logs: ${path.relative(ROOT, dir)}/)`;
    } catch (e) {
      t.diagnostic(`could not save failure artefacts: ${e.message}`);
    }
  }, fn);
}
