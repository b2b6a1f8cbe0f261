// The per-socket token buckets of docs/PROTOCOL.md "Limits" (defaults): a request that finds its bucket empty gets
// rate-limited and has no effect; other sockets and other buckets are not affected. (The chat flood is in
// chat.test.mjs, the 2,000-signal burst that must pass in signal.test.mjs.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TRANSPORTS, SUITE_TIMEOUT_MS, startServer, connect, req, waitFor, waitUntil, sleep, room, assertOk, assertError,
  joined, received, healthz,
} from './helpers.mjs';

/** Splits acks into ok and rate-limited, failing on anything else. */
function tally(acks, what) {
  const ok = [];
  const limited = [];
  acks.forEach((ack, i) => {
    if (ack?.ok === true) ok.push(i);
    else if (ack?.ok === false && ack.error?.code === 'rate-limited') limited.push(i);
    else assert.fail(`${what} #${i}: expected ok or rate-limited, got ${JSON.stringify(ack)}`);
  });
  for (const i of limited) assertError(acks[i], 'rate-limited', `${what} #${i}`);
  return { ok, limited };
}

for (const tr of TRANSPORTS) {
  describe(`rate limits [${tr}]`, { timeout: SUITE_TIMEOUT_MS }, () => {
    test('signal messages: beyond 2,000 back-to-back some are rate-limited; exactly the accepted ones arrive, in order', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      const N = 2600;
      const acks = await Promise.all(Array.from({ length: N }, (_, i) =>
        req(a.socket, 'signal', { to: b.id, kind: 'candidate', data: { seq: i } })));
      const { ok, limited } = tally(acks, 'signal');
      assert.ok(ok.length >= 2000, `at least the bucket capacity (2000) passes, got ${ok.length}`);
      assert.ok(limited.length > 0, `some of ${N} are rate-limited (ok ${ok.length})`);
      await waitUntil(b.socket, () => received(b.socket, 'signal').length >= ok.length, 20000,
        () => `B got ${received(b.socket, 'signal').length} of ${ok.length}`);
      await sleep(200);
      assert.deepEqual(received(b.socket, 'signal').map((m) => m.data.seq), ok, 'exactly the accepted signals, in order');
      // other sockets are not affected
      assert.deepEqual(await req(b.socket, 'signal', { to: a.id, kind: 'answer', data: 'fine' }), { ok: true });
      assert.deepEqual(await waitFor(a.socket, 'signal'), { from: b.id, kind: 'answer', data: 'fine' });
    });

    test('signal bytes: 100 × 60 KiB back-to-back exceed the 4 MiB budget; refused ones are not relayed', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      const N = 100;
      const pad = 'p'.repeat(60 * 1024);
      const acks = await Promise.all(Array.from({ length: N }, (_, i) =>
        req(a.socket, 'signal', { to: b.id, kind: 'offer', data: { seq: i, sdp: pad } })));
      const { ok, limited } = tally(acks, 'signal');
      assert.ok(ok.length >= 68, `4 MiB / 60 KiB = 68 fit in the byte bucket, got ${ok.length}`);
      assert.ok(limited.length > 0, `some of ${N} × 60 KiB are rate-limited (ok ${ok.length})`);
      await waitUntil(b.socket, () => received(b.socket, 'signal').length >= ok.length, 10000,
        () => `B got ${received(b.socket, 'signal').length} of ${ok.length}`);
      await sleep(200);
      assert.deepEqual(received(b.socket, 'signal').map((m) => m.data.seq), ok, 'exactly the accepted signals, in order');
      assert.equal((await healthz(srv.url)).participants, 2);
    });

    test('join: wrong passwords are bounded per socket and per room (10, then one per 5 s), even for new connections', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const owner = await joined(t, srv.url, tr, r, 'Owner', { password: 'right' });
      const s = await connect(t, srv.url, tr);
      const acks = await Promise.all(Array.from({ length: 16 }, (_, i) =>
        req(s, 'join', { room: r, name: 'Guesser', password: `guess-${i}` })));
      let wrong = 0;
      let limited = 0;
      for (const ack of acks) {
        if (ack?.error?.code === 'wrong-password') wrong += 1;
        else if (ack?.error?.code === 'rate-limited') limited += 1;
        else assert.fail(`expected wrong-password or rate-limited, got ${JSON.stringify(ack)}`);
      }
      assert.ok(wrong >= 10 && wrong <= 12, `about 10 guesses get through, got ${wrong}`);
      assert.ok(limited >= 4, `the rest are rate-limited, got ${limited}`);
      assertError(await req(s, 'join', { room: r, name: 'Guesser', password: 'right' }), 'rate-limited', 'bucket empty');
      assert.equal(received(owner.socket, 'peer-joined').length, 0);
      // A fresh connection cannot go on guessing: the room's own budget is spent too.
      const other = await connect(t, srv.url, tr);
      assertError(await req(other, 'join', { room: r, name: 'Friend', password: 'guess-x' }), 'rate-limited', 'another socket');
      // Other rooms are not affected.
      const third = await connect(t, srv.url, tr);
      assertOk(await req(third, 'join', { room: room(), name: 'Elsewhere' }), 'another room');
      await sleep(5200); // the room refills one guess every 5 s
      assertOk(await req(other, 'join', { room: r, name: 'Friend', password: 'right' }), 'after the refill');
    });

    test('anything else: a flood of 80 unknown events gets some rate-limited; the other requests still work', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      const acks = await Promise.all(Array.from({ length: 80 }, () => req(a.socket, 'bogus', {})));
      let unknown = 0;
      let limited = 0;
      for (const ack of acks) {
        if (ack?.error?.code === 'unknown-event') unknown += 1;
        else if (ack?.error?.code === 'rate-limited') limited += 1;
        else assert.fail(`expected unknown-event or rate-limited, got ${JSON.stringify(ack)}`);
      }
      assert.ok(unknown >= 50, `the bucket (50) lets at least 50 through, got ${unknown}`);
      assert.ok(limited > 0, `some are rate-limited (unknown-event ${unknown})`);
      // chat and signal have their own buckets
      const m = assertOk(await req(a.socket, 'chat', { text: 'still here' }), 'chat').message;
      assert.deepEqual(await waitFor(b.socket, 'chat'), m);
      assert.deepEqual(await req(a.socket, 'signal', { to: b.id, kind: 'offer', data: {} }), { ok: true });
    });
  });
}
