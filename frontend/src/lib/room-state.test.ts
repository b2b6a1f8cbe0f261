import { describe, expect, it } from 'vitest';
import type { ChatMessage } from './protocol';
import { HOST_ENDED, initialRoomState, participants, reduceRoom, type RoomAction, type RoomState } from './room-state';
import { joinResult } from './testing';

const msg = (id: number, from = 'p1', text = `m${id}`, ts = 1000 + id): ChatMessage => ({ id, from, name: 'Grace', text, ts });
const run = (s: RoomState, ...actions: RoomAction[]) => actions.reduce(reduceRoom, s);

describe('reduceRoom', () => {
  const joined = run(initialRoomState('standup'), {
    type: 'joined',
    result: joinResult('me', 'Ada', {
      peers: [
        { id: 'p1', name: 'Grace' },
        { id: 'p2', name: 'Linus' },
      ],
      chat: [msg(1), msg(2)],
      iceServers: [{ urls: ['stun:stun.example.org:3478'] }],
    }),
  });

  it('takes everything from the join ack', () => {
    expect(joined.phase).toBe('joined');
    expect(joined.room).toBe('standup');
    expect(joined.cap).toBe(16);
    expect(joined.self).toEqual({ id: 'me', name: 'Ada' });
    expect(joined.peers.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(joined.chat.map((m) => m.id)).toEqual([1, 2]);
    expect(joined.iceServers).toHaveLength(1);
  });

  it('lists self first, then peers in join order', () => {
    const s = run(joined, { type: 'peer-joined', peer: { id: 'p3', name: 'Barbara' } });
    expect(participants(s)).toEqual([
      { id: 'me', name: 'Ada', isSelf: true },
      { id: 'p1', name: 'Grace', isSelf: false },
      { id: 'p2', name: 'Linus', isSelf: false },
      { id: 'p3', name: 'Barbara', isSelf: false },
    ]);
  });

  it('ignores duplicate joins, our own id, and unknown leaves', () => {
    expect(run(joined, { type: 'peer-joined', peer: { id: 'p1', name: 'Grace' } })).toBe(joined);
    expect(run(joined, { type: 'peer-joined', peer: { id: 'me', name: 'Ada' } })).toBe(joined);
    expect(run(joined, { type: 'peer-left', id: 'nobody', reason: 'left' })).toBe(joined);
  });

  it('removes peers who leave, whatever the reason', () => {
    const s = run(joined, { type: 'peer-left', id: 'p1', reason: 'disconnected' }, { type: 'peer-left', id: 'p2', reason: 'left' });
    expect(participants(s).map((p) => p.id)).toEqual(['me']);
  });

  it('merges live chat and drops duplicates', () => {
    const s = run(joined, { type: 'chat', messages: [msg(3, 'me')] }, { type: 'chat', messages: [msg(3, 'me')] });
    expect(s.chat.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(run(s, { type: 'chat', messages: [msg(2)] })).toBe(s);
  });

  it('marks a dropped connection and recovers on rejoin with fresh peers and merged chat', () => {
    const lost = run(joined, { type: 'connection', state: 'reconnecting' });
    expect(lost.phase).toBe('rejoining');
    expect(lost.notice).toMatch(/Reconnecting/);
    expect(lost.peers).toHaveLength(2); // last known, until we are back

    const back = run(
      lost,
      { type: 'connection', state: 'connected' },
      {
        type: 'joined',
        result: joinResult('me2', 'Ada', { peers: [{ id: 'p2', name: 'Linus' }], chat: [msg(2), msg(3)] }),
      },
    );
    expect(back.phase).toBe('joined');
    expect(back.notice).toBe('');
    expect(back.self?.id).toBe('me2');
    expect(back.peers.map((p) => p.id)).toEqual(['p2']);
    expect(back.chat.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('replaces the history when the room was created anew while we were away', () => {
    const recreated = run(joined, {
      type: 'joined',
      result: joinResult('me2', 'Ada', { chat: [msg(1, 'p9', 'a different first message', 99999)] }),
    });
    expect(recreated.chat).toEqual([msg(1, 'p9', 'a different first message', 99999)]);
    const empty = run(joined, { type: 'joined', result: joinResult('me2', 'Ada', { chat: [] }) });
    expect(empty.chat).toEqual([]);
  });

  it('ends on a closed connection, keeping the server-closing notice', () => {
    const s = run(joined, { type: 'server-closing', reason: 'shutdown' }, { type: 'connection', state: 'closed' });
    expect(s.phase).toBe('left');
    expect(s.notice).toBe('The server is shutting down.');
    const t = run(joined, { type: 'connection', state: 'closed' });
    expect(t.notice).toBe('Disconnected from the server.');
  });

  it('says the host ended the room on host-stopped, and ends without peers', () => {
    const s = run(joined, { type: 'server-closing', reason: 'host-stopped' }, { type: 'connection', state: 'closed' });
    expect(s.phase).toBe('left');
    expect(s.notice).toBe(HOST_ENDED);
    expect(s.notice).toBe('The host ended the room.');
    expect(s.peers).toEqual([]);
  });

  it('says so when the connection drops because the server shut down', () => {
    const s = run(joined, { type: 'server-closing', reason: 'shutdown' }, { type: 'connection', state: 'reconnecting' });
    expect(s.phase).toBe('rejoining');
    expect(s.notice).toBe('The server shut down. Reconnecting…');
  });

  it('ignores peers joining after we left', () => {
    const s = run(joined, { type: 'left' });
    expect(s.peers).toEqual([]);
    expect(run(s, { type: 'peer-joined', peer: { id: 'p5', name: 'X' } })).toBe(s);
  });
});

describe('peer-state', () => {
  it('updates a known peer and ignores unknown ones', () => {
    const s = reduceRoom(initialRoomState('r'), {
      type: 'joined',
      result: { self: { id: 'me', name: 'A' }, peers: [{ id: 'p1', name: 'G' }], chat: [], iceServers: [], room: { name: 'r', cap: 4 } },
    });
    const on = { mic: true, camera: false, screen: true };
    const next = reduceRoom(s, { type: 'peer-state', id: 'p1', state: on });
    expect(next.peers).toEqual([{ id: 'p1', name: 'G', state: on }]);
    expect(reduceRoom(s, { type: 'peer-state', id: 'zz', state: on })).toBe(s);
  });
});
