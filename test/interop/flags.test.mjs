// parley-server's command line as a deployer uses it: ICE servers handed to clients, HTTPS, refused flag mixes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, connect, req, assertOk, room, httpRequest } from './helpers.mjs';

describe('command line', () => {
  test('--ice-server (repeatable) reaches clients in the join ack as RTCIceServer objects', async (t) => {
    const srv = await startServer(t, [
      '--ice-server', 'stun:stun.example.org:3478',
      '--ice-server', 'turn:turn.example.org:3478?transport=udp,username=alice,credential=s3cret',
    ]);
    const s = await connect(t, srv.url, 'websocket');
    const ack = assertOk(await req(s, 'join', { room: room(), name: 'Ada' }));
    assert.deepEqual(ack.iceServers, [
      { urls: ['stun:stun.example.org:3478'] },
      { urls: ['turn:turn.example.org:3478?transport=udp'], username: 'alice', credential: 's3cret' },
    ]);
  });

  test('--tls-cert/--tls-key: https and wss, with the same protocol', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' });
    const srv = await startServer(t, ['--tls-cert', cert, '--tls-key', key]);
    assert.match(srv.url, /^https:\/\//, 'the first line says https');
    const s = await connect(t, srv.url, 'websocket', { rejectUnauthorized: false });
    assertOk(await req(s, 'join', { room: room(), name: 'Ada' }));
    const p = await connect(t, srv.url, 'polling', { rejectUnauthorized: false });
    assertOk(await req(p, 'join', { room: room(), name: 'Grace' }));
    const res = await fetchInsecure(`${srv.url}/healthz`);
    assert.equal(res.participants, 2);
    const plain = await httpRequest(`http://127.0.0.1:${srv.port}/healthz`, { timeoutMs: 2000 }).catch(() => null);
    assert.ok(plain === null || plain.status !== 200, `plain http is not served on the TLS port (got ${plain?.status})`);
  });

  for (const [what, args] of [
    ['--tls-cert without --tls-key', ['--tls-cert', '/nonexistent.pem']],
    ['a missing certificate file', ['--tls-cert', '/nonexistent.pem', '--tls-key', '/nonexistent.key']],
    ['an --ice-server that is not stun/turn', ['--ice-server', 'http://example.org']],
    ['a TURN server without credentials', ['--ice-server', 'turn:turn.example.org:3478']],
    ['--room-cap 0', ['--room-cap', '0']],
    ['an unknown flag', ['--frobnicate']],
  ]) {
    test(`refused at start: ${what} (non-zero exit, a message on stderr)`, async (t) => {
      await assert.rejects(startServer(t, args), (err) => {
        assert.match(err.message, /exited \(code [1-9]/, err.message);
        return true;
      });
    });
  }
});

async function fetchInsecure(url) {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject).on('timeout', function () { this.destroy(new Error('timeout')); });
  });
}
