import { describe, expect, it } from 'vitest';
import { CallController } from './call';
import { tiles } from './call-state';
import { Emitter } from './emitter';
import type { CallEngine, DeviceInfo, EngineEvents, LocalMediaState, PeerStat } from './engine/types';
import type { IceServer, SignalKind } from './protocol';
import { RoomSession } from './session';
import { FakeClient, joinResult } from './testing';

const flush = () => new Promise((r) => setTimeout(r, 0));

/** Records what the controller asks of the engine. */
class FakeEngine implements CallEngine {
  readonly events = new Emitter<EngineEvents>();
  readonly log: string[] = [];
  readonly signals: { from: string; kind: SignalKind; data: unknown }[] = [];
  levels: Record<string, number> = {};
  local: LocalMediaState = {
    mic: true,
    camera: false,
    screen: false,
    hasMic: true,
    hasCamera: false,
    cameraStream: null,
    screenStream: null,
    micDeviceId: '',
    cameraDeviceId: '',
  };
  on<K extends keyof EngineEvents>(event: K, fn: (payload: EngineEvents[K]) => void) {
    return this.events.on(event, fn);
  }
  setSelf(selfId: string, ice: readonly IceServer[]) {
    this.log.push(`self ${selfId} ice=${ice.length}`);
  }
  call(peerId: string) {
    this.log.push(`call ${peerId}`);
  }
  handleSignal(from: string, kind: SignalKind, data: unknown) {
    this.signals.push({ from, kind, data });
  }
  hangUp(peerId: string) {
    this.log.push(`hangUp ${peerId}`);
  }
  hangUpAll() {
    this.log.push('hangUpAll');
  }
  setMic(on: boolean) {
    this.local = { ...this.local, mic: on };
    this.events.emit('local', this.local);
  }
  setCamera(on: boolean) {
    this.log.push(`camera ${on}`);
  }
  async startScreenShare() {
    this.log.push('share');
  }
  stopScreenShare() {
    this.log.push('unshare');
  }
  async useDevice() {}
  async listDevices(): Promise<DeviceInfo[]> {
    return [];
  }
  audioLevel(who: string) {
    return this.levels[who] ?? 0;
  }
  async stats(): Promise<PeerStat[]> {
    return [{ peerId: 'p1', kind: 'audio', rms: 0.5 }];
  }
  localTracks() {
    return { audio: null, video: null, screen: null };
  }
  close() {
    this.log.push('close');
  }
}

async function setup() {
  const client = new FakeClient();
  client.joinReply = () =>
    Promise.resolve(joinResult('me', 'Ada', { peers: [{ id: 'p1', name: 'Grace' }], iceServers: [{ urls: 'stun:s' }] }));
  const session = new RoomSession(client, { room: 'standup', name: 'Ada' });
  await session.join();
  const engine = new FakeEngine();
  const call = new CallController(session, engine, 'No camera was found: you joined with audio only.');
  call.start();
  return { client, session, engine, call };
}

describe('CallController', () => {
  it('calls the peers already in the room, with our id and the ICE servers', async () => {
    const { engine, client, call } = await setup();
    expect(engine.log).toEqual(['hangUpAll', 'self me ice=1', 'call p1']);
    // It announces what it really sends.
    expect(client.states).toEqual([{ mic: true, camera: false, screen: false }]);
    expect(call.get().errors).toEqual(['No camera was found: you joined with audio only.']);
    call.stop();
  });

  it('lets newcomers call us, and hangs up on those who leave', async () => {
    const { engine, client, session, call } = await setup();
    engine.log.length = 0;
    client.events.emit('peer-joined', { id: 'p2', name: 'Linus' });
    client.events.emit('signal', { from: 'p2', kind: 'offer', data: { type: 'offer', sdp: 'x' } });
    expect(engine.log).toEqual([]);
    expect(engine.signals).toEqual([{ from: 'p2', kind: 'offer', data: { type: 'offer', sdp: 'x' } }]);
    engine.events.emit('remote-stream', { peerId: 'p1', kind: 'camera', stream: null });
    client.events.emit('peer-left', { id: 'p1', reason: 'left' });
    expect(engine.log).toEqual(['hangUp p1']);
    expect(call.get().remote.p1).toBeUndefined();
    expect(tiles(session.get(), call.get()).map((t) => t.key)).toEqual(['me:camera', 'p2:camera']);
    call.stop();
  });

  it('after a reconnection, tears every connection down and calls everyone under the new id', async () => {
    const { engine, client, call } = await setup();
    engine.log.length = 0;
    engine.setMic(false); // muted before the drop: the rejoin must say so
    client.setState('reconnecting');
    expect(engine.log).toEqual([]); // media may still flow while signaling is down
    client.joinReply = () => Promise.resolve(joinResult('me2', 'Ada', { peers: [{ id: 'p1', name: 'Grace' }, { id: 'p3', name: 'Late' }] }));
    client.setState('connected');
    await flush();
    expect(client.joins.at(-1)).toEqual({ room: 'standup', name: 'Ada', state: { mic: false, camera: false, screen: false } });
    expect(engine.log).toEqual(['hangUpAll', 'self me2 ice=0', 'call p1', 'call p3']);
    expect(call.hook().selfId()).toBe('me2');
    expect(call.hook().peerIds()).toEqual(['p1', 'p3']);
    call.stop();
  });

  it('sends our state to the room on every local change', async () => {
    const { engine, client, call } = await setup();
    call.toggleMic();
    expect(engine.local.mic).toBe(false);
    expect(client.states.at(-1)).toEqual({ mic: false, camera: false, screen: false });
    expect(call.get().local.mic).toBe(false);
    call.toggleCamera(); // no camera: nothing to toggle
    expect(engine.log).not.toContain('camera true');
    await call.toggleScreen();
    expect(engine.log).toContain('share');
    call.stop();
  });

  it('stops everything when the room is left, and on stop()', async () => {
    const { engine, session, call } = await setup();
    engine.log.length = 0;
    await session.leave();
    expect(engine.log).toEqual(['hangUpAll']);
    call.stop();
    expect(engine.log).toEqual(['hangUpAll', 'close']);
  });

  it('exposes stats through the test hook', async () => {
    const { call } = await setup();
    await expect(call.hook().stats()).resolves.toEqual([{ peerId: 'p1', kind: 'audio', rms: 0.5 }]);
    call.stop();
  });
});
