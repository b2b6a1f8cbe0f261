// signal relay: addressing, payload fidelity, room isolation, errors, size limit and a 2,000-message burst.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TRANSPORTS, SUITE_TIMEOUT_MS, startServer, connect, req, waitFor, waitUntil, sleep, room, assertOk, assertError, joined, received,
  receivedEvents, healthz,
} from './helpers.mjs';

const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n' +
  'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n';

/** Three members of one room and one of another. */
async function setup(t, tr, args = []) {
  const srv = await startServer(t, args);
  const r = room();
  const a = await joined(t, srv.url, tr, r, 'A');
  const b = await joined(t, srv.url, tr, r, 'B');
  const c = await joined(t, srv.url, tr, r, 'C');
  const x = await joined(t, srv.url, tr, room('other'), 'X');
  return { srv, a, b, c, x };
}

for (const tr of TRANSPORTS) {
  describe(`signal [${tr}]`, { timeout: SUITE_TIMEOUT_MS }, () => {
    test('relayed only to the addressed peer as {from, kind, data}, data intact', async (t) => {
      const { a, b, c, x } = await setup(t, tr);
      const payloads = [
        { kind: 'offer', data: { type: 'offer', sdp: SDP } },
        { kind: 'answer', data: 'a plain string with unicode: h\u00e9llo \u2028 \u{1F600} "quotes" \\ back' },
        {
          kind: 'candidate',
          data: {
            candidate: 'candidate:842163049 1 udp 1677729535 203.0.113.7 54400 typ srflx raddr 0.0.0.0 rport 0',
            sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null,
            nested: { deep: { deeper: [1, 2.5, -3, true, false, null, 'x', { k: [[], {}] }] } },
          },
        },
        { kind: 'renegotiate', data: [1, 'two', { three: 3 }] },
        { kind: 'bye', data: 42 },
        { kind: 'bye', data: true },
        { kind: 'candidate', data: '' },
        { kind: 'candidate', data: {} },
      ];
      for (const p of payloads) {
        assert.deepEqual(await req(a.socket, 'signal', { to: b.id, ...p }), { ok: true }, `ack for ${p.kind}`);
        const got = await waitFor(b.socket, 'signal');
        assert.deepEqual(got, { from: a.id, kind: p.kind, data: p.data });
      }
      // and the other way round
      assert.deepEqual(await req(b.socket, 'signal', { to: a.id, kind: 'answer', data: { type: 'answer', sdp: SDP } }), { ok: true });
      assert.deepEqual(await waitFor(a.socket, 'signal'), { from: b.id, kind: 'answer', data: { type: 'answer', sdp: SDP } });
      await sleep(200);
      assert.equal(received(c.socket, 'signal').length, 0, 'a third member of the room receives none of it');
      assert.equal(received(x.socket, 'signal').length, 0, 'a member of another room receives none of it');
      assert.equal(received(b.socket, 'signal').length, payloads.length, 'B received each signal exactly once');
      assert.equal(received(a.socket, 'signal').length, 1, 'the sender gets no copy of its own signals');
    });

    test('data null is a JSON value and is relayed', async (t) => {
      const { a, b } = await setup(t, tr);
      assert.deepEqual(await req(a.socket, 'signal', { to: b.id, kind: 'bye', data: null }), { ok: true });
      assert.deepEqual(await waitFor(b.socket, 'signal'), { from: a.id, kind: 'bye', data: null });
    });

    test('unknown-peer: a member of ANOTHER room cannot be addressed and never receives anything', async (t) => {
      const { a, b, x } = await setup(t, tr);
      assertError(await req(a.socket, 'signal', { to: x.id, kind: 'offer', data: { sdp: SDP } }), 'unknown-peer', 'other room');
      assertError(await req(x.socket, 'signal', { to: a.id, kind: 'offer', data: { sdp: SDP } }), 'unknown-peer', 'from the other room');
      assertError(await req(a.socket, 'signal', { to: 'no-such-id', kind: 'offer', data: {} }), 'unknown-peer', 'made-up id');
      // a peer that just left
      assertOk(await req(b.socket, 'leave'));
      assertError(await req(a.socket, 'signal', { to: b.id, kind: 'bye', data: {} }), 'unknown-peer', 'peer that left');
      await sleep(200);
      assert.deepEqual(receivedEvents(x.socket), [], 'the member of the other room received no event at all');
      assert.equal(received(b.socket, 'signal').length, 0);
      assert.equal(received(a.socket, 'signal').length, 0);
    });

    test('not-in-room: signal before join and after leave', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const s = await connect(t, srv.url, tr);
      assertError(await req(s, 'signal', { to: a.id, kind: 'offer', data: {} }), 'not-in-room', 'before join');
      const b = await joined(t, srv.url, tr, r, 'B');
      assertOk(await req(b.socket, 'leave'));
      assertError(await req(b.socket, 'signal', { to: a.id, kind: 'offer', data: {} }), 'not-in-room', 'after leave');
      await sleep(100);
      assert.equal(received(a.socket, 'signal').length, 0);
    });

    test('bad-request: payload shape, types, kind, signal to self', async (t) => {
      const { a, b } = await setup(t, tr);
      const cases = [
        ['a string payload', 'offer'],
        ['a number payload', 42],
        ['a null payload', null],
        ['an array payload', [{ to: b.id, kind: 'offer', data: {} }]],
        ['a boolean payload', true],
        ['missing to', { kind: 'offer', data: {} }],
        ['to is a number', { to: 5, kind: 'offer', data: {} }],
        ['to is an object', { to: { id: b.id }, kind: 'offer', data: {} }],
        ['missing kind', { to: b.id, data: {} }],
        ['kind is a number', { to: b.id, kind: 1, data: {} }],
        ['unknown kind', { to: b.id, kind: 'hello', data: {} }],
        ['kind in another case', { to: b.id, kind: 'OFFER', data: {} }],
        ['empty kind', { to: b.id, kind: '', data: {} }],
        ['missing data', { to: b.id, kind: 'offer' }],
        ['signal to self', { to: a.id, kind: 'offer', data: {} }],
      ];
      for (const [what, payload] of cases) {
        assertError(await req(a.socket, 'signal', payload), 'bad-request', what);
      }
      assertError(await req(a.socket, 'signal'), 'bad-request', 'no payload at all');
      await sleep(100);
      assert.equal(received(b.socket, 'signal').length, 0, 'nothing was relayed');
      assert.equal(received(a.socket, 'signal').length, 0, 'nothing was relayed to self');
      // the connection is still fine
      assert.deepEqual(await req(a.socket, 'signal', { to: b.id, kind: 'offer', data: 1 }), { ok: true });
      assert.deepEqual(await waitFor(b.socket, 'signal'), { from: a.id, kind: 'offer', data: 1 });
    });

    test('too-large: data over 64 KiB encoded as JSON; exactly 64 KiB passes', async (t) => {
      const { a, b } = await setup(t, tr);
      const exact = 'x'.repeat(64 * 1024 - 2); // JSON "xxx…" = 65536 bytes
      assert.deepEqual(await req(a.socket, 'signal', { to: b.id, kind: 'offer', data: exact }), { ok: true }, 'exactly 64 KiB');
      const got = await waitFor(b.socket, 'signal');
      assert.equal(got.data, exact);
      assertError(await req(a.socket, 'signal', { to: b.id, kind: 'offer', data: exact + 'x' }), 'too-large', '64 KiB + 1 byte');
      const obj = { type: 'offer', sdp: 's'.repeat(70 * 1024) };
      assertError(await req(a.socket, 'signal', { to: b.id, kind: 'offer', data: obj }), 'too-large', '70 KiB object');
      // multi-byte characters count as their UTF-8 bytes: 22,000 × "é" (2 bytes) = 44,002 bytes, fine; × 1.5 is not
      const accents = '\u00e9'.repeat(22000);
      assert.deepEqual(await req(a.socket, 'signal', { to: b.id, kind: 'offer', data: accents }), { ok: true }, '44 KB of é');
      assert.equal((await waitFor(b.socket, 'signal')).data, accents);
      assertError(await req(a.socket, 'signal', { to: b.id, kind: 'offer', data: '\u00e9'.repeat(33000) }), 'too-large', '66 KB of é');
      await sleep(100);
      assert.equal(received(b.socket, 'signal').length, 2, 'the refused ones were not relayed');
      assert.deepEqual(await req(a.socket, 'signal', { to: b.id, kind: 'bye', data: {} }), { ok: true }, 'still usable');
    });

    test('burst: 2,000 signals sent back-to-back all arrive, in order, every ack ok (default rate limits)', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      const N = 2000;
      const started = Date.now();
      const acks = [];
      for (let i = 0; i < N; i++) {
        acks.push(req(a.socket, 'signal', {
          to: b.id,
          kind: 'candidate',
          data: { seq: i, candidate: `candidate:${i} 1 udp 2122260223 192.0.2.${i % 250} ${40000 + i} typ host`, sdpMid: '0' },
        }).then((ack) => ack, (err) => ({ ok: 'no-ack', error: String(err) })));
      }
      const results = await Promise.all(acks);
      const bad = results.map((ack, i) => [i, ack]).filter(([, ack]) => !(ack && ack.ok === true));
      assert.equal(bad.length, 0, `${bad.length} of ${N} acks not ok, e.g. ${JSON.stringify(bad.slice(0, 3))}`);
      await waitUntil(b.socket, () => received(b.socket, 'signal').length >= N, 20000,
        () => `B received ${received(b.socket, 'signal').length} of ${N} signals`);
      const got = received(b.socket, 'signal');
      assert.equal(got.length, N, 'exactly N signals');
      for (let i = 0; i < N; i++) {
        if (got[i].data?.seq !== i || got[i].from !== a.id || got[i].kind !== 'candidate') {
          assert.fail(`signal #${i} out of order or altered: ${JSON.stringify(got[i])} (previous ${JSON.stringify(got[i - 1]?.data)})`);
        }
      }
      t.diagnostic(`${tr}: ${N} signals relayed in ${Date.now() - started} ms`);
      // the server is still answering and both sockets still work
      assert.equal((await healthz(srv.url)).participants, 2);
      assert.deepEqual(await req(b.socket, 'signal', { to: a.id, kind: 'bye', data: 'done' }), { ok: true });
      assert.deepEqual(await waitFor(a.socket, 'signal'), { from: b.id, kind: 'bye', data: 'done' });
    });
  });
}
