// Helpers for the interop suite: start parley-server, connect stock socket.io-client@4 sockets, send requests
// with bounded acks and wait (always bounded) for server events. See docs/PROTOCOL.md.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';

/** The transports every protocol test runs over. `polling` is used without upgrade. */
export const TRANSPORTS = ['websocket', 'polling'];

export const ACK_TIMEOUT_MS = 5000;
/** A last-resort bound per describe block; every wait inside is bounded much more tightly. */
export const SUITE_TIMEOUT_MS = 90000;
const START_TIMEOUT_MS = 10000;
const CONNECT_TIMEOUT_MS = 5000;
const LOG_TAIL = 64 * 1024;

const running = new Set();
const outputs = new Map(); // server url → () => its recent output, for failure messages
process.on('exit', () => {
  for (const child of running) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

function serverPath() {
  const bin = process.env.PARLEY_SERVER;
  if (!bin) throw new Error('PARLEY_SERVER is not set: point it at an absolute path to bin/parley-server');
  return bin;
}

/**
 * Starts `$PARLEY_SERVER --addr 127.0.0.1:0 ...args`, waits for its first stdout line
 * `listening on http://127.0.0.1:PORT` and arranges (t.after) for it to be killed when the test ends, whatever
 * the outcome. Returns {url, port, child, output(), stop(signal)}.
 */
export async function startServer(t, args = []) {
  // PARLEY_SERVER_ARGS (space-separated) adds flags to every server, e.g. "--log-level debug" with PARLEY_SERVER_LOG=1.
  const envArgs = (process.env.PARLEY_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(serverPath(), ['--addr', '127.0.0.1:0', ...envArgs, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let tail = '';
  const keep = (chunk) => {
    tail += chunk.toString();
    if (tail.length > LOG_TAIL) tail = tail.slice(-LOG_TAIL);
  };
  child.stderr.on('data', keep); // always drained, so a chatty server never blocks on a full pipe
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    running.delete(child);
    resolve({ code, signal });
  }));

  const stop = async (signal = 'SIGKILL', timeoutMs = 5000) => {
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill(signal); } catch { /* gone */ }
    }
    let timer;
    const res = await Promise.race([
      exited,
      new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); }),
    ]);
    clearTimeout(timer);
    if (res === null) {
      child.kill('SIGKILL');
      return exited;
    }
    return res;
  };
  t.after(async () => {
    await stop('SIGKILL');
    if (process.env.PARLEY_SERVER_LOG) process.stderr.write(`--- server output (${t.name}) ---\n${tail}\n`);
  });

  const lines = createInterface({ input: child.stdout });
  let timer;
  const first = await Promise.race([
    new Promise((resolve) => lines.once('line', resolve)),
    exited.then(({ code, signal }) => {
      throw new Error(`parley-server exited (code ${code}, signal ${signal}) before listening:\n${tail}`);
    }),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`parley-server did not print its address in ${START_TIMEOUT_MS} ms:\n${tail}`)), START_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  lines.on('line', (l) => keep(l + '\n')); // keep draining stdout
  const m = /^listening on (https?:\/\/127\.0\.0\.1:(\d+))\s*$/.exec(first);
  if (!m) throw new Error(`unexpected first stdout line from parley-server: ${JSON.stringify(first)}`);
  outputs.set(m[1], () => tail);
  return { url: m[1], port: Number(m[2]), child, output: () => tail, stop, exited };
}

/** Attaches an event log to a socket; waitFor/received read it, so no event is missed for lack of a listener. */
function attachLog(socket) {
  socket.__log = [];
  socket.__waiters = new Set();
  socket.onAny((event, ...args) => {
    const entry = { event, payload: args[0], args, used: false, at: Date.now() };
    socket.__log.push(entry);
    for (const w of socket.__waiters) w();
  });
  socket.on('disconnect', (reason, details) => {
    const d = details?.description;
    socket.__disconnectReason = reason;
    const ctx = details?.context;
    socket.__disconnectDetails = (d === undefined ? '' : String(d?.message ?? d)) +
      (ctx && ctx.code !== undefined ? ` (close code ${ctx.code}${ctx.reason ? ` "${ctx.reason}"` : ''}, wasClean ${ctx.wasClean})` : '') +
      (details?.context?.status !== undefined ? ` (HTTP status ${details.context.status})` : '') +
      ` at ${new Date().toISOString()}`;
    for (const w of socket.__waiters) w();
  });
}

/**
 * Returns a connected socket.io-client socket. `transport` is 'websocket', 'polling' (no upgrade) or 'default'
 * (the client's default: polling, then upgrade to websocket). Reconnection is off; the socket is closed after the
 * test. `opts` is merged into the io() options (e.g. extraHeaders).
 */
export async function connect(t, url, transport, opts = {}) {
  const socket = makeSocket(t, url, transport, opts);
  let timer;
  try {
    await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`connect (${transport}) timed out after ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      socket.once('connect', resolve);
      socket.once('connect_error', (err) => reject(new Error(`connect_error (${transport}): ${err.message} ${describeErr(err)}`)));
    });
  } finally {
    clearTimeout(timer);
  }
  return socket;
}

/** Like connect, but expects the connection to be refused; resolves to the connect_error. */
export async function connectRefused(t, url, transport, opts = {}) {
  const socket = makeSocket(t, url, transport, opts);
  let timer;
  try {
    return await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`neither connect nor connect_error (${transport}) in ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      socket.once('connect', () => reject(new Error(`connection (${transport}) was accepted, expected it to be refused`)));
      socket.once('connect_error', resolve);
    });
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}

function describeErr(err) {
  const parts = [];
  if (err.description !== undefined) parts.push(`description=${String(err.description?.message ?? err.description)}`);
  if (err.context?.status !== undefined) parts.push(`status=${err.context.status}`);
  return parts.join(' ');
}

function makeSocket(t, url, transport, opts) {
  const base = { forceNew: true, reconnection: false, timeout: CONNECT_TIMEOUT_MS };
  if (transport === 'websocket') Object.assign(base, { transports: ['websocket'] });
  else if (transport === 'polling') Object.assign(base, { transports: ['polling'], upgrade: false });
  else if (transport !== 'default') throw new Error(`unknown transport ${transport}`);
  const socket = io(url, { ...base, ...opts });
  attachLog(socket);
  // The transports the connection used, in order (the engine exists as soon as io() returns).
  const engine = socket.io.engine;
  socket.__transports = engine?.transport ? [engine.transport.name] : [];
  engine?.on('upgrade', (transport) => socket.__transports.push(transport.name));
  t.after(() => socket.close());
  return socket;
}

/** A request: emit with an ack callback, bounded by ACK_TIMEOUT_MS. `req(s, 'leave')` sends no payload at all. */
export async function req(socket, event, ...payload) {
  try {
    return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...payload);
  } catch (err) {
    const what = JSON.stringify(payload).slice(0, 120);
    throw new Error(`no ack for "${event}" ${what} within ${ACK_TIMEOUT_MS} ms (${err.message}; ${connState(socket)})`);
  }
}

function connState(socket) {
  if (socket.connected) return 'still connected';
  const out = outputs.get(socket.io.uri)?.() ?? '';
  return `disconnected: ${socket.__disconnectReason ?? '?'} ${socket.__disconnectDetails ?? ''}; server output:\n${out.slice(-2000)}`;
}

/**
 * Waits (at most timeoutMs) for an event matching predicate; events received before the call count too. Each
 * logged event is returned at most once, so consecutive waitFor calls walk through repeated events in order.
 */
export function waitFor(socket, event, predicate = () => true, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const entry = socket.__log.find((e) => !e.used && e.event === event && predicate(e.payload));
      if (entry) {
        entry.used = true;
        done();
        resolve(entry.payload);
        return true;
      }
      return false;
    };
    const timer = setTimeout(() => {
      done();
      const seen = socket.__log.filter((e) => e.event === event).map((e) => JSON.stringify(e.payload).slice(0, 200));
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}" on ${socket.id ?? '(no id)'}; ` +
        `received ${seen.length} "${event}" events: ${seen.slice(-5).join(', ')}; ` +
        `all events: ${JSON.stringify(receivedEvents(socket).slice(-10))}; ${connState(socket)}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      socket.__waiters.delete(check);
    };
    if (!check()) socket.__waiters.add(check);
  });
}

/** Waits (bounded) until `cond()` is true; cond is re-checked on every event the socket receives and every 20 ms. */
export function waitUntil(socket, cond, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (cond()) { done(); resolve(); }
    };
    const iv = setInterval(check, 20);
    const timer = setTimeout(() => { done(); reject(new Error(`timed out after ${timeoutMs} ms: ${what()}`)); }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      clearInterval(iv);
      socket.__waiters.delete(check);
    };
    socket.__waiters.add(check);
    check();
  });
}

/** Waits (bounded) for the socket to be disconnected; resolves to the client's disconnect reason. */
export function waitDisconnect(socket, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    if (!socket.connected && socket.__disconnectReason) return resolve(socket.__disconnectReason);
    const timer = setTimeout(() => reject(new Error(`socket still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => { clearTimeout(timer); resolve(reason); });
  });
}

/** Every payload of `event` this socket has received so far. */
export function received(socket, event) {
  return socket.__log.filter((e) => e.event === event).map((e) => e.payload);
}

/** Every event (name) this socket has received so far. */
export function receivedEvents(socket) {
  return socket.__log.map((e) => e.event);
}

/** A participant as the server describes it: id, name and media state (all off unless given). */
export function peer(id, name, state = {}) {
  return { id, name, state: { mic: false, camera: false, screen: false, ...state } };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let roomSeq = 0;
/** A fresh, valid room name. */
export function room(prefix = 'room') {
  roomSeq += 1;
  return `${prefix}-${process.pid}-${roomSeq}`;
}

/** Asserts a success ack. */
export function assertOk(ack, what = '') {
  assert.equal(typeof ack, 'object', `${what}: ack is not an object: ${JSON.stringify(ack)}`);
  assert.notEqual(ack, null, `${what}: ack is null`);
  assert.equal(ack.ok, true, `${what}: expected ok:true, got ${JSON.stringify(ack)}`);
  return ack;
}

/** Asserts an error ack {ok:false, error:{code, message}} with the given code. */
export function assertError(ack, code, what = '') {
  const got = JSON.stringify(ack);
  assert.equal(typeof ack, 'object', `${what}: ack is not an object: ${got}`);
  assert.notEqual(ack, null, `${what}: ack is null`);
  assert.equal(ack.ok, false, `${what}: expected ok:false/${code}, got ${got}`);
  assert.equal(typeof ack.error, 'object', `${what}: error is not an object: ${got}`);
  assert.equal(ack.error?.code, code, `${what}: expected error code "${code}", got ${got}`);
  assert.equal(typeof ack.error.message, 'string', `${what}: error.message is not a string: ${got}`);
  return ack;
}

/** Connects a socket and joins it to `roomName` as `name`; returns {socket, ack}. */
export async function joined(t, url, transport, roomName, name, extra = {}) {
  const socket = await connect(t, url, transport);
  const ack = assertOk(await req(socket, 'join', { room: roomName, name, ...extra }), `join ${roomName} as ${name}`);
  return { socket, ack, id: ack.self.id };
}

/** GET (or another method) on the server; resolves to {status, headers, body}. Bounded. */
export function httpRequest(url, { method = 'GET', headers = {}, body, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const r = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`HTTP ${method} ${url} timed out after ${timeoutMs} ms`)));
    r.on('error', reject);
    if (body !== undefined) r.write(body);
    r.end();
  });
}

/** GET /healthz, parsed. */
export async function healthz(url) {
  const res = await httpRequest(`${url}/healthz`);
  assert.equal(res.status, 200, `/healthz status ${res.status}: ${res.body}`);
  return JSON.parse(res.body);
}

/**
 * A raw WebSocket upgrade request to /socket.io/ (Engine.IO 4); resolves to the HTTP status the server answered
 * with (101 when it accepted the upgrade). Bounded.
 */
export function wsHandshakeStatus(url, headers = {}, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const r = http.request(`${url}/socket.io/?EIO=4&transport=websocket`, {
      agent: false,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    r.on('upgrade', (res, sock) => { sock.destroy(); resolve(res.statusCode); });
    r.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`websocket handshake timed out after ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end();
  });
}
