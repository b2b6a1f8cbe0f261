import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  hostingInfo,
  launchOptions,
  loadAppSettings,
  normalizeHostInfo,
  parseLaunch,
  reportStats,
  saveAppSettings,
  setRoomPeers,
  startHosting,
  stopHosting,
  type AppBindings,
} from './desktop';
import { lobbyStart } from './launch';
import { EMPTY_REMEMBERED, appRememberStore, browserRememberStore, mergeRecent, rememberJoin, type Remembered } from './recent';
import type { KeyValueStore } from './context';

const g = globalThis as unknown as { go?: { app?: { App?: AppBindings } } };
function install(app: AppBindings) {
  g.go = { app: { App: app } };
}
afterEach(() => {
  delete g.go;
});

describe('mergeRecent', () => {
  it('puts the new value first, once, and keeps at most 10', () => {
    expect(mergeRecent(['b', 'a', 'c'], 'a')).toEqual(['a', 'b', 'c']);
    expect(mergeRecent([], 'x')).toEqual(['x']);
    const many = Array.from({ length: 12 }, (_, i) => `r${i}`);
    const out = mergeRecent(many, 'new');
    expect(out).toHaveLength(10);
    expect(out[0]).toBe('new');
    expect(out.at(-1)).toBe('r8');
  });
  it('drops blanks and duplicates; servers compare without case', () => {
    expect(mergeRecent(['a', '', ' a ', 'b', 'b'], '  ')).toEqual(['a', 'b']);
    expect(mergeRecent(['http://H:1', 'http://h:2'], 'http://h:1', 10, true)).toEqual(['http://h:1', 'http://h:2']);
    expect(mergeRecent(['Standup'], 'standup')).toEqual(['standup', 'Standup']);
  });
  it('survives junk from a settings file', () => {
    expect(mergeRecent([1, null, 'a'] as unknown as string[], 'b')).toEqual(['b', 'a']);
  });
});

describe('rememberJoin', () => {
  it('adds the room and server, and keeps the name', () => {
    const r: Remembered = { name: 'Old', recentServers: ['http://a:1'], recentRooms: ['x'] };
    expect(rememberJoin(r, { name: 'Ada', room: 'standup', server: 'http://b:2' })).toEqual({
      name: 'Ada',
      recentServers: ['http://b:2', 'http://a:1'],
      recentRooms: ['standup', 'x'],
    });
  });
  it('leaves the servers alone when there is none (a served page, or hosting)', () => {
    const r: Remembered = { name: '', recentServers: ['http://a:1'], recentRooms: [] };
    expect(rememberJoin(r, { name: 'Ada', room: 'r', server: '' }).recentServers).toEqual(['http://a:1']);
  });
});

describe('browserRememberStore', () => {
  it('round-trips through localStorage, reading the lobby’s old keys too', async () => {
    const m = new Map<string, string>([['parley.server', 'http://old:7800']]);
    const store: KeyValueStore = { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
    const s = browserRememberStore(store);
    expect(await s.load()).toEqual({ name: '', recentServers: ['http://old:7800'], recentRooms: [] });
    await s.save({ name: 'Ada', recentServers: ['http://new:1', 'http://old:7800'], recentRooms: ['r1'] });
    expect(m.get('parley.name')).toBe('Ada');
    expect(m.get('parley.server')).toBe('http://new:1');
    expect(await s.load()).toEqual({ name: 'Ada', recentServers: ['http://new:1', 'http://old:7800'], recentRooms: ['r1'] });
  });
  it('copes with no storage and with garbage', async () => {
    expect(await browserRememberStore(undefined).load()).toEqual(EMPTY_REMEMBERED);
    const store: KeyValueStore = { getItem: () => '{not json', setItem: () => {} };
    expect((await browserRememberStore(store).load()).recentRooms).toEqual([]);
  });
});

describe('appRememberStore', () => {
  it('saves through the app, keeping the permissions the app stored', async () => {
    let saved: unknown;
    const st = appRememberStore(
      async () => ({ name: 'A', recentServers: ['s'], recentRooms: ['r'], permissions: { camera: true } }),
      async (s) => ((saved = s), true),
    );
    expect(await st.load()).toEqual({ name: 'A', recentServers: ['s'], recentRooms: ['r'] });
    await st.save({ name: 'B', recentServers: ['t', 's'], recentRooms: ['q', 'r'] });
    expect(saved).toEqual({ name: 'B', recentServers: ['t', 's'], recentRooms: ['q', 'r'], permissions: { camera: true } });
  });
  it('goes through window.go.app.App.LoadSettings/SaveSettings', async () => {
    const calls: unknown[] = [];
    install({
      LoadSettings: async () => ({ name: 'N', recentServers: ['x', 3 as unknown as string], recentRooms: [], permissions: { screen: false } }),
      SaveSettings: async (s) => void calls.push(s),
    });
    expect(await loadAppSettings()).toEqual({ name: 'N', recentServers: ['x'], recentRooms: [], permissions: { screen: false } });
    expect(await saveAppSettings({ name: 'M', recentServers: [], recentRooms: ['r'] })).toBe(true);
    expect(calls).toEqual([{ name: 'M', recentServers: [], recentRooms: ['r'] }]);
  });
});

describe('bindings outside the app', () => {
  it('are harmless no-ops', async () => {
    expect(await launchOptions()).toEqual({ mode: '', server: '', room: '', name: '', stats: false, stamp: false });
    expect(await loadAppSettings()).toBeUndefined();
    expect(await saveAppSettings({ name: '', recentServers: [], recentRooms: [] })).toBe(false);
    expect((await hostingInfo()).active).toBe(false);
    await expect(startHosting()).rejects.toThrow(/cannot host/);
    await expect(stopHosting()).resolves.toBeUndefined();
    reportStats({ peers: [], local: {} as never });
    setRoomPeers(1);
  });
});

describe('hosting through the app', () => {
  it('starts, reports and stops', async () => {
    const stopped = vi.fn(async () => {});
    const peers: number[] = [];
    install({
      StartHosting: async (req) => ({ active: true, port: req.port || 7800, localURL: 'http://127.0.0.1:7800', urls: ['http://192.168.1.5:7800'] }),
      StopHosting: stopped,
      SetRoomPeers: async (n) => void peers.push(n),
    });
    expect(await startHosting()).toEqual({ active: true, port: 7800, localURL: 'http://127.0.0.1:7800', urls: ['http://192.168.1.5:7800'] });
    await stopHosting();
    expect(stopped).toHaveBeenCalledOnce();
    setRoomPeers(2);
    await Promise.resolve();
    expect(peers).toEqual([2]);
  });
  it('passes the app’s error on', async () => {
    install({ StartHosting: () => Promise.reject('listen tcp :7800: permission denied') });
    await expect(startHosting()).rejects.toBe('listen tcp :7800: permission denied');
  });
  it('normalizes what the app returns', () => {
    expect(normalizeHostInfo({ active: true, urls: null as unknown as string[] })).toEqual({ active: true, port: 0, localURL: '', urls: [] });
  });
});

describe('launch', () => {
  const none = parseLaunch(undefined);
  const browser = { kind: 'served', origin: 'http://10.0.0.2:7800' } as const;
  const desktop = { kind: 'desktop', origin: '' } as const;
  const noParams = { room: '', name: '', join: false };

  it('reads Launch() defensively', () => {
    expect(parseLaunch({ mode: 'host', room: 'e2e', name: 'desk', stats: true })).toEqual({ mode: 'host', server: '', room: 'e2e', name: 'desk', stats: true, stamp: false });
    expect(parseLaunch({ stamp: true }).stamp).toBe(true);
    expect(parseLaunch({ stamp: 1 as never }).stamp).toBe(false);
    expect(parseLaunch({ mode: 'bogus' as never, stats: 'yes' as never }).mode).toBe('');
    expect(parseLaunch({ mode: 'bogus' as never, stats: 'yes' as never }).stats).toBe(false);
  });
  it('calls window.go.app.App.Launch in the app', async () => {
    install({ Launch: async () => ({ mode: 'join', server: 'http://127.0.0.1:9', room: 'r2', name: 'desk', stats: true, stamp: false }) });
    expect(await launchOptions()).toEqual({ mode: 'join', server: 'http://127.0.0.1:9', room: 'r2', name: 'desk', stats: true, stamp: false });
  });
  it('hosts at once with --host', () => {
    const l = parseLaunch({ mode: 'host', room: 'e2e', name: 'desk' });
    expect(lobbyStart(desktop, noParams, l, EMPTY_REMEMBERED)).toEqual({ name: 'desk', room: 'e2e', server: '', mode: 'host', autoJoin: true });
  });
  it('joins at once with --join', () => {
    const l = parseLaunch({ mode: 'join', server: 'http://127.0.0.1:9', room: 'r2', name: 'desk' });
    const r = { name: 'Remembered', recentServers: ['http://old:1'], recentRooms: ['x'] };
    expect(lobbyStart(desktop, noParams, l, r)).toEqual({ name: 'desk', room: 'r2', server: 'http://127.0.0.1:9', mode: 'join', autoJoin: true });
  });
  it('otherwise prefills from the URL and what was remembered', () => {
    const r = { name: 'Ada', recentServers: ['http://old:1'], recentRooms: ['x'] };
    expect(lobbyStart(desktop, noParams, none, r)).toEqual({ name: 'Ada', room: '', server: 'http://old:1', mode: 'join', autoJoin: false });
    expect(lobbyStart(browser, { room: 'e2e', name: 'guest', join: true }, none, r)).toEqual({
      name: 'guest',
      room: 'e2e',
      server: 'http://10.0.0.2:7800',
      mode: 'join',
      autoJoin: true,
    });
  });
});
