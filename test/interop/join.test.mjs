// join / leave / peer-joined / peer-left, passwords, room caps and /healthz counts (docs/PROTOCOL.md).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TRANSPORTS, SUITE_TIMEOUT_MS, startServer, connect, req, waitFor, waitDisconnect, sleep, room, assertOk, assertError, joined,
  healthz, received, peer } from './helpers.mjs';

for (const tr of TRANSPORTS) {
  describe(`join and membership [${tr}]`, { timeout: SUITE_TIMEOUT_MS }, () => {
    test('join ack has ok, self{id,name}, peers, chat, iceServers, room; the name is trimmed', async (t) => {
      const srv = await startServer(t);
      const r = room('standup');
      const a = await connect(t, srv.url, tr);
      const ack = assertOk(await req(a, 'join', { room: r, name: '  Ada \t' }), 'join');
      assert.deepEqual(Object.keys(ack).sort(), ['chat', 'iceServers', 'ok', 'peers', 'room', 'self']);
      assert.deepEqual(ack.self, peer(a.id, 'Ada'), 'self is {id: socket id, name: trimmed name}');
      assert.deepEqual(ack.peers, []);
      assert.deepEqual(ack.chat, []);
      assert.ok(Array.isArray(ack.iceServers), `iceServers is an array: ${JSON.stringify(ack.iceServers)}`);
      for (const s of ack.iceServers) {
        assert.ok(typeof s.urls === 'string' || (Array.isArray(s.urls) && s.urls.every((u) => typeof u === 'string')),
          `RTCIceServer.urls: ${JSON.stringify(s)}`);
        if ('username' in s) assert.equal(typeof s.username, 'string');
        if ('credential' in s) assert.equal(typeof s.credential, 'string');
      }
      assert.deepEqual(ack.room, { name: r, cap: 16 }, 'room {name, cap} with the default cap 16');

      // The second member sees the first in peers and the first gets peer-joined with the trimmed name.
      const b = await connect(t, srv.url, tr);
      const ackB = assertOk(await req(b, 'join', { room: r, name: '\u00a0Grace\u00a0 ' }), 'join B');
      assert.deepEqual(ackB.self, peer(b.id, 'Grace'));
      assert.deepEqual(ackB.peers, [peer(a.id, 'Ada')]);
      assert.deepEqual(await waitFor(a, 'peer-joined'), peer(b.id, 'Grace'));
      assert.equal(received(b, 'peer-joined').length, 0, 'the joiner gets no peer-joined about itself');
    });

    test('peers are listed in join order; every other member gets peer-joined', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const names = ['one', 'two', 'three', 'four'];
      const members = [];
      for (const n of names) {
        const m = await joined(t, srv.url, tr, r, n);
        assert.deepEqual(m.ack.peers, members.map((p) => (peer(p.id, p.name))), `peers seen by ${n}`);
        for (const p of members) assert.deepEqual(await waitFor(p.socket, 'peer-joined', (e) => e.id === m.id), peer(m.id, n));
        members.push({ ...m, name: n });
      }
    });

    test('leave: ack {ok:true}, the others get peer-left {id, reason:"left"}; the socket can join again', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      const c = await joined(t, srv.url, tr, r, 'C');
      assert.deepEqual(await req(b.socket, 'leave'), { ok: true });
      assert.deepEqual(await waitFor(a.socket, 'peer-left'), { id: b.id, reason: 'left' });
      assert.deepEqual(await waitFor(c.socket, 'peer-left'), { id: b.id, reason: 'left' });
      assert.equal(received(b.socket, 'peer-left').length, 0, 'the leaver gets no peer-left');
      // leave with an empty object payload works too
      assert.deepEqual(await req(c.socket, 'leave', {}), { ok: true });
      assert.deepEqual(await waitFor(a.socket, 'peer-left'), { id: c.id, reason: 'left' });
      // after leaving, the same socket can join again (same id: the socket id)
      const again = assertOk(await req(b.socket, 'join', { room: r, name: 'B2' }), 'join again');
      assert.deepEqual(again.self, peer(b.id, 'B2'));
      assert.deepEqual(again.peers, [peer(a.id, 'A')]);
      assert.deepEqual(await waitFor(a.socket, 'peer-joined', (p) => p.name === 'B2'), peer(b.id, 'B2'));
    });

    test('disconnect: the others get peer-left {id, reason:"disconnected"}', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      b.socket.disconnect();
      assert.deepEqual(await waitFor(a.socket, 'peer-left', () => true, 5000), { id: b.id, reason: 'disconnected' });
      // the room goes on: a new member sees only A
      const c = await joined(t, srv.url, tr, r, 'C');
      assert.deepEqual(c.ack.peers, [peer(a.id, 'A')]);
    });

    test('already-in-room: a second join, to the same or another room', async (t) => {
      const srv = await startServer(t);
      const a = await joined(t, srv.url, tr, room(), 'A');
      assertError(await req(a.socket, 'join', { room: room(), name: 'A' }), 'already-in-room', 'join another room');
      assertError(await req(a.socket, 'join', { room: a.ack.room.name, name: 'A' }), 'already-in-room', 'join same room');
    });

    test('room-full with --room-cap 2; the room reports cap 2 and has a place again after a leave', async (t) => {
      const srv = await startServer(t, ['--room-cap', '2']);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      assert.deepEqual(a.ack.room, { name: r, cap: 2 });
      const b = await joined(t, srv.url, tr, r, 'B');
      const c = await connect(t, srv.url, tr);
      assertError(await req(c, 'join', { room: r, name: 'C' }), 'room-full', 'third member');
      assert.equal(received(a.socket, 'peer-joined').length, 1, 'no peer-joined for the refused member');
      // another room is not affected
      assertOk(await req(c, 'join', { room: room(), name: 'C' }), 'join another room');
      assertOk(await req(c, 'leave'), 'leave');
      assertOk(await req(b.socket, 'leave'), 'B leaves');
      const ackC = assertOk(await req(c, 'join', { room: r, name: 'C' }), 'join after a place freed');
      assert.deepEqual(ackC.peers, [peer(a.id, 'A')]);
    });

    test('wrong-password: the first joiner sets it; a room disappears with its last member', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A', { password: 's3cret' });
      const b = await connect(t, srv.url, tr);
      assertError(await req(b, 'join', { room: r, name: 'B', password: 'nope' }), 'wrong-password', 'wrong password');
      assertError(await req(b, 'join', { room: r, name: 'B' }), 'wrong-password', 'no password');
      assertError(await req(b, 'join', { room: r, name: 'B', password: '' }), 'wrong-password', 'empty password');
      assertError(await req(b, 'join', { room: r, name: 'B', password: 'S3CRET' }), 'wrong-password', 'case differs');
      assert.equal(received(a.socket, 'peer-joined').length, 0, 'no peer-joined for refused joins');
      const ackB = assertOk(await req(b, 'join', { room: r, name: 'B', password: 's3cret' }), 'right password');
      assert.deepEqual(ackB.peers, [peer(a.id, 'A')]);
      // both leave: the room disappears, the next first joiner sets a new password (here: none)
      assertOk(await req(a.socket, 'leave'));
      assertOk(await req(b, 'leave'));
      const c = await joined(t, srv.url, tr, r, 'C');
      assert.deepEqual(c.ack.peers, []);
      const d = await connect(t, srv.url, tr);
      assertOk(await req(d, 'join', { room: r, name: 'D' }), 'no password');
    });

    test('wrong-password: a room created without password ("later members must give the same one")', async (t) => {
      const srv = await startServer(t);
      const r = room();
      await joined(t, srv.url, tr, r, 'A', { password: '' });
      const b = await connect(t, srv.url, tr);
      assertError(await req(b, 'join', { room: r, name: 'B', password: 's3cret' }), 'wrong-password',
        'a room without password, a joiner giving one');
      assertOk(await req(b, 'join', { room: r, name: 'B' }), 'absent password = no password');
    });

    test('room names are case-sensitive; a 64-character room and a 40-code-point name are accepted', async (t) => {
      const srv = await startServer(t);
      const base = room('Case');
      const a = await joined(t, srv.url, tr, base, 'A');
      const b = await joined(t, srv.url, tr, base.toLowerCase(), 'B');
      assert.deepEqual(b.ack.peers, [], 'a room whose name differs only in case is another room');
      assert.equal(received(a.socket, 'peer-joined').length, 0);
      const long = ('Az09._-' + 'x'.repeat(64)).slice(0, 64);
      const c = await connect(t, srv.url, tr);
      const name40 = '\u{1F600}'.repeat(40); // 40 code points, 80 UTF-16 units
      const ack = assertOk(await req(c, 'join', { room: long, name: name40, password: 'p'.repeat(128) }), '64-char room');
      assert.deepEqual(ack.room, { name: long, cap: 16 });
      assert.equal(ack.self.name, name40);
    });

    test('/healthz counts rooms and participants', async (t) => {
      const srv = await startServer(t);
      const h0 = await healthz(srv.url);
      assert.deepEqual(Object.keys(h0).sort(), ['ok', 'participants', 'rooms', 'version']);
      assert.equal(h0.ok, true);
      assert.equal(h0.rooms, 0);
      assert.equal(h0.participants, 0);
      assert.equal(typeof h0.version, 'string');
      assert.ok(h0.version.length > 0, 'version is not empty');
      const r1 = room();
      const r2 = room();
      const a = await joined(t, srv.url, tr, r1, 'A');
      const b = await joined(t, srv.url, tr, r1, 'B');
      const c = await joined(t, srv.url, tr, r2, 'C');
      await connect(t, srv.url, tr); // connected but in no room: not a participant
      assert.deepEqual(await healthz(srv.url), { ok: true, rooms: 2, participants: 3, version: h0.version });
      assertOk(await req(c.socket, 'leave'));
      assert.deepEqual(await healthz(srv.url), { ok: true, rooms: 1, participants: 2, version: h0.version });
      a.socket.disconnect();
      await waitFor(b.socket, 'peer-left');
      assert.deepEqual(await healthz(srv.url), { ok: true, rooms: 1, participants: 1, version: h0.version });
      assertOk(await req(b.socket, 'leave'));
      assert.deepEqual(await healthz(srv.url), { ok: true, rooms: 0, participants: 0, version: h0.version });
    });
  });
}

describe('server shutdown', { timeout: SUITE_TIMEOUT_MS }, () => {
  test('SIGTERM: every client gets server-closing {reason}, then the connection closes', async (t) => {
    const srv = await startServer(t);
    const r = room();
    const a = await joined(t, srv.url, 'websocket', r, 'A');
    const b = await joined(t, srv.url, 'polling', r, 'B');
    srv.child.kill('SIGTERM');
    for (const s of [a.socket, b.socket]) {
      const ev = await waitFor(s, 'server-closing', () => true, 5000);
      assert.equal(typeof ev.reason, 'string', `server-closing payload: ${JSON.stringify(ev)}`);
      await waitDisconnect(s, 5000);
    }
    // The doc allows peer-left with reason server-closing; whatever arrives must carry that reason.
    for (const s of [a.socket, b.socket]) {
      for (const p of received(s, 'peer-left')) assert.equal(p.reason, 'server-closing', JSON.stringify(p));
    }
    const exit = await srv.stop('SIGTERM', 5000);
    assert.equal(exit.code, 0, `the server exits by itself after SIGTERM (not killed): ${JSON.stringify(exit)}`);
  });
});

describe('heartbeat', { timeout: SUITE_TIMEOUT_MS }, () => {
  test('a frozen peer (no pong) is detected within 8 s: peer-left {id, reason:"disconnected"} (websocket and polling)', async (t) => {
    const srv = await startServer(t);
    const r = room();
    const observer = await joined(t, srv.url, 'websocket', r, 'Observer');
    const frozen = [];
    for (const tr of ['websocket', 'polling']) {
      const f = await joined(t, srv.url, tr, r, `Frozen-${tr}`);
      // Stop answering the server's pings (the client keeps its connection open, it just goes silent).
      const engine = f.socket.io.engine;
      const send = engine._sendPacket.bind(engine);
      engine._sendPacket = (type, ...rest) => (type === 'pong' ? undefined : send(type, ...rest));
      frozen.push(f);
    }
    const since = Date.now();
    for (const f of frozen) {
      assert.deepEqual(await waitFor(observer.socket, 'peer-left', (p) => p.id === f.id, 11000), { id: f.id, reason: 'disconnected' });
    }
    const took = Date.now() - since;
    t.diagnostic(`frozen peers detected after ${took} ms`);
    assert.ok(took <= 10000, `detected within 8 s (+2 s slack for a loaded machine; the issue asks for 10 s), took ${took} ms`);
    assert.ok(observer.socket.connected, 'the observer (answering pings) stays connected');
    assert.deepEqual(await healthz(srv.url).then((h) => h.participants), 1);
  });
});
