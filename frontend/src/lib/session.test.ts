import { describe, expect, it, vi } from 'vitest';
import { SignalingError } from './errors';
import type { RoomState } from './room-state';
import { RoomSession } from './session';
import { FakeClient, joinResult } from './testing';

const flush = () => new Promise((r) => setTimeout(r, 0));

async function joinedSession() {
  const client = new FakeClient();
  client.joinReply = () => Promise.resolve(joinResult('me', 'Ada', { peers: [{ id: 'p1', name: 'Grace' }] }));
  const session = new RoomSession(client, { room: 'standup', name: 'Ada' }, 'http://h:7800');
  await session.join();
  return { client, session };
}

describe('RoomSession', () => {
  it('is a store: subscribers get the current state and every change', async () => {
    const { client, session } = await joinedSession();
    const seen: RoomState[] = [];
    const off = session.subscribe((s) => seen.push(s));
    client.events.emit('peer-joined', { id: 'p2', name: 'Linus' });
    client.events.emit('peer-left', { id: 'p1', reason: 'left' });
    off();
    client.events.emit('peer-joined', { id: 'p3', name: 'Late' });
    expect(seen.map((s) => s.peers.map((p) => p.id))).toEqual([['p1'], ['p1', 'p2'], ['p2']]);
    expect(session.get().peers.map((p) => p.id)).toEqual(['p2', 'p3']);
  });

  it('shows a sent message once, whether the ack or the broadcast comes first', async () => {
    const { client, session } = await joinedSession();
    const mine = { id: 1, from: 'me', name: 'Ada', text: 'hi', ts: 10 };
    client.chatReply = async () => {
      client.events.emit('chat', mine); // the room's copy arrives before the ack
      return mine;
    };
    await session.sendChat('hi');
    expect(session.get().chat).toEqual([mine]);
    expect(client.chats).toEqual(['hi']);
  });

  it('propagates a refused chat', async () => {
    const { client, session } = await joinedSession();
    client.chatReply = () => Promise.reject(new SignalingError('rate-limited', 'slow down', 'chat'));
    await expect(session.sendChat('spam')).rejects.toMatchObject({ code: 'rate-limited' });
  });

  it('ends (no rejoin) when the host stops hosting', async () => {
    const { client, session } = await joinedSession();
    client.events.emit('server-closing', { reason: 'host-stopped' });
    client.setState('closed'); // the signaling client does not reconnect after host-stopped
    await flush();
    expect(session.get().phase).toBe('left');
    expect(session.get().notice).toBe('The host ended the room.');
    expect(client.joins).toHaveLength(1);
  });

  it('rejoins after a reconnection with the same request', async () => {
    const { client, session } = await joinedSession();
    client.setState('reconnecting');
    expect(session.get().phase).toBe('rejoining');
    client.joinReply = () => Promise.resolve(joinResult('me2', 'Ada', { peers: [] }));
    client.setState('connected');
    await flush();
    expect(client.joins).toEqual([
      { room: 'standup', name: 'Ada' },
      { room: 'standup', name: 'Ada' },
    ]);
    expect(session.get()).toMatchObject({ phase: 'joined', self: { id: 'me2' }, notice: '' });
  });

  it('gives up when the rejoin is refused', async () => {
    const { client, session } = await joinedSession();
    client.setState('reconnecting');
    client.joinReply = () => Promise.reject(new SignalingError('room-full', 'full', 'join'));
    client.setState('connected');
    await flush();
    expect(session.get().phase).toBe('left');
    expect(session.get().notice).toMatch(/Could not rejoin the room: This room is full/);
    expect(client.closed).toBe(true);
  });

  it('leaves politely and closes, even if leave fails', async () => {
    const { client, session } = await joinedSession();
    client.leaveReply = () => Promise.reject(new SignalingError('timeout', '', 'leave'));
    await session.leave();
    expect(client.leaves).toBe(1);
    expect(client.closed).toBe(true);
    expect(session.get().phase).toBe('left');
    await session.leave(); // idempotent
    expect(client.leaves).toBe(1);
  });

  it('open() closes the connection when the join is refused', async () => {
    // open() makes its own SignalingClient; the refusal path is the same as join() + close(), tested here.
    const client = new FakeClient();
    client.joinReply = () => Promise.reject(new SignalingError('wrong-password', 'no', 'join'));
    const session = new RoomSession(client, { room: 'r', name: 'A', password: 'x' });
    await expect(session.join()).rejects.toMatchObject({ code: 'wrong-password' });
    session.close();
    expect(client.closed).toBe(true);
  });
});

describe('RoomSession media state', () => {
  it('sends state changes while in the room and carries the last one into a rejoin', async () => {
    const { client, session } = await joinedSession();
    session.setMediaState({ mic: false, camera: true, screen: true });
    expect(client.states).toEqual([{ mic: false, camera: true, screen: true }]);
    client.setState('reconnecting');
    session.setMediaState({ mic: true, camera: true, screen: false }); // not sent: not in the room
    expect(client.states).toHaveLength(1);
    client.joinReply = () => Promise.resolve(joinResult('me2', 'Ada'));
    client.setState('connected');
    await flush();
    expect(client.joins.at(-1)).toEqual({ room: 'standup', name: 'Ada', state: { mic: true, camera: true, screen: false } });
  });

  it('applies peer-state events and relays signals', async () => {
    const { client, session } = await joinedSession();
    client.events.emit('peer-state', { id: 'p1', state: { mic: true, camera: false, screen: false } });
    expect(session.get().peers[0].state).toEqual({ mic: true, camera: false, screen: false });
    const got: unknown[] = [];
    session.onSignal((m) => got.push(m));
    client.events.emit('signal', { from: 'p1', kind: 'offer', data: 1 });
    await session.signal('p1', 'answer', 2);
    expect(got).toEqual([{ from: 'p1', kind: 'offer', data: 1 }]);
    expect(client.signals).toEqual([{ to: 'p1', kind: 'answer', data: 2 }]);
  });
});

describe('RoomSession rejoin retries', () => {
  it('retries a rejoin that timed out while the connection stays up', async () => {
    const { client, session } = await joinedSession();
    vi.useFakeTimers();
    try {
      client.setState('reconnecting');
      let n = 0;
      client.joinReply = () =>
        ++n === 1 ? Promise.reject(new SignalingError('timeout', '', 'join')) : Promise.resolve(joinResult('me3', 'Ada'));
      client.setState('connected');
      await vi.advanceTimersByTimeAsync(0);
      expect(session.get()).toMatchObject({ phase: 'rejoining' });
      expect(session.get().notice).toMatch(/Could not rejoin/);
      await vi.advanceTimersByTimeAsync(1000);
      expect(n).toBe(2);
      expect(session.get()).toMatchObject({ phase: 'joined', self: { id: 'me3' }, notice: '' });
    } finally {
      vi.useRealTimers();
    }
  });
});
