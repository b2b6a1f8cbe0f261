// chat: broadcast, ack shape, history for late joiners, validation, size limit and rate limiting.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TRANSPORTS, SUITE_TIMEOUT_MS, startServer, connect, req, waitFor, waitUntil, sleep, room, assertOk, assertError, joined, received,
  healthz,
} from './helpers.mjs';

const cpLen = (s) => [...s].length;

for (const tr of TRANSPORTS) {
  describe(`chat [${tr}]`, { timeout: SUITE_TIMEOUT_MS }, () => {
    test('broadcast to every member incl. the sender; ack {ok, message} is the same object; ids grow by one', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'Ada');
      const b = await joined(t, srv.url, tr, r, 'Grace');
      const c = await joined(t, srv.url, tr, r, 'Linus');
      const x = await joined(t, srv.url, tr, room('other'), 'X');
      const before = Date.now();
      const ack = assertOk(await req(a.socket, 'chat', { text: 'hi all' }), 'chat');
      const after = Date.now();
      assert.deepEqual(Object.keys(ack).sort(), ['message', 'ok']);
      const m = ack.message;
      assert.deepEqual(Object.keys(m).sort(), ['from', 'id', 'name', 'text', 'ts']);
      assert.equal(typeof m.id, 'number');
      assert.equal(m.from, a.id);
      assert.equal(m.name, 'Ada');
      assert.equal(m.text, 'hi all');
      assert.ok(Number.isInteger(m.ts) && m.ts >= before - 1000 && m.ts <= after + 1000, `ts ${m.ts} not in [${before}, ${after}]`);
      for (const s of [a, b, c]) assert.deepEqual(await waitFor(s.socket, 'chat'), m, 'every member, sender included, gets the same object');
      const ack2 = assertOk(await req(b.socket, 'chat', { text: 'hello\n\tthere \u{1F44B}' }), 'chat 2');
      assert.equal(ack2.message.id, m.id + 1, 'id grows by one');
      assert.equal(ack2.message.text, 'hello\n\tthere \u{1F44B}', 'newline and tab are allowed, text is kept as sent');
      for (const s of [a, b, c]) assert.deepEqual(await waitFor(s.socket, 'chat'), ack2.message);
      await sleep(100);
      assert.equal(received(x.socket, 'chat').length, 0, 'another room gets nothing');
      for (const s of [a, b, c]) assert.equal(received(s.socket, 'chat').length, 2, 'each message exactly once');
    });

    test('history: a late joiner gets the room chat in order; a new room starts empty', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      const sent = [];
      for (let i = 0; i < 6; i++) {
        const who = i % 2 ? b : a;
        sent.push(assertOk(await req(who.socket, 'chat', { text: `message ${i}` }), `chat ${i}`).message);
      }
      const c = await joined(t, srv.url, tr, r, 'C');
      assert.deepEqual(c.ack.chat, sent, 'history, oldest first, same objects as broadcast');
      for (let i = 1; i < sent.length; i++) assert.equal(sent[i].id, sent[i - 1].id + 1);
      assert.equal(received(c.socket, 'chat').length, 0, 'history comes in the ack, not as chat events');
      // the history outlives the members who wrote it, as long as the room exists
      assertOk(await req(a.socket, 'leave'));
      const d = await joined(t, srv.url, tr, r, 'D');
      assert.deepEqual(d.ack.chat, sent);
      // when the last member leaves, the room and its history disappear
      for (const s of [b, c, d]) assertOk(await req(s.socket, 'leave'));
      const e = await joined(t, srv.url, tr, r, 'E');
      assert.deepEqual(e.ack.chat, []);
    });

    test('history keeps the last 200 messages', async (t) => {
      const srv = await startServer(t, ['--rate-limits=false']);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const acks = await Promise.all(Array.from({ length: 205 }, (_, i) => req(a.socket, 'chat', { text: `m${i}` })));
      acks.forEach((ack, i) => assertOk(ack, `chat ${i}`));
      const b = await joined(t, srv.url, tr, r, 'B');
      assert.equal(b.ack.chat.length, 200);
      assert.deepEqual(b.ack.chat.map((m) => m.text), Array.from({ length: 200 }, (_, i) => `m${i + 5}`));
    });

    test('errors: not-in-room, bad-request, too-large (2000 code points pass)', async (t) => {
      const srv = await startServer(t);
      const s = await connect(t, srv.url, tr);
      assertError(await req(s, 'chat', { text: 'hi' }), 'not-in-room', 'before join');
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      const bad = [
        ['a string payload', 'hi'],
        ['a null payload', null],
        ['an array payload', ['hi']],
        ['missing text', {}],
        ['text is a number', { text: 5 }],
        ['empty text', { text: '' }],
        ['only white space', { text: ' \n\t ' }],
        ['a control character', { text: 'bell\u0007' }],
        ['a NUL', { text: 'nul\u0000' }],
      ];
      // at most 20 chats per bucket: spread the cases over two sockets
      for (const [i, [what, payload]] of bad.entries()) {
        assertError(await req(i < 5 ? a.socket : b.socket, 'chat', payload), 'bad-request', what);
      }
      const max = '\u{1F600}'.repeat(1000) + 'x'.repeat(1000); // 2000 code points, 3000 UTF-16 units
      assert.equal(cpLen(max), 2000);
      const ok = assertOk(await req(a.socket, 'chat', { text: max }), '2000 code points');
      assert.equal(ok.message.text, max);
      assertError(await req(a.socket, 'chat', { text: max + 'y' }), 'too-large', '2001 code points');
      assertError(await req(b.socket, 'chat', { text: 'z'.repeat(5000) }), 'too-large', '5000 characters');
      await sleep(100);
      assert.deepEqual(received(b.socket, 'chat').map((m) => m.id), [ok.message.id], 'only the valid message was broadcast');
      assertOk(await req(a.socket, 'leave'));
      assertError(await req(a.socket, 'chat', { text: 'hi' }), 'not-in-room', 'after leave');
    });

    test('line breaks: CR LF and CR become LF, other control characters are refused', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'A');
      const b = await joined(t, srv.url, tr, r, 'B');
      const one = assertOk(await req(a.socket, 'chat', { text: 'line one\r\nline two\rthree' }), 'CR LF');
      assert.equal(one.message.text, 'line one\nline two\nthree');
      assert.equal((await waitFor(b.socket, 'chat')).text, 'line one\nline two\nthree', 'the room gets the stored text');
      assertError(await req(a.socket, 'chat', { text: 'bell\u0007' }), 'bad-request', 'BEL');
      assertError(await req(a.socket, 'chat', { text: 'nul\u0000' }), 'bad-request', 'NUL');
    });

    test('rate-limited: a flood of 100 chats gets some rate-limited acks, the rest ok; others unaffected', async (t) => {
      const srv = await startServer(t);
      const r = room();
      const a = await joined(t, srv.url, tr, r, 'Flooder');
      const b = await joined(t, srv.url, tr, r, 'B');
      const acks = await Promise.all(Array.from({ length: 100 }, (_, i) => req(a.socket, 'chat', { text: `flood ${i}` })));
      const ok = acks.filter((x) => x && x.ok === true);
      const limited = acks.filter((x) => x && x.ok === false && x.error?.code === 'rate-limited');
      const other = acks.find((x) => !(x?.ok === true || x?.error?.code === 'rate-limited'));
      assert.equal(ok.length + limited.length, 100, `every ack is ok or rate-limited, got ${JSON.stringify(other)}`);
      for (const x of limited) assertError(x, 'rate-limited');
      assert.ok(limited.length > 0, 'some chats were rate-limited');
      assert.ok(ok.length >= 20, `the bucket (capacity 20) let at least 20 through, got ${ok.length}`);
      assert.ok(ok.length <= 40, `the bucket (capacity 20, 5/s) let at most ~20 + refill through, got ${ok.length}`);
      // exactly the accepted ones were broadcast (rate-limited requests have no effect)
      await waitUntil(b.socket, () => received(b.socket, 'chat').length >= ok.length, 5000,
        () => `B got ${received(b.socket, 'chat').length} of ${ok.length} chats`);
      await sleep(200);
      assert.deepEqual(received(b.socket, 'chat').map((m) => m.id), ok.map((x) => x.message.id));
      // the server still answers, and the other member is not limited
      const h = await healthz(srv.url);
      assert.equal(h.participants, 2);
      const bAck = assertOk(await req(b.socket, 'chat', { text: 'I can still talk' }), 'other member chats');
      assert.deepEqual(await waitFor(a.socket, 'chat', (m) => m.id === bAck.message.id), bAck.message);
      assert.deepEqual(await req(b.socket, 'signal', { to: a.id, kind: 'offer', data: {} }), { ok: true });
      // the flooder's other requests are on other buckets: signalling still works
      assert.deepEqual(await req(a.socket, 'signal', { to: b.id, kind: 'answer', data: {} }), { ok: true });
      // and after a short wait the bucket refills (5/s)
      await sleep(600);
      assertOk(await req(a.socket, 'chat', { text: 'back' }), 'chat after refill');
    });
  });
}
