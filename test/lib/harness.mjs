// Generic harness pieces shared by the end-to-end suites (test/e2e, test/desktop): scaled bounds, bounded waits,
// free ports, a temp dir per suite, child processes with logs (killed when the test process exits), ending a
// process group, Chromium flags and launch/close, page logs, and the node:test scenario wrapper.
//
// No npm package is imported here (test/lib has no node_modules): objects such as Playwright's `chromium` are
// passed in by the suite helpers.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

/** The repository root (bin/ holds the test programs). */
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Every bound is multiplied by PARLEY_E2E_SLOW (default 1) for slow or busy machines. */
const SLOW = Number(process.env.PARLEY_E2E_SLOW || 1) || 1;
export const ms = (n) => Math.round(n * SLOW);

export const CHROMIUM = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';

export const sleep = (n) => new Promise((resolve) => setTimeout(resolve, n));

/**
 * Returns `until(probe, check, {timeout, interval, what})`, which polls `probe()` every `interval` ms until
 * `check(value)` is true; bounded by `timeout` (default `defaultTimeout`). On timeout, throws with `what` and the
 * last value seen (or the last error the probe threw).
 */
export function makeUntil(defaultTimeout) {
  return async function until(probe, check, { timeout = defaultTimeout, interval = 200, what = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    let lastErr;
    for (;;) {
      try {
        last = await probe();
        lastErr = undefined;
        if (check(last)) return last;
      } catch (err) {
        lastErr = err;
      }
      if (Date.now() >= deadline) {
        const seen = lastErr ? `last error: ${lastErr.message.split('\n')[0]}` : `last seen: ${JSON.stringify(last)}`;
        throw new Error(`timed out after ${timeout} ms waiting for ${what}; ${seen}`);
      }
      await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
    }
  };
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export async function freePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

/** Returns `tempDir()`: one temp dir (os.tmpdir()/PREFIX-XXXXXX) made on first use, removed when the process exits. */
export function makeTempDir(prefix) {
  let dir;
  return function tempDir() {
    if (!dir) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    }
    return dir;
  };
}

/** A log that keeps only its last `limit` characters in `text`. */
export class Log {
  constructor(limit) {
    this.limit = limit;
    this.text = '';
  }

  keep(s) {
    this.text += s;
    if (this.text.length > this.limit) this.text = this.text.slice(-this.limit);
  }
}

// Every child is killed when the test process exits, whatever happens (the PID namespace is the backstop): its
// process group if it leads one, else the child itself.
const children = new Set();
process.on('exit', () => {
  for (const c of children) {
    try { process.kill(-c.pid, 'SIGKILL'); } catch { try { c.kill('SIGKILL'); } catch { /* gone */ } }
  }
});

/**
 * Spawns `cmd` (stdio: ignore, pipe, pipe; `opts` as for child_process.spawn), tracked so it is killed at exit.
 * `child.exited` resolves to {code, signal}; the exit (`--- LABEL exited: …`, LABEL defaulting to the command's
 * base name; '' for none) and spawn errors go to `keep(s)`.
 */
export function spawnLogged(cmd, args, keep, opts = {}, label = path.basename(cmd)) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.add(child);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    children.delete(child);
    keep(`--- ${label ? `${label} ` : ''}exited: code ${code}, signal ${signal}\n`);
    resolve({ code, signal });
  }));
  child.on('error', (err) => keep(`--- spawn error: ${err.message}\n`));
  return child;
}

/**
 * Spawns a program that announces itself with its first stdout line (a server's address) and waits, bounded by
 * `timeout` ms, for that line; `check(line)` returns what the caller wants from it, or throws. Every later line
 * and stderr go to `keep`. Returns {child, value}; on any failure the child is killed and the error says why.
 */
export async function startAnnounced(cmd, args, { keep, timeout, check, opts = {}, label = path.basename(cmd) }) {
  const child = spawnLogged(cmd, args, keep, opts, label);
  child.stderr.on('data', (c) => keep(c.toString()));
  const lines = createInterface({ input: child.stdout });
  let timer;
  try {
    const first = await Promise.race([
      once(lines, 'line').then(([l]) => l),
      child.exited.then(({ code, signal }) => { throw new Error(`${label} exited (code ${code}, signal ${signal}) before its first line`); }),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${label} printed nothing within ${timeout} ms`)), timeout); }),
    ]);
    keep(first + '\n');
    lines.on('line', (l) => keep(l + '\n'));
    return { child, value: check(first) };
  } catch (err) {
    child.kill('SIGKILL');
    await child.exited;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * bin/mediabridge (PARLEY_MEDIABRIDGE): the desktop app's media bridge alone (internal/media), so that a page in
 * Chromium can run the NativeEngine (`?engine=native&bridge=…&token=…`) as the Linux app's webview does. It
 * admits only pages of `origin`.
 */
export class Bridge {
  constructor(origin, { timeout, closeTimeout, logLimit }) {
    this.origin = origin;
    this.timeout = timeout;
    this.closeTimeout = closeTimeout;
    this.tail = new Log(logLimit);
    this.child = null;
  }

  get log() { return this.tail.text; }

  async start() {
    const bin = process.env.PARLEY_MEDIABRIDGE || path.join(ROOT, 'bin', 'mediabridge');
    if (!fs.existsSync(bin)) throw new Error(`mediabridge not found at ${bin}: run 'make bin/mediabridge'`);
    const { child, value } = await startAnnounced(bin, ['--allow-origin', this.origin], {
      keep: (s) => this.tail.keep(s),
      timeout: this.timeout,
      check: (line) => {
        const m = /^bridge (ws:\/\/\S+) token (\S+)$/.exec(line.trim());
        if (!m) throw new Error(`unexpected first line from mediabridge: ${JSON.stringify(line)}`);
        return { url: m[1], token: m[2] };
      },
    });
    this.child = child;
    Object.assign(this, value);
    return this;
  }

  /** The page URL parameters that select the NativeEngine with this bridge. */
  params() {
    return `&engine=native&bridge=${encodeURIComponent(this.url)}&token=${encodeURIComponent(this.token)}`;
  }

  async stop() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    let timer;
    const res = await Promise.race([child.exited, new Promise((r) => { timer = setTimeout(r, this.closeTimeout, null); })]);
    clearTimeout(timer);
    if (res === null) child.kill('SIGKILL');
  }
}

/** Ends a process group (a child spawned detached): SIGTERM, then SIGKILL after `grace` ms. */
export async function endGroup(child, grace) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exited;
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
  let timer;
  const res = await Promise.race([child.exited, new Promise((r) => { timer = setTimeout(r, grace, null); })]);
  clearTimeout(timer);
  if (res === null) {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    return child.exited;
  }
  // The leader is gone; make sure no helper of its group is left.
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  return res;
}

// --- Chromium ---------------------------------------------------------------------------------------------------

/**
 * Chromium flags (DESIGN.md 3.3): headless, no network chatter, fake media devices with the fake permission UI,
 * loopback ICE, no throttling of background pages. `fakeDevice` is the value of --use-fake-device-for-media-stream
 * (none: the flag alone); `extra` flags go last.
 */
export function chromiumArgs({ fakeDevice, extra = [] } = {}) {
  return [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    fakeDevice ? `--use-fake-device-for-media-stream=${fakeDevice}` : '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection',
    // Pages of a call live in separate browsers, all in the background as far as Chromium knows.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    ...extra,
  ];
}

/**
 * Starts one Chromium with Playwright's `chromium` (launchServer: a fresh temp profile, a process we can kill) and
 * connects to it over its loopback WebSocket; a context with camera and microphone granted and a page.
 * Returns {server, browser, context, page}; on failure the browser is killed.
 */
export async function launchChromium(chromium, { args, timeout, viewport }) {
  const server = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: false, // '--headless=new' is in the args; Playwright's own headless mode is the old shell
    ignoreDefaultArgs: ['--mute-audio'],
    args,
    timeout,
    host: '127.0.0.1',
  });
  try {
    const browser = await chromium.connect(server.wsEndpoint(), { timeout });
    const context = await browser.newContext({ viewport });
    await context.grantPermissions(['camera', 'microphone']);
    const page = await context.newPage();
    return { server, browser, context, page };
  } catch (err) {
    await server.kill().catch(() => {});
    throw err;
  }
}

/** Runs `close()` bounded by `timeout` ms; if it fails or times out, `kill()` (if given). */
export async function closeWithin(close, kill, timeout) {
  let timer;
  const ok = await Promise.race([
    close().then(() => true, () => false),
    new Promise((resolve) => { timer = setTimeout(resolve, timeout, false); }),
  ]);
  clearTimeout(timer);
  if (!ok && kill) await kill().catch(() => {});
}

/** Records what `page` logs (console, page errors, failed requests) into the array `logs` (bounded); returns the logger. */
export function recordPageLogs(page, logs) {
  const log = (s) => {
    logs.push(`${new Date().toISOString()} ${s}`);
    if (logs.length > 2000) logs.splice(0, 500);
  };
  page.on('console', (m) => log(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log(`pageerror: ${e.stack || e.message}`));
  page.on('requestfailed', (r) => log(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return log;
}

// --- scenarios --------------------------------------------------------------------------------------------------

/**
 * A node:test test running `fn(sc)` (sc = `makeScenario(t)`) under an overall bound of `timeout` ms. On failure
 * (timeout included) `failed(sc, t, err)` saves the artefacts (it must not throw); then `sc.cleanup()`, whatever
 * the outcome.
 */
export function scenarioTest(name, timeout, makeScenario, failed, fn) {
  test(name, { timeout: timeout + ms(60000) }, async (t) => {
    const sc = makeScenario(t);
    let timer;
    try {
      await Promise.race([
        fn(sc),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`scenario "${name}" did not finish within ${timeout} ms`)), timeout);
        }),
      ]);
    } catch (err) {
      await failed(sc, t, err);
      throw err;
    } finally {
      clearTimeout(timer);
      await sc.cleanup();
    }
  });
}

/** A note with the time since `started` (ms since the epoch): `+1.2s text`. */
export function timedNote(started, s) {
  return `+${((Date.now() - started) / 1000).toFixed(1)}s ${s}`;
}
