import { describe, expect, it } from 'vitest';
import { callErrors, fitGrid, initialCallState, reduceCall, tiles, trackSpeaking, SPEAKING_HOLD_MS, type CallState } from './call-state';
import type { LocalMediaState } from './engine/types';
import { initialRoomState, reduceRoom, type RoomState } from './room-state';
import { joinResult } from './testing';

const cam = { id: 'cam' } as unknown as MediaStream;
const scr = { id: 'scr' } as unknown as MediaStream;

const local: LocalMediaState = {
  mic: true,
  camera: true,
  screen: false,
  hasMic: true,
  hasCamera: true,
  cameraStream: cam,
  screenStream: null,
  micDeviceId: 'm1',
  cameraDeviceId: 'c1',
};

function room(): RoomState {
  return reduceRoom(initialRoomState('standup'), {
    type: 'joined',
    result: joinResult('me', 'Ada', {
      peers: [
        { id: 'p1', name: 'Grace', state: { mic: false, camera: true, screen: false } },
        { id: 'p2', name: 'Linus' },
      ],
    }),
  });
}

const apply = (s: CallState, ...actions: Parameters<typeof reduceCall>[1][]) => actions.reduce(reduceCall, s);

describe('tiles', () => {
  it('has a camera tile for everyone, yourself first, before any media arrives', () => {
    const t = tiles(room(), initialCallState(local));
    expect(t.map((x) => [x.key, x.self, x.name, x.mic, x.camera, x.connection])).toEqual([
      ['me:camera', true, 'Ada', true, true, null],
      ['p1:camera', false, 'Grace', false, true, 'new'],
      ['p2:camera', false, 'Linus', false, false, 'new'],
    ]);
    expect(t[0].stream).toBe(cam);
    expect(t[1].stream).toBeNull();
  });

  it('shows a screen tile only while a participant shares', () => {
    let r = room();
    let c = initialCallState(local);
    r = reduceRoom(r, { type: 'peer-state', id: 'p1', state: { mic: true, camera: true, screen: true } });
    c = apply(c, { type: 'remote-stream', peerId: 'p1', kind: 'screen', stream: scr });
    expect(tiles(r, c).map((x) => x.key)).toEqual(['me:camera', 'p1:camera', 'p1:screen', 'p2:camera']);
    expect(tiles(r, c)[2]).toMatchObject({ kind: 'screen', stream: scr, name: 'Grace' });
    r = reduceRoom(r, { type: 'peer-state', id: 'p1', state: { mic: true, camera: true, screen: false } });
    expect(tiles(r, c).map((x) => x.key)).toEqual(['me:camera', 'p1:camera', 'p2:camera']);
    c = apply(c, { type: 'local', local: { ...local, screen: true, screenStream: scr } });
    expect(tiles(r, c).map((x) => x.key)).toEqual(['me:camera', 'me:screen', 'p1:camera', 'p2:camera']);
  });

  it('follows connection state, failures and streams per peer', () => {
    const c = apply(
      initialCallState(local),
      { type: 'peer-connection', peerId: 'p1', state: 'connecting' },
      { type: 'remote-stream', peerId: 'p1', kind: 'camera', stream: cam },
      { type: 'peer-connection', peerId: 'p1', state: 'failed' },
      { type: 'peer-failed', peerId: 'p1', failed: true },
    );
    const t = tiles(room(), c);
    expect(t[1]).toMatchObject({ connection: 'failed', failed: true, stream: cam });
    expect(callErrors(room(), c)).toEqual(['The connection to Grace failed. Their video and audio cannot reach you.']);
    const back = apply(c, { type: 'peer-connection', peerId: 'p1', state: 'connected' }, { type: 'peer-failed', peerId: 'p1', failed: false });
    expect(tiles(room(), back)[1]).toMatchObject({ connection: 'connected', failed: false });
    expect(callErrors(room(), back)).toEqual([]);
  });

  it('forgets a peer that is gone', () => {
    const c = apply(
      initialCallState(local),
      { type: 'remote-stream', peerId: 'p1', kind: 'camera', stream: cam },
      { type: 'speaking', speaking: { p1: true } },
      { type: 'peer-gone', peerId: 'p1' },
    );
    expect(c.remote).toEqual({});
    expect(c.speaking).toEqual({});
    expect(reduceCall(c, { type: 'peer-gone', peerId: 'p1' })).toBe(c);
  });

  it('marks speakers, but never a muted one', () => {
    const c = apply(initialCallState(local), { type: 'speaking', speaking: { self: true, p1: true, p2: true } });
    expect(tiles(room(), c).map((x) => x.speaking)).toEqual([true, false, false]); // p1 and p2 announce mic off
    expect(reduceCall(c, { type: 'speaking', speaking: { self: true, p1: true, p2: true } })).toBe(c);
  });

  it('keeps a few distinct errors, and dismisses them', () => {
    let c = initialCallState(local, ['No camera was found: you joined with audio only.', '']);
    expect(c.errors).toHaveLength(1);
    c = apply(c, { type: 'error', message: 'a' }, { type: 'error', message: 'a' }, { type: 'error', message: 'b' }, { type: 'error', message: 'c' });
    expect(c.errors).toEqual(['a', 'b', 'c']);
    expect(reduceCall(c, { type: 'dismiss-error', index: 1 }).errors).toEqual(['a', 'c']);
  });
});

describe('fitGrid', () => {
  it('puts two side by side on a wide area and stacks them on a tall one', () => {
    expect(fitGrid(2, 1600, 600, 0, 4 / 3)).toMatchObject({ cols: 2, rows: 1, width: 800, height: 600 });
    expect(fitGrid(2, 600, 1600, 0, 4 / 3)).toMatchObject({ cols: 1, rows: 2 });
  });

  it('fits every tile inside the area, gaps included', () => {
    for (const n of [1, 3, 5, 9, 16]) {
      const g = fitGrid(n, 1000, 700, 12, 16 / 9);
      expect(g.cols * g.rows).toBeGreaterThanOrEqual(n);
      expect(g.cols * g.width + (g.cols - 1) * 12).toBeLessThanOrEqual(1000);
      expect(g.rows * g.height + (g.rows - 1) * 12).toBeLessThanOrEqual(700);
    }
    expect(fitGrid(3, 0, 0).width).toBe(0);
  });
});

describe('trackSpeaking', () => {
  it('turns on when loud and holds through short pauses', () => {
    let s = trackSpeaking(undefined, 0.001, 0);
    expect(s.speaking).toBe(false);
    s = trackSpeaking(s, 0.2, 100);
    expect(s.speaking).toBe(true);
    s = trackSpeaking(s, 0, 100 + SPEAKING_HOLD_MS - 1);
    expect(s.speaking).toBe(true);
    s = trackSpeaking(s, 0, 100 + SPEAKING_HOLD_MS);
    expect(s.speaking).toBe(false);
  });
});
