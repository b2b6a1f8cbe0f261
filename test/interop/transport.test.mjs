// Connection level: the polling → websocket upgrade, Engine.IO handshake settings, the HTTP origin policy and
// the HTTP method rule.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, SUITE_TIMEOUT_MS, connect, connectRefused, req, waitFor, waitUntil, room, assertOk, joined, received, httpRequest,
  wsHandshakeStatus, healthz, peer } from './helpers.mjs';

describe('transport upgrade', { timeout: SUITE_TIMEOUT_MS }, () => {
  test('default client: polling, then upgrade to websocket; messages keep flowing across the upgrade', async (t) => {
    const srv = await startServer(t);
    const r = room();
    const other = await joined(t, srv.url, 'websocket', r, 'Peer');
    const s = await connect(t, srv.url, 'default');
    const engine = s.io.engine;
    // Requests right away, while the upgrade may be in progress.
    const ack = assertOk(await req(s, 'join', { room: r, name: 'Upgrader' }), 'join');
    const pending = [];
    for (let i = 0; i < 50; i++) pending.push(req(s, 'signal', { to: other.id, kind: 'candidate', data: { seq: i } }));
    await waitUntil(s, () => engine.transport.name === 'websocket', 5000,
      () => `no upgrade within 5 s: transports ${JSON.stringify(s.__transports)}`);
    assert.deepEqual(s.__transports, ['polling', 'websocket'], 'the default client starts with polling, then upgrades');
    for (let i = 50; i < 100; i++) pending.push(req(s, 'signal', { to: other.id, kind: 'candidate', data: { seq: i } }));
    for (const a of await Promise.all(pending)) assert.deepEqual(a, { ok: true });
    await waitUntil(other.socket, () => received(other.socket, 'signal').length >= 100, 5000,
      () => `other got ${received(other.socket, 'signal').length} of 100`);
    assert.deepEqual(received(other.socket, 'signal').map((m) => m.data.seq), Array.from({ length: 100 }, (_, i) => i),
      'all 100 signals, in order, across the upgrade');
    // both directions after the upgrade, and server events too
    assert.deepEqual(await req(other.socket, 'signal', { to: ack.self.id, kind: 'answer', data: 'x' }), { ok: true });
    assert.deepEqual(await waitFor(s, 'signal'), { from: other.id, kind: 'answer', data: 'x' });
    const m = assertOk(await req(other.socket, 'chat', { text: 'after upgrade' })).message;
    assert.deepEqual(await waitFor(s, 'chat'), m);
    const late = await joined(t, srv.url, 'polling', r, 'Late');
    assert.deepEqual(await waitFor(s, 'peer-joined'), peer(late.id, 'Late'));
  });
});

describe('Engine.IO handshake', { timeout: SUITE_TIMEOUT_MS }, () => {
  test('ping 3 s / timeout 5 s, max payload 128 KiB, websocket upgrade offered', async (t) => {
    const srv = await startServer(t);
    const res = await httpRequest(`${srv.url}/socket.io/?EIO=4&transport=polling`);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.body[0], '0', `an Engine.IO open packet: ${res.body}`);
    const open = JSON.parse(res.body.slice(1));
    assert.equal(open.pingInterval, 3000);
    assert.equal(open.pingTimeout, 5000);
    assert.equal(open.maxPayload, 128 * 1024);
    assert.deepEqual(open.upgrades, ['websocket']);
    assert.equal(typeof open.sid, 'string');
  });
});

describe('HTTP origin policy', { timeout: SUITE_TIMEOUT_MS }, () => {
  const EVIL = 'http://evil.test';

  test('Origin http://evil.test is refused with 403 (polling and websocket); the client cannot connect', async (t) => {
    const srv = await startServer(t);
    const poll = await httpRequest(`${srv.url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: EVIL } });
    assert.equal(poll.status, 403, `polling handshake with a foreign Origin: ${poll.status} ${poll.body}`);
    assert.equal(await wsHandshakeStatus(srv.url, { Origin: EVIL }), 403, 'websocket handshake with a foreign Origin');
    for (const tr of ['polling', 'websocket']) {
      await connectRefused(t, srv.url, tr, { extraHeaders: { Origin: EVIL } });
    }
    assert.equal((await healthz(srv.url)).participants, 0);
  });

  test("the server's own origin and no Origin header are accepted", async (t) => {
    const srv = await startServer(t);
    const own = srv.url; // http://127.0.0.1:PORT
    const poll = await httpRequest(`${srv.url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: own } });
    assert.equal(poll.status, 200, `polling with own Origin: ${poll.body}`);
    assert.equal(await wsHandshakeStatus(srv.url, { Origin: own }), 101, 'websocket with own Origin');
    assert.equal(await wsHandshakeStatus(srv.url, {}), 101, 'websocket without Origin');
    const r = room();
    const a = await connect(t, srv.url, 'polling', { extraHeaders: { Origin: own } });
    const b = await connect(t, srv.url, 'websocket', { extraHeaders: { Origin: own } });
    assertOk(await req(a, 'join', { room: r, name: 'A' }));
    assertOk(await req(b, 'join', { room: r, name: 'B' }));
    assert.deepEqual(await req(a, 'signal', { to: b.id, kind: 'offer', data: 1 }), { ok: true });
    assert.deepEqual(await waitFor(b, 'signal'), { from: a.id, kind: 'offer', data: 1 });
  });

  test('the desktop app origins are accepted', async (t) => {
    const srv = await startServer(t);
    for (const origin of ['wails://wails', 'http://wails.localhost', 'https://wails.localhost']) {
      const poll = await httpRequest(`${srv.url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: origin } });
      assert.equal(poll.status, 200, `polling with Origin ${origin}: ${poll.status} ${poll.body}`);
      assert.equal(await wsHandshakeStatus(srv.url, { Origin: origin }), 101, `websocket with Origin ${origin}`);
    }
  });

  test('--cors-origin http://example.test: that origin works, others are still refused', async (t) => {
    const srv = await startServer(t, ['--cors-origin', 'http://example.test']);
    const ORIGIN = 'http://example.test';
    const poll = await httpRequest(`${srv.url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: ORIGIN } });
    assert.equal(poll.status, 200, `polling with the configured Origin: ${poll.body}`);
    assert.ok([ORIGIN, '*'].includes(poll.headers['access-control-allow-origin']),
      `a browser at ${ORIGIN} needs Access-Control-Allow-Origin, got ${poll.headers['access-control-allow-origin']}`);
    assert.equal(await wsHandshakeStatus(srv.url, { Origin: ORIGIN }), 101, 'websocket with the configured Origin');
    const r = room();
    const a = await connect(t, srv.url, 'polling', { extraHeaders: { Origin: ORIGIN } });
    const b = await connect(t, srv.url, 'websocket', { extraHeaders: { Origin: ORIGIN } });
    assertOk(await req(a, 'join', { room: r, name: 'A' }));
    assertOk(await req(b, 'join', { room: r, name: 'B' }));
    const m = assertOk(await req(b, 'chat', { text: 'cors ok' })).message;
    assert.deepEqual(await waitFor(a, 'chat'), m);
    const evil = await httpRequest(`${srv.url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: EVIL } });
    assert.equal(evil.status, 403, 'a foreign Origin is still refused');
    assert.equal(await wsHandshakeStatus(srv.url, { Origin: EVIL }), 403);
    const sub = await httpRequest(`${srv.url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'http://example.test.evil.test' } });
    assert.equal(sub.status, 403, 'a prefix match is not a match');
  });
});

describe('HTTP', { timeout: SUITE_TIMEOUT_MS }, () => {
  test('only GET/HEAD outside /socket.io/; /healthz is JSON', async (t) => {
    const srv = await startServer(t);
    const get = await httpRequest(`${srv.url}/healthz`);
    assert.equal(get.status, 200);
    assert.match(get.headers['content-type'] ?? '', /application\/json/);
    const head = await httpRequest(`${srv.url}/healthz`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await httpRequest(`${srv.url}/healthz`, { method, body: '{}', headers: { 'content-type': 'application/json' } });
      assert.ok(res.status >= 400 && res.status < 500, `${method} /healthz: expected a 4xx refusal, got ${res.status}`);
    }
    const post = await httpRequest(`${srv.url}/`, { method: 'POST', body: 'x' });
    assert.ok(post.status >= 400 && post.status < 500, `POST /: expected a 4xx refusal, got ${post.status}`);
  });
});
