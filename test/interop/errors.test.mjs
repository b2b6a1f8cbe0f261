// Validation and the stable error codes; requests without an ack; the 128 KiB message limit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TRANSPORTS, SUITE_TIMEOUT_MS, startServer, connect, req, waitFor, waitDisconnect, sleep, room, assertOk, assertError, joined,
  received, healthz, peer } from './helpers.mjs';

/** join payloads the server must refuse with bad-request. */
const BAD_JOINS = [
  ['a string payload', 'room-1'],
  ['a number payload', 7],
  ['a null payload', null],
  ['an array payload', [{ room: 'r', name: 'n' }]],
  ['missing room', { name: 'Ada' }],
  ['missing name', { room: 'r1' }],
  ['room is a number', { room: 5, name: 'Ada' }],
  ['name is a boolean', { room: 'r1', name: true }],
  ['name is an object', { room: 'r1', name: { first: 'Ada' } }],
  ['password is a number', { room: 'r1', name: 'Ada', password: 1234 }],
  ['empty room', { room: '', name: 'Ada' }],
  ['room with a space', { room: 'my room', name: 'Ada' }],
  ['room with a slash', { room: 'a/b', name: 'Ada' }],
  ['room with a non-ASCII letter', { room: 'caf\u00e9', name: 'Ada' }],
  ['room with a colon', { room: 'a:b', name: 'Ada' }],
  ['65-character room', { room: 'r'.repeat(65), name: 'Ada' }],
  ['empty name', { room: 'r1', name: '' }],
  ['white-space-only name', { room: 'r1', name: ' \t ' }],
  ['41-character name', { room: 'r1', name: 'n'.repeat(41) }],
  ['41-code-point name', { room: 'r1', name: '\u{1F600}'.repeat(41) }],
  ['name with a newline', { room: 'r1', name: 'Ada\nLovelace' }],
  ['name with a BEL', { room: 'r1', name: 'Ada\u0007' }],
  ['name with a NUL', { room: 'r1', name: 'Ada\u0000' }],
  ['name with DEL', { room: 'r1', name: 'Ada\u007f' }],
  ['name with a C1 control', { room: 'r1', name: 'Ada\u0085x' }],
  ['name with a bidi override', { room: 'r1', name: 'Ada\u202eecila' }],
  ['129-character password', { room: 'r1', name: 'Ada', password: 'p'.repeat(129) }],
];

for (const tr of TRANSPORTS) {
  describe(`errors [${tr}]`, { timeout: SUITE_TIMEOUT_MS }, () => {
    test('join bad-request: payload shape, types, room characters and length, name rules', async (t) => {
      const srv = await startServer(t);
      let s;
      for (const [i, [what, payload]] of BAD_JOINS.entries()) {
        // the join bucket holds 10: use a fresh socket every 5 requests
        if (i % 5 === 0) s = await connect(t, srv.url, tr);
        assertError(await req(s, 'join', payload), 'bad-request', what);
      }
      s = await connect(t, srv.url, tr);
      assertError(await req(s, 'join'), 'bad-request', 'no payload at all');
      // nothing was created
      assert.deepEqual(await healthz(srv.url).then((h) => [h.rooms, h.participants]), [0, 0]);
      // the socket is still usable and a name of 40 after trimming is fine
      const ack = assertOk(await req(s, 'join', { room: room(), name: `  ${'n'.repeat(40)}  ` }), '40 after trimming');
      assert.equal(ack.self.name, 'n'.repeat(40));
    });

    test('not-in-room: leave before any join', async (t) => {
      const srv = await startServer(t);
      const s = await connect(t, srv.url, tr);
      assertError(await req(s, 'leave'), 'not-in-room', 'leave without payload');
      assertError(await req(s, 'leave', {}), 'not-in-room', 'leave {}');
      const a = await joined(t, srv.url, tr, room(), 'A');
      assertOk(await req(a.socket, 'leave'));
      assertError(await req(a.socket, 'leave'), 'not-in-room', 'second leave');
    });

    test('unknown-event: any other event name with an ack', async (t) => {
      const srv = await startServer(t);
      const s = await connect(t, srv.url, tr);
      for (const ev of ['hello', 'Join', 'peer-joined', 'signal ', 'rooms', 'x'.repeat(100)]) {
        assertError(await req(s, ev, { room: 'r', name: 'n' }), 'unknown-event', ev);
      }
      assertError(await req(s, 'nope'), 'unknown-event', 'without payload');
      // still usable
      assertOk(await req(s, 'join', { room: room(), name: 'A' }));
    });

    test('unknown-event: an unknown event with several arguments (and an ack) still gets unknown-event', async (t) => {
      const srv = await startServer(t);
      const s = await connect(t, srv.url, tr);
      assertError(await req(s, 'nope', 1), 'unknown-event', 'a number argument');
      assertError(await req(s, 'nope', 'a', 'b', 3), 'unknown-event', 'several arguments');
    });

    test('a request without ack is dropped, and the connection stays usable', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const s = await connect(t, srv.url, tr);
      s.emit('join', { room: r, name: 'Silent' }); // no ack: must be dropped
      s.emit('nonsense', { x: 1 });
      s.emit('chat', { text: 'nobody hears this' });
      await sleep(300);
      assert.equal(received(a.socket, 'peer-joined').length, 0, 'the ack-less join had no effect');
      assert.deepEqual(await healthz(srv.url).then((h) => h.participants), 1);
      assert.ok(s.connected, 'still connected');
      assert.equal(received(s, 'chat').length, 0);
      // the connection still works: a join with an ack succeeds (it would be already-in-room had the first counted)
      const ack = assertOk(await req(s, 'join', { room: r, name: 'Loud' }), 'join with ack');
      assert.deepEqual(ack.peers, [peer(a.id, 'A')]);
      assert.deepEqual(await waitFor(a.socket, 'peer-joined'), peer(s.id, 'Loud'));
      // a signal and a chat without ack, in the room, are dropped as well
      s.emit('signal', { to: a.id, kind: 'offer', data: {} });
      s.emit('chat', { text: 'dropped' });
      await sleep(300);
      assert.equal(received(a.socket, 'signal').length, 0, 'ack-less signal not relayed');
      assert.equal(received(a.socket, 'chat').length, 0, 'ack-less chat not broadcast');
      assertOk(await req(s, 'chat', { text: 'kept' }));
      assert.equal((await waitFor(a.socket, 'chat')).text, 'kept');
    });

    test('a message over 128 KiB closes only that connection; the room gets peer-left and goes on', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      const big = await joined(t, srv.url, tr, r, 'Big');
      big.socket.emit('signal', { to: a.id, kind: 'offer', data: 'x'.repeat(130 * 1024) });
      await waitDisconnect(big.socket, 5000);
      for (const m of [a, b]) {
        assert.deepEqual(await waitFor(m.socket, 'peer-left', (p) => p.id === big.id, 5000), { id: big.id, reason: 'disconnected' });
      }
      assert.equal(received(a.socket, 'signal').length, 0, 'the oversized message was not relayed');
      assert.ok(a.socket.connected && b.socket.connected, 'the others stay connected');
      assert.deepEqual(await req(a.socket, 'signal', { to: b.id, kind: 'offer', data: { sdp: 'v=0' } }), { ok: true });
      assert.deepEqual(await waitFor(b.socket, 'signal'), { from: a.id, kind: 'offer', data: { sdp: 'v=0' } });
      const m = assertOk(await req(b.socket, 'chat', { text: 'still here' })).message;
      assert.deepEqual(await waitFor(a.socket, 'chat'), m);
      assert.equal((await healthz(srv.url)).participants, 2);
    });

    test('a message just under 128 KiB is not a connection error (too-large ack instead)', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      assertError(await req(a.socket, 'signal', { to: b.id, kind: 'offer', data: 'x'.repeat(120 * 1024) }), 'too-large');
      assert.ok(a.socket.connected);
      assert.deepEqual(await req(a.socket, 'signal', { to: b.id, kind: 'offer', data: 'ok' }), { ok: true });
    });
  });
}
