import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatsReport } from './desktop';
import { initialRoomState, reduceRoom, type RoomState } from './room-state';
import { buildStatsReport, startStatsReporter, trackReport } from './stats-report';
import { joinResult } from './testing';

const track = (label: string, readyState = 'live', enabled = true) => ({ label, readyState, enabled }) as unknown as MediaStreamTrack;

const room: RoomState = reduceRoom(initialRoomState('e2e'), {
  type: 'joined',
  result: joinResult('me', 'desk', {
    peers: [
      { id: 'p1', name: 'guest' },
      { id: 'p2', name: 'other' },
    ],
    chat: [
      { id: 1, from: 'p1', name: 'guest', text: 'hi', ts: 1 },
      { id: 2, from: 'me', name: 'desk', text: 'hello', ts: 2 },
    ],
  }),
});
const noTracks = { audio: null, video: null, screen: null };

afterEach(() => vi.useRealTimers());

describe('trackReport', () => {
  it('is live only for a live, enabled track', () => {
    expect(trackReport(null)).toEqual({ live: false, label: '' });
    expect(trackReport(track('Mock video device 1'))).toEqual({ live: true, label: 'Mock video device 1' });
    expect(trackReport(track('cam', 'ended'))).toEqual({ live: false, label: 'cam' });
    expect(trackReport(track('cam', 'live', false))).toEqual({ live: false, label: 'cam' });
  });
});

describe('buildStatsReport', () => {
  it('has one zeroed entry per other participant when the engine has no media (the Linux webview)', () => {
    const { report } = buildStatsReport({ room, stats: [], tracks: noTracks, now: 1000 });
    expect(report.peers).toEqual([
      { peer: 'p1', name: 'guest', framesDecoded: 0, fps: 0, width: 0, height: 0, audioLevel: 0, rttMs: 0 },
      { peer: 'p2', name: 'other', framesDecoded: 0, fps: 0, width: 0, height: 0, audioLevel: 0, rttMs: 0 },
    ]);
    expect(report.local).toEqual({
      camera: { live: false, label: '' },
      microphone: { live: false, label: '' },
      screen: { live: false, label: '' },
      peers: 2,
      chatMessages: 2,
    });
  });

  it('takes video and audio from the engine, and the local tracks', () => {
    const { report } = buildStatsReport({
      room,
      stats: [
        { peerId: 'p1', kind: 'camera', framesDecoded: 300, width: 640, height: 480, fps: 29.97, rttMs: 1.234 },
        { peerId: 'p1', kind: 'audio', rms: 0.123456 },
        { peerId: 'p2', kind: 'screen', framesDecoded: 10, width: 1920, height: 1080 },
      ],
      tracks: { audio: track('Mock audio device 1'), video: track('Mock video device 1'), screen: null },
      now: 1000,
    });
    expect(report.peers[0]).toEqual({ peer: 'p1', name: 'guest', framesDecoded: 300, fps: 30, width: 640, height: 480, audioLevel: 0.1235, rttMs: 1.2 });
    expect(report.peers[1]).toMatchObject({ peer: 'p2', framesDecoded: 10, width: 1920, height: 1080 });
    expect(report.local.camera).toEqual({ live: true, label: 'Mock video device 1' });
    expect(report.local.microphone).toEqual({ live: true, label: 'Mock audio device 1' });
  });

  it('carries the native engine\'s audio jitter buffer figures where the engine has them', () => {
    const { report } = buildStatsReport({
      room,
      stats: [{ peerId: 'p1', kind: 'audio', rms: 0.1, underruns: 2, jitterDelayMs: 61 }],
      tracks: noTracks,
      now: 1000,
    });
    expect(report.peers[0]).toMatchObject({ audioUnderruns: 2, audioDelayMs: 61 });
    expect('audioUnderruns' in report.peers[1]).toBe(false);
  });

  it('carries glass-to-glass samples for the peers that have them (make bench)', () => {
    const { report } = buildStatsReport({ room, stats: [], tracks: noTracks, now: 1000, glass: { p1: [48, 52], p2: [] } });
    expect(report.peers[0].glassMs).toEqual([48, 52]);
    expect('glassMs' in report.peers[1]).toBe(false);
  });

  it('derives the frame rate from framesDecoded when the engine gives none', () => {
    const first = buildStatsReport({ room, stats: [{ peerId: 'p1', kind: 'camera', framesDecoded: 100 }], tracks: noTracks, now: 1000 });
    const second = buildStatsReport({
      room,
      stats: [{ peerId: 'p1', kind: 'camera', framesDecoded: 115 }],
      tracks: noTracks,
      now: 1500,
      previous: first.samples,
    });
    expect(second.report.peers[0].fps).toBe(30);
  });

  it('counts no peers once the room is left (the connection closed: the peer list is kept, the phase is left)', () => {
    const left = reduceRoom(room, { type: 'connection', state: 'closed' });
    expect(left.peers.length).toBeGreaterThan(0);
    expect(buildStatsReport({ room: left, stats: [], tracks: noTracks, now: 0 }).report.local.peers).toBe(0);
  });
});

describe('startStatsReporter', () => {
  it('reports at once and every interval until stopped', async () => {
    vi.useFakeTimers();
    const got: StatsReport[] = [];
    const stop = startStatsReporter({ room: () => room, stats: async () => [], tracks: () => noTracks }, (r) => got.push(r), 1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(got).toHaveLength(4);
    stop();
    await vi.advanceTimersByTimeAsync(3000);
    expect(got).toHaveLength(4);
    expect(got[0].local.peers).toBe(2);
  });
  it('reports even when the engine stats fail', async () => {
    vi.useFakeTimers();
    const got: StatsReport[] = [];
    const stop = startStatsReporter({ room: () => room, stats: () => Promise.reject(new Error('x')), tracks: () => noTracks }, (r) => got.push(r));
    await vi.advanceTimersByTimeAsync(0);
    stop();
    expect(got).toHaveLength(1);
    expect(got[0].peers).toHaveLength(2);
  });
});
