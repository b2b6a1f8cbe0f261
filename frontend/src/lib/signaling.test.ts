import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignalingError } from './errors';
import type { ClientEvents } from './signaling';
import { SignalingClient, parseAck } from './signaling';
import { FakeSocket, NO_ACK } from './testing';

async function connected(reply?: ConstructorParameters<typeof FakeSocket>[0], opts = {}) {
  const fake = new FakeSocket(reply);
  let seenOpts: Record<string, unknown> = {};
  const p = SignalingClient.connect('http://127.0.0.1:7800', {
    socketFactory: (_url, o) => ((seenOpts = o as Record<string, unknown>), fake),
    ...opts,
  });
  fake.up('sock1');
  const client = await p;
  return { fake, client, seenOpts };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('connect', () => {
  it('resolves once connected, with websocket first and polling as fallback', async () => {
    const { client, seenOpts } = await connected();
    expect(client.state).toBe('connected');
    expect(client.id).toBe('sock1');
    expect(seenOpts.transports).toEqual(['websocket', 'polling']);
    expect(seenOpts.path).toBe('/socket.io/');
  });

  it('passes the transports through', async () => {
    const { seenOpts } = await connected(undefined, { transports: ['polling'] });
    expect(seenOpts.transports).toEqual(['polling']);
  });

  it('fails with unreachable on a connection error and closes the socket', async () => {
    const fake = new FakeSocket();
    const p = SignalingClient.connect('http://127.0.0.1:1', { socketFactory: () => fake });
    fake.fire('connect_error', new Error('websocket error'));
    await expect(p).rejects.toMatchObject({ code: 'unreachable', request: 'connect' });
    expect(fake.active).toBe(false);
  });

  it('fails with unreachable when nothing answers in time', async () => {
    vi.useFakeTimers();
    const fake = new FakeSocket();
    const p = SignalingClient.connect('http://10.255.255.1:7800', { socketFactory: () => fake, connectTimeoutMs: 3000 });
    const check = expect(p).rejects.toMatchObject({ code: 'unreachable' });
    await vi.advanceTimersByTimeAsync(3001);
    await check;
  });
});

describe('requests', () => {
  it('joins with the trimmed name and no empty password', async () => {
    const ack = {
      ok: true,
      self: { id: 'sock1', name: 'Ada' },
      peers: [{ id: 'p1', name: 'Grace' }],
      chat: [{ id: 1, from: 'p1', name: 'Grace', text: 'hi', ts: 1764096000000 }, { junk: true }],
      iceServers: [{ urls: ['stun:stun.example.org:3478'] }, { nope: 1 }],
      room: { name: 'standup', cap: 16 },
    };
    const { fake, client } = await connected(() => ack);
    const r = await client.join({ room: 'standup', name: '  Ada ', password: '' });
    expect(fake.sent).toEqual([{ event: 'join', args: [{ room: 'standup', name: 'Ada' }] }]);
    expect(r.self).toEqual({ id: 'sock1', name: 'Ada' });
    expect(r.peers).toEqual([{ id: 'p1', name: 'Grace' }]);
    expect(r.chat).toHaveLength(1); // the malformed entry is dropped
    expect(r.iceServers).toEqual([{ urls: ['stun:stun.example.org:3478'] }]);
    expect(r.room).toEqual({ name: 'standup', cap: 16 });
  });

  it('sends the password when there is one', async () => {
    const { fake, client } = await connected(() => ({ ok: true, self: { id: 's', name: 'A' }, peers: [] }));
    await client.join({ room: 'r', name: 'A', password: 'pw' });
    expect(fake.sent[0].args[0]).toEqual({ room: 'r', name: 'A', password: 'pw' });
  });

  it('turns error acks into SignalingErrors with the stable code', async () => {
    for (const code of ['room-full', 'wrong-password', 'rate-limited', 'bad-request'] as const) {
      const { client } = await connected(() => ({ ok: false, error: { code, message: `because ${code}` } }));
      const err = await client.join({ room: 'r', name: 'A' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SignalingError);
      expect(err).toMatchObject({ code, message: `because ${code}`, request: 'join' });
    }
  });

  it('refuses invalid input without sending anything', async () => {
    const { fake, client } = await connected();
    await expect(client.join({ room: 'no spaces', name: 'A' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(client.join({ room: 'r', name: '   ' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(client.chat('  ')).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(client.chat('x'.repeat(2001))).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(client.signal('p1', 'shout' as never, {})).rejects.toMatchObject({ code: 'invalid-input' });
    expect(fake.sent).toEqual([]);
  });

  it('times out a request the server never acknowledges', async () => {
    vi.useFakeTimers();
    const { client } = await connected(() => NO_ACK, { ackTimeoutMs: 500 });
    const check = expect(client.chat('hello?')).rejects.toMatchObject({ code: 'timeout', request: 'chat' });
    await vi.advanceTimersByTimeAsync(501);
    await check;
  });

  it('fails at once while disconnected', async () => {
    const { fake, client } = await connected();
    fake.drop();
    await expect(client.leave()).rejects.toMatchObject({ code: 'disconnected' });
    expect(fake.sent).toEqual([]);
  });

  it('sends signal, chat and leave as the protocol says', async () => {
    const message = { id: 4, from: 'sock1', name: 'Ada', text: 'hi', ts: 5 };
    const { fake, client } = await connected((event) => (event === 'chat' ? { ok: true, message } : { ok: true }));
    await client.signal('p1', 'offer', { type: 'offer', sdp: 'v=0' });
    expect(await client.chat(' hi ')).toEqual(message);
    await client.leave();
    expect(fake.sent).toEqual([
      { event: 'signal', args: [{ to: 'p1', kind: 'offer', data: { type: 'offer', sdp: 'v=0' } }] },
      { event: 'chat', args: [{ text: 'hi' }] },
      { event: 'leave', args: [] },
    ]);
  });

  it('rejects a chat ack without a message', async () => {
    const { client } = await connected(() => ({ ok: true }));
    await expect(client.chat('hi')).rejects.toMatchObject({ code: 'bad-response' });
  });
});

describe('parseAck', () => {
  it('checks the envelope', () => {
    expect(parseAck({ ok: true, x: 1 })).toEqual({ ok: true, x: 1 });
    expect(() => parseAck(null, 'join')).toThrow(SignalingError);
    expect(() => parseAck({ ok: 'yes' })).toThrow(/no ok field/);
    expect(() => parseAck({ ok: false, error: { code: 'martian', message: 'x' } })).toThrow(/unknown error code martian/);
  });
});

describe('events', () => {
  it('delivers well-formed server events and drops malformed ones', async () => {
    const { fake, client } = await connected();
    const got: { [K in keyof ClientEvents]?: ClientEvents[K][] } = {};
    const record =
      <K extends keyof ClientEvents>(k: K) =>
      (p: ClientEvents[K]) =>
        ((got[k] ??= [] as never) as ClientEvents[K][]).push(p);
    client.on('peer-joined', record('peer-joined'));
    client.on('peer-left', record('peer-left'));
    client.on('signal', record('signal'));
    client.on('chat', record('chat'));
    client.on('server-closing', record('server-closing'));

    fake.fire('peer-joined', { id: 'p1', name: 'Grace', extra: 1 });
    fake.fire('peer-joined', { id: 7 });
    fake.fire('peer-left', { id: 'p1', reason: 'disconnected' });
    fake.fire('peer-left', 'p1');
    fake.fire('signal', { from: 'p1', kind: 'candidate', data: { candidate: 'c' } });
    fake.fire('signal', { from: 'p1', kind: 'nonsense', data: 1 });
    fake.fire('chat', { id: 1, from: 'p1', name: 'Grace', text: 'hi', ts: 2 });
    fake.fire('chat', { id: 'x' });
    fake.fire('server-closing', { reason: 'shutdown' });

    expect(got['peer-joined']).toEqual([{ id: 'p1', name: 'Grace' }]);
    expect(got['peer-left']).toEqual([{ id: 'p1', reason: 'disconnected' }]);
    expect(got.signal).toEqual([{ from: 'p1', kind: 'candidate', data: { candidate: 'c' } }]);
    expect(got.chat).toEqual([{ id: 1, from: 'p1', name: 'Grace', text: 'hi', ts: 2 }]);
    expect(got['server-closing']).toEqual([{ reason: 'shutdown' }]);
  });

  it('reports connection state changes', async () => {
    const { fake, client } = await connected();
    const states: string[] = [];
    client.on('state', (s) => states.push(s));
    fake.drop();
    fake.up('sock2');
    fake.drop(true);
    expect(states).toEqual(['reconnecting', 'connected', 'closed']);
    expect(client.id).toBe('sock2');
  });

  it('close() disconnects for good and forgets listeners', async () => {
    const { fake, client } = await connected();
    let n = 0;
    client.on('chat', () => n++);
    client.close();
    expect(client.state).toBe('closed');
    expect(fake.active).toBe(false);
    fake.fire('chat', { id: 1, from: 'p1', name: 'G', text: 'late', ts: 1 });
    expect(n).toBe(0);
  });
});

describe('media state', () => {
  it('joins with a state, sends state requests, and parses states in acks and events', async () => {
    const { fake, client } = await connected((event, payload) =>
      event === 'join'
        ? {
            ok: true,
            self: { id: 'sock1', name: 'Ada', state: { mic: true, camera: true } },
            peers: [{ id: 'p1', name: 'Grace', state: { mic: false, camera: true, screen: true } }, { id: 'p2', name: 'Linus' }],
          }
        : { ok: true, state: payload },
    );
    const r = await client.join({ room: 'standup', name: 'Ada', state: { mic: true, camera: true, screen: false } });
    expect(fake.sent[0].args[0]).toEqual({ room: 'standup', name: 'Ada', state: { mic: true, camera: true, screen: false } });
    expect(r.self).toEqual({ id: 'sock1', name: 'Ada', state: { mic: true, camera: true, screen: false } });
    expect(r.peers).toEqual([
      { id: 'p1', name: 'Grace', state: { mic: false, camera: true, screen: true } },
      { id: 'p2', name: 'Linus' },
    ]);

    await expect(client.sendState({ mic: false, camera: true, screen: false })).resolves.toEqual({ mic: false, camera: true, screen: false });
    expect(fake.sent[1]).toEqual({ event: 'state', args: [{ mic: false, camera: true, screen: false }] });

    const got: unknown[] = [];
    client.on('peer-state', (p) => got.push(p));
    fake.fire('peer-state', { id: 'p1', state: { mic: true, screen: true } });
    fake.fire('peer-state', { id: 'p1', state: 'on' });
    fake.fire('peer-state', { state: { mic: true } });
    expect(got).toEqual([{ id: 'p1', state: { mic: true, camera: false, screen: true } }]);
  });
});

describe('server restart', () => {
  it('reconnects by itself, a little later, after the server announced server-closing', async () => {
    const { fake, client } = await connected(undefined, { serverRestartDelayMs: 1000 });
    vi.useFakeTimers();
    const states: string[] = [];
    client.on('state', (s) => states.push(s));
    let connects = 0;
    const connect = fake.connect.bind(fake);
    fake.connect = () => (connects++, connect());
    fake.fire('server-closing', { reason: 'shutdown' });
    fake.drop(true); // the server ends the connection: socket.io-client would not retry
    expect(states).toEqual(['reconnecting']);
    vi.advanceTimersByTime(999);
    expect(connects).toBe(0);
    vi.advanceTimersByTime(1001);
    expect(connects).toBe(1);
    fake.up('sock2');
    expect(states).toEqual(['reconnecting', 'connected']);
    // A later disconnect by the server without server-closing is the end.
    fake.drop(true);
    expect(states.at(-1)).toBe('closed');
  });

  it('does not reconnect after close()', async () => {
    const { fake, client } = await connected(undefined, { serverRestartDelayMs: 10 });
    vi.useFakeTimers();
    let connects = 0;
    fake.connect = () => void connects++;
    fake.fire('server-closing', { reason: 'shutdown' });
    fake.drop(true);
    client.close();
    vi.advanceTimersByTime(100);
    expect(connects).toBe(0);
    expect(client.state).toBe('closed');
  });

  it('never reconnects after host-stopped: the host ended the room', async () => {
    const { fake, client } = await connected(undefined, { serverRestartDelayMs: 10 });
    vi.useFakeTimers();
    const states: string[] = [];
    const reasons: string[] = [];
    client.on('state', (s) => states.push(s));
    client.on('server-closing', (p) => reasons.push(p.reason));
    let connects = 0;
    fake.connect = () => void connects++;
    fake.fire('server-closing', { reason: 'host-stopped' });
    fake.drop(true);
    vi.advanceTimersByTime(10000);
    expect(reasons).toEqual(['host-stopped']);
    expect(states).toEqual(['closed']);
    expect(connects).toBe(0);
    expect(client.state).toBe('closed');
  });

  it('after host-stopped, also stops socket.io-client retrying a connection that merely dropped', async () => {
    const { fake, client } = await connected(undefined, { serverRestartDelayMs: 10 });
    let disconnects = 0;
    const disconnect = fake.disconnect.bind(fake);
    fake.disconnect = () => (disconnects++, disconnect());
    fake.fire('server-closing', { reason: 'host-stopped' });
    fake.drop(false); // the transport closed before the server's disconnect arrived: socket.io-client would retry
    expect(disconnects).toBe(1);
    expect(fake.active).toBe(false);
    expect(client.state).toBe('closed');
  });
});
