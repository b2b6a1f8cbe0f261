// Helpers for the end-to-end suite: a real parley-server (restartable on the same port), one Debian Chromium per
// participant (Playwright, fake camera/microphone from files generated at test time), bounded waits on the UI
// contract (data-testid attributes, window.__parley), and failure artefacts (screenshots, page logs, server log)
// in test-results/e2e/. Run it through scripts/test-e2e.sh, which gives the suite a network namespace with only
// loopback (DESIGN.md 3.3).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import {
  ms, sleep, makeUntil, freePort, makeTempDir, Log, chromiumArgs as harnessChromiumArgs, launchChromium,
  closeWithin, recordPageLogs, scenarioTest, timedNote, startAnnounced, Bridge as HarnessBridge,
} from '../lib/harness.mjs';

// freePort(): a free TCP port on 127.0.0.1 (bound and released; the server then takes it, and again on restart).
export { ms, sleep, freePort, CHROMIUM } from '../lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const RESULTS_DIR = path.join(ROOT, 'test-results', 'e2e');

/** Every bound below is multiplied by PARLEY_E2E_SLOW (default 1) for slow or busy machines: ms() of ../lib/harness.mjs. */

/** From joining to the first decoded video frame of a peer (first frame takes 1.3–3.7 s here, more under load). */
export const MEDIA_TIMEOUT = ms(20000);
/** A UI change caused by another page (chat, tiles, mute state) over loopback. */
export const UI_TIMEOUT = ms(10000);
const SERVER_START_TIMEOUT = ms(10000);
const BROWSER_LAUNCH_TIMEOUT = ms(30000);
const PAGE_LOAD_TIMEOUT = ms(15000);
const CLOSE_TIMEOUT = ms(10000);
const LOG_TAIL = 256 * 1024;

/**
 * The participants: one browser each, with its own camera picture (a coloured background with a moving test
 * pattern, so peers are told apart in screenshots) and its own microphone tone.
 */
export const PEOPLE = [
  { name: 'Ada', colour: 'red', rgb: [255, 0, 0], tone: 440 },
  { name: 'Grace', colour: 'blue', rgb: [0, 0, 255], tone: 660 },
  { name: 'Linus', colour: 'green', rgb: [0, 128, 0], tone: 880 },
  { name: 'Dora', colour: 'orange', rgb: [255, 165, 0], tone: 550 },
];

/** The person of PEOPLE whose camera colour is nearest to `rgb`. */
export function nearestPerson(rgb) {
  const d = (p) => p.rgb.reduce((sum, v, i) => sum + (v - rgb[i]) ** 2, 0);
  return PEOPLE.reduce((best, p) => (d(p) < d(best) ? p : best));
}

// --- fixtures ---------------------------------------------------------------------------------------------------

const tempDir = makeTempDir('parley-e2e-');

const run = promisify(execFile);
const fixtures = new Map();

/**
 * Generates (once per process, into a temp dir) the fake camera (320×240, 15 fps, 2 s y4m, looped by Chromium)
 * and fake microphone (a 2 s sine wav at `tone` Hz) of one participant. Returns {video, audio} paths.
 */
export function mediaFiles({ colour, tone }) {
  const key = `${colour}-${tone}`;
  if (!fixtures.has(key)) {
    fixtures.set(key, (async () => {
      const dir = tempDir();
      const video = path.join(dir, `${colour}.y4m`);
      const audio = path.join(dir, `${tone}.wav`);
      const graph = `color=c=${colour}:s=320x240:r=15:d=2[bg];testsrc=s=120x90:r=15:d=2[fg];` +
        `[bg][fg]overlay=x='mod(t*100\\,200)':y=75,format=yuv420p`;
      await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', graph, '-t', '2', '-f', 'yuv4mpegpipe', video],
        { timeout: ms(30000) });
      await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=48000:duration=2`,
        '-ac', '1', '-c:a', 'pcm_s16le', audio], { timeout: ms(30000) });
      return { video, audio };
    })());
  }
  return fixtures.get(key);
}

// --- the server -------------------------------------------------------------------------------------------------

function serverPath() {
  const bin = process.env.PARLEY_SERVER || path.join(ROOT, 'bin', 'parley-server');
  if (!fs.existsSync(bin)) throw new Error(`parley-server not found at ${bin}: run 'make bin/parley-server' or set PARLEY_SERVER`);
  return path.resolve(bin);
}

/** One parley-server on a fixed port; start() again after stop() restarts it on the same port. */
export class Server {
  constructor(port) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.child = null;
    this.tail = new Log(LOG_TAIL);
  }

  /** The server's log so far (its last LOG_TAIL characters). */
  get log() { return this.tail.text; }

  keep(s) { this.tail.keep(s); }

  /** Starts the server and waits (bounded) for its first stdout line `listening on http://127.0.0.1:PORT`. */
  async start() {
    if (this.child) throw new Error('server already running');
    const extra = (process.env.PARLEY_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean);
    // A port just released by the previous process is normally free at once; retry briefly in case it is not.
    const deadline = Date.now() + SERVER_START_TIMEOUT;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(extra, deadline);
      } catch (err) {
        if (!/address already in use/i.test(err.message) || Date.now() > deadline) throw err;
        await sleep(200);
      }
    }
  }

  async startOnce(extra, deadline) {
    this.keep(`--- start ${new Date().toISOString()}: --addr 127.0.0.1:${this.port} ${extra.join(' ')}\n`);
    try {
      const { child } = await startAnnounced(serverPath(), ['--addr', `127.0.0.1:${this.port}`, ...extra], {
        keep: (s) => this.keep(s),
        timeout: Math.max(0, deadline - Date.now()),
        label: 'parley-server',
        check: (first) => {
          if (first.trim() !== `listening on ${this.url}`) {
            throw new Error(`unexpected first stdout line from parley-server: ${JSON.stringify(first)} (want "listening on ${this.url}")`);
          }
        },
      });
      this.child = child;
      return this;
    } catch (err) {
      // The server's own words (an address in use, a bad flag) are in its log.
      throw new Error(`${err.message}:\n${this.log.slice(-3000)}`);
    }
  }

  /** Stops the server (SIGTERM: graceful, server-closing to every client; SIGKILL: a crash) and waits for it. */
  async stop(signal = 'SIGTERM') {
    const child = this.child;
    if (!child) return null;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill(signal); } catch { /* gone */ }
    }
    let timer;
    const res = await Promise.race([child.exited, new Promise((resolve) => { timer = setTimeout(resolve, CLOSE_TIMEOUT, null); })]);
    clearTimeout(timer);
    if (res === null) {
      child.kill('SIGKILL');
      return child.exited;
    }
    return res;
  }
}

// --- browsers ---------------------------------------------------------------------------------------------------

/**
 * Chromium flags (DESIGN.md 3.3, ../lib/harness.mjs). With the fake UI, getDisplayMedia (from a click) captures the
 * page's own tab without a picker; no autoplay flag is needed (measured: the AudioContext runs without a gesture).
 */
export function chromiumArgs({ video, audio }) {
  const args = harnessChromiumArgs({
    // getDisplayMedia captures the page's own tab instead of a synthetic screen.
    fakeDevice: 'display-media-type=browser',
    extra: ['--disable-backgrounding-occluded-windows'],
  });
  if (video) args.push(`--use-file-for-fake-video-capture=${video}`);
  if (audio) args.push(`--use-file-for-fake-audio-capture=${audio}`);
  return args;
}

/**
 * Starts one Chromium (Playwright's launchServer: a fresh temp profile, a process we can kill) and connects to it
 * over its loopback WebSocket; returns {browser, context, page, server}.
 */
export async function launchBrowser(files) {
  const { server, browser, context, page } = await launchChromium(chromium,
    { args: chromiumArgs(files), timeout: BROWSER_LAUNCH_TIMEOUT, viewport: { width: 1100, height: 720 } });
  browser.__server = server;
  return { browser, context, page, server };
}

/** Closes a browser (bounded); kills its processes if it does not close in time. */
export async function closeBrowser(browser) {
  const server = browser.__server;
  await closeWithin(() => (server ? server.close() : browser.close()), server && (() => server.kill()), CLOSE_TIMEOUT);
}

// --- bounded waits ----------------------------------------------------------------------------------------------

/**
 * Polls `probe()` every `interval` ms until `check(value)` is true; bounded by `timeout` (default UI_TIMEOUT). On
 * timeout, throws with `what` and the last value seen (or the last error the probe threw).
 */
export const until = makeUntil(UI_TIMEOUT);

// --- participants -----------------------------------------------------------------------------------------------

/** One participant: a browser of its own, its page, and what its page logged. */
export class Participant {
  constructor(person, browser, context, page) {
    this.name = person.name;
    this.person = person;
    this.browser = browser;
    this.context = context;
    this.page = page;
    this.logs = [];
    this.id = undefined;
    /** A Bridge when this page runs the NativeEngine (Scenario.participant with native). */
    this.bridge = null;
    const log = recordPageLogs(page, this.logs);
    page.on('crash', () => log('page crashed'));
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) log(`navigated: ${f.url()}`); });
  }

  toString() { return this.name; }

  /** Opens /?room=R&name=N&join=1 and waits until the page is in the call (window.__parley.selfId() is set). */
  async join(server, room) {
    const u = `${server.url}/?room=${encodeURIComponent(room)}&name=${encodeURIComponent(this.name)}&join=1` +
      (this.bridge ? this.bridge.params() : '');
    await this.page.goto(u, { timeout: PAGE_LOAD_TIMEOUT, waitUntil: 'load' });
    this.id = await this.waitSelfId();
    return this.id;
  }

  /** Waits until the page is in a room and returns its participant id (window.__parley.selfId()). */
  async waitSelfId(timeout = UI_TIMEOUT) {
    return until(() => this.page.evaluate(() => {
      if (!window.__parley) throw new Error('window.__parley is missing (UI contract)');
      return window.__parley.selfId() ?? null;
    }), (id) => typeof id === 'string' && id !== '', { timeout, what: `${this.name} to join (window.__parley.selfId())` });
  }

  async selfId() { return this.page.evaluate(() => window.__parley?.selfId()); }
  async peerIds() { return this.page.evaluate(() => window.__parley?.peerIds() ?? []); }

  /** window.__parley.stats(): [{peerId, kind, framesDecoded?, rms?}]. */
  async stats() {
    return this.page.evaluate(async () => {
      if (!window.__parley) throw new Error('window.__parley is missing (UI contract)');
      return window.__parley.stats();
    });
  }

  /** Every video tile with its attributes and name label. */
  async tiles() {
    return this.page.$$eval('[data-testid="tile"]', (els) => els.map((el) => ({
      peerId: el.getAttribute('data-peer-id'),
      kind: el.getAttribute('data-kind'),
      self: el.getAttribute('data-self'),
      mic: el.getAttribute('data-mic'),
      camera: el.getAttribute('data-camera'),
      speaking: el.getAttribute('data-speaking'),
      connection: el.getAttribute('data-connection'),
      name: el.querySelector('[data-testid="tile-name"]')?.textContent?.trim() ?? null,
    })));
  }

  /** Waits (bounded) until the tiles satisfy `check(tiles)`. */
  async waitTiles(check, what, timeout = UI_TIMEOUT) {
    return until(() => this.tiles(), check, { timeout, what: `${this.name}: ${what}` });
  }

  /** The remote tile of `peer` (a Participant) of the given kind, or undefined. */
  static tileOf(tiles, peer, kind = 'camera') {
    return tiles.find((t) => t.peerId === peer.id && t.kind === kind && t.self !== 'true');
  }

  /**
   * Waits until this page decodes `peer`'s video of `kind`: framesDecoded for that peer and kind grows between
   * two samples taken at least 1 s apart. Returns the last framesDecoded.
   */
  async waitDecodes(peer, kind = 'camera', timeout = MEDIA_TIMEOUT) {
    const deadline = Date.now() + timeout;
    let prev = null;
    let last;
    let lastErr;
    for (;;) {
      try {
        last = await this.stats();
        lastErr = undefined;
        const e = last.find((s) => s.peerId === peer.id && s.kind === kind);
        const f = e?.framesDecoded;
        const now = Date.now();
        if (typeof f === 'number') {
          if (!prev) prev = { f, at: now };
          else if (now - prev.at >= 1000) {
            if (f > prev.f) return f;
            prev = { f, at: now };
          }
        }
      } catch (err) {
        lastErr = err;
      }
      if (Date.now() >= deadline) {
        throw new Error(`timed out after ${timeout} ms: ${this.name} does not decode ${peer.name}'s ${kind} video ` +
          `(peer id ${peer.id}; framesDecoded must grow over ≥ 1 s); ` +
          (lastErr ? `stats() threw: ${lastErr.message.split('\n')[0]}` : `last stats(): ${JSON.stringify(last)}`));
      }
      await sleep(250);
    }
  }

  /** Waits until this page hears `peer`: the RMS of its remote audio exceeds 0.001 at some sample. */
  async waitHears(peer, timeout = MEDIA_TIMEOUT) {
    const s = await until(() => this.stats(), (st) => st.some((x) => x.peerId === peer.id && x.kind === 'audio' && x.rms > 0.001),
      { timeout, interval: 100, what: `${this.name} to hear ${peer.name} (peer id ${peer.id}; audio rms > 0.001)` });
    return s.find((x) => x.peerId === peer.id && x.kind === 'audio').rms;
  }

  /**
   * What the <video> of a tile shows: {width, height, rgb}, rgb being the mean colour of a 16×16 patch in its
   * top-left corner (the fake cameras' background colour there). Null while there is no frame.
   */
  async tileVideo(peerId, kind = 'camera', self = false) {
    return this.page.evaluate(({ peerId, kind, self }) => {
      const tile = [...document.querySelectorAll('[data-testid="tile"]')].find((el) =>
        el.getAttribute('data-kind') === kind && (self ? el.getAttribute('data-self') === 'true'
          : el.getAttribute('data-peer-id') === peerId && el.getAttribute('data-self') !== 'true'));
      if (!tile) throw new Error(`no ${self ? 'self ' : ''}${kind} tile${self ? '' : ` for ${peerId}`}`);
      const v = tile.querySelector('video');
      if (!v) throw new Error('the tile has no <video>');
      if (!v.videoWidth || !v.videoHeight) return null;
      const c = document.createElement('canvas');
      c.width = v.videoWidth;
      c.height = v.videoHeight;
      const g = c.getContext('2d', { willReadFrequently: true });
      g.drawImage(v, 0, 0);
      const d = g.getImageData(4, 4, 16, 16).data;
      const rgb = [0, 0, 0];
      for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) rgb[k] += d[i + k];
      return { width: v.videoWidth, height: v.videoHeight, rgb: rgb.map((x) => Math.round(x / (d.length / 4))) };
    }, { peerId, kind, self });
  }

  /** Waits until this page's camera tile of `peer` (this page itself with self) shows `peer`'s own camera picture. */
  async waitShowsCameraOf(peer, { self = false } = {}) {
    return until(() => this.tileVideo(peer.id, 'camera', self), (v) => v && nearestPerson(v.rgb).name === peer.name,
      { what: `${this.name}: ${self ? 'its own camera tile' : `the camera tile of ${peer.name} (${peer.id})`} to show ` +
        `${peer.name}'s camera (${peer.person.colour}, rgb ${peer.person.rgb}) — {width, height, rgb} of its <video>` });
  }

  /** The chat messages shown: [{text, mine}]. */
  async chatTexts() {
    return this.page.$$eval('[data-testid="chat-message"]', (els) => els.map((el) => ({
      text: el.querySelector('[data-testid="chat-text"]')?.textContent ?? el.textContent,
      mine: el.getAttribute('data-mine'),
    })));
  }

  /** Opens the chat panel if it is closed (toggle-chat), so chat-input is there. */
  async openChat() {
    const input = this.page.getByTestId('chat-input');
    if (await input.isVisible().catch(() => false)) return;
    await this.page.getByTestId('toggle-chat').click({ timeout: UI_TIMEOUT });
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  }

  /** Types a chat message and sends it with the send button. */
  async sendChat(text) {
    await this.openChat();
    const input = this.page.getByTestId('chat-input');
    await input.fill(text, { timeout: UI_TIMEOUT });
    await this.page.getByTestId('chat-send').click({ timeout: UI_TIMEOUT });
  }

  /** Waits until a chat message with exactly `text` is shown (opening the chat panel first). */
  async waitChat(text, { mine } = {}, timeout = UI_TIMEOUT) {
    await this.openChat();
    return until(() => this.chatTexts(), (ms) => ms.some((m) => m.text.trim() === text && (mine === undefined || m.mine === String(mine))),
      { timeout, what: `${this.name} to show chat message ${JSON.stringify(text)}${mine === undefined ? '' : ` with data-mine=${mine}`}` });
  }

  /** The aria-pressed of a control ("true"/"false"/null). */
  async pressed(testid) {
    return this.page.getByTestId(testid).getAttribute('aria-pressed', { timeout: UI_TIMEOUT });
  }

  /** Clicks a toggle (a real click: a user gesture) and waits for its aria-pressed to become `want`. */
  async toggle(testid, want) {
    await this.page.getByTestId(testid).click({ timeout: UI_TIMEOUT });
    await until(() => this.pressed(testid), (v) => v === String(want),
      { timeout: UI_TIMEOUT, what: `${this.name}: ${testid} aria-pressed=${want}` });
  }

  /** The text of data-testid="connection". */
  async connectionText() {
    return (await this.page.getByTestId('connection').textContent({ timeout: UI_TIMEOUT })) ?? '';
  }

  async screenshot(file) {
    await this.page.screenshot({ path: file, timeout: ms(10000) });
  }

  async close() {
    await closeBrowser(this.browser);
  }
}

// --- scenarios --------------------------------------------------------------------------------------------------

let roomSeq = 0;

/** What a scenario gets: servers and participants that are cleaned up (and photographed on failure) for it. */
class Scenario {
  constructor(t, name) {
    this.t = t;
    this.name = name;
    this.servers = [];
    this.bridges = [];
    this.people = [];
    this.started = Date.now();
    this.notes = [];
  }

  /** A note with a time offset, kept in the failure artefacts (and printed with PARLEY_E2E_VERBOSE=1). */
  note(s) {
    const line = timedNote(this.started, s);
    this.notes.push(line);
    if (process.env.PARLEY_E2E_VERBOSE) this.t.diagnostic(line);
  }

  /** Starts a parley-server on a free port (restart it with server.stop() then server.start()). */
  async server() {
    const s = new Server(await freePort());
    this.servers.push(s);
    await s.start();
    this.note(`server listening on ${s.url}`);
    return s;
  }

  /** A fresh room name. */
  room(prefix = 'e2e') {
    roomSeq += 1;
    return `${prefix}-${process.pid}-${roomSeq}`;
  }

  /**
   * Launches the browser of the i-th person of PEOPLE (own camera picture and tone). With `native` (the room
   * server whose page it will open) the page runs the NativeEngine through a bridge of its own.
   */
  async participant(i, { native = null } = {}) {
    const person = PEOPLE[i];
    const files = await mediaFiles(person);
    const { browser, context, page } = await launchBrowser(files);
    const p = new Participant(person, browser, context, page);
    this.people.push(p);
    if (native) {
      p.bridge = new HarnessBridge(native.url, { timeout: SERVER_START_TIMEOUT, closeTimeout: CLOSE_TIMEOUT, logLimit: LOG_TAIL });
      this.bridges.push(p.bridge);
      await p.bridge.start();
    }
    this.note(`${p.name}: browser launched${native ? ` (NativeEngine, bridge ${p.bridge.url})` : ''}`);
    return p;
  }

  /** Launches participants 0..n-1 (those in `native` with the NativeEngine) and joins them one after another. */
  async call(server, room, n, { native = [] } = {}) {
    const ps = [];
    for (let i = 0; i < n; i++) {
      const p = await this.participant(i, { native: native.includes(i) ? server : null });
      await p.join(server, room);
      this.note(`${p.name} joined ${room} as ${p.id}`);
      ps.push(p);
    }
    return ps;
  }

  /** Screenshots and logs of every page still open, the server logs and notes, into test-results/e2e/<test>/. */
  async artefacts(err) {
    const slug = `${path.basename(process.argv[1] ?? 'e2e', '.test.mjs')}--${this.name}`.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120);
    const dir = path.join(RESULTS_DIR, slug);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const saved = [];
    for (const p of this.people) {
      const base = path.join(dir, p.name);
      try {
        if (!p.page.isClosed()) {
          await p.screenshot(`${base}.png`);
          saved.push(`${base}.png`);
          const state = await p.page.evaluate(async () => ({
            selfId: window.__parley?.selfId?.(),
            peerIds: window.__parley?.peerIds?.(),
            stats: await Promise.race([window.__parley?.stats?.(), new Promise((r) => setTimeout(r, 3000, 'stats() timed out'))]),
            tiles: [...document.querySelectorAll('[data-testid="tile"]')].map((el) => Object.fromEntries(
              [...el.attributes].filter((a) => a.name.startsWith('data-')).map((a) => [a.name, a.value]))),
            connection: document.querySelector('[data-testid="connection"]')?.textContent,
            callError: document.querySelector('[data-testid="call-error"]')?.textContent,
          })).catch((e) => ({ error: e.message }));
          p.logs.push(`--- page state at failure: ${JSON.stringify(state)}`);
        } else {
          p.logs.push('--- page closed before the failure');
        }
      } catch (e) {
        p.logs.push(`--- screenshot failed: ${e.message}`);
      }
      fs.writeFileSync(`${base}.log`, p.logs.join('\n') + '\n');
    }
    this.servers.forEach((s, i) => fs.writeFileSync(path.join(dir, `server-${i}.log`), s.log));
    this.bridges.forEach((b, i) => fs.writeFileSync(path.join(dir, `mediabridge-${i}.log`), b.log));
    fs.writeFileSync(path.join(dir, 'failure.txt'), `${err?.stack ?? err}\n\n--- notes\n${this.notes.join('\n')}\n`);
    return { dir, saved };
  }

  async cleanup() {
    await Promise.all(this.people.map((p) => p.close().catch(() => {})));
    await Promise.all(this.servers.map((s) => s.stop('SIGKILL').catch(() => {})));
    await Promise.all(this.bridges.map((b) => b.stop().catch(() => {})));
  }
}

/**
 * A node:test test with one call scenario. `fn(sc)` runs under an overall bound; on failure (timeout included)
 * every page is photographed and its log saved to test-results/e2e/, then everything the scenario started is
 * closed or killed, whatever the outcome.
 */
export function scenario(name, { timeout = ms(120000) } = {}, fn) {
  scenarioTest(name, timeout, (t) => new Scenario(t, name), async (sc, t, err) => {
    sc.note(`FAILED: ${err.message.split('\n')[0]}`);
    try {
      const { dir } = await sc.artefacts(err);
      t.diagnostic(`screenshots and logs: ${path.relative(ROOT, dir)}/`);
      err.message += `\n    (screenshots and logs: ${path.relative(ROOT, dir)}/)`;
    } catch (e) {
      t.diagnostic(`could not save failure artefacts: ${e.message}`);
    }
  }, fn);
}

// --- assertions shared by the scenarios -----------------------------------------------------------------------

/** Waits until `p` shows its own camera tile and a camera tile (with the right name) for each of `others`. */
export async function waitSees(p, others, timeout = UI_TIMEOUT) {
  return p.waitTiles((tiles) => tiles.some((t) => t.self === 'true' && t.kind === 'camera') &&
    others.every((q) => {
      const t = Participant.tileOf(tiles, q);
      return t && t.name === q.name;
    }), `its own camera tile and camera tiles named ${others.map((q) => `${q.name} (${q.id})`).join(', ')}`, timeout);
}

/** Waits until every page of `ps` decodes the camera video of every other page. */
export async function waitAllDecode(ps, kind = 'camera', timeout = MEDIA_TIMEOUT) {
  const waits = [];
  for (const p of ps) for (const q of ps) if (p !== q) waits.push(p.waitDecodes(q, kind, timeout));
  await Promise.all(waits);
}

/** Waits until, on every page of `ps`, each camera tile shows the picture of the right person's camera. */
export async function waitRightPictures(ps) {
  const waits = [];
  for (const p of ps) for (const q of ps) waits.push(p === q ? p.waitShowsCameraOf(p, { self: true }) : p.waitShowsCameraOf(q));
  await Promise.all(waits);
}

/** Waits until the remote tiles of `p` are exactly the camera tiles of `others` (no screen, no stale tiles). */
export async function waitOnlyTiles(p, others, timeout = UI_TIMEOUT) {
  const want = others.map((q) => q.id).sort();
  return p.waitTiles((tiles) => {
    const remote = tiles.filter((t) => t.self !== 'true');
    return remote.length === want.length && remote.every((t) => t.kind === 'camera') &&
      JSON.stringify(remote.map((t) => t.peerId).sort()) === JSON.stringify(want);
  }, `remote tiles to be exactly the camera tiles of [${others.map((q) => `${q.name} ${q.id}`).join(', ')}]`, timeout);
}
