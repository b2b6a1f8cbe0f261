// Where the page runs, and what the lobby prefills from the URL and from storage.

/**
 * `desktop`: inside the Parley app's webview (origin wails://wails, or http(s)://wails.localhost on Windows).
 * `served`: loaded over http(s) from a room server (or the Vite dev server, which proxies Socket.IO to one),
 * whose origin is the default server address. `other`: anything else (file://, tests).
 */
export type PageKind = 'desktop' | 'served' | 'other';

export interface PageContext {
  kind: PageKind;
  /** The page's origin when `served`, else "". */
  origin: string;
}

export function pageContext(loc: { protocol: string; hostname: string; origin: string }): PageContext {
  const protocol = loc.protocol.toLowerCase();
  const host = loc.hostname.toLowerCase();
  if (protocol === 'wails:' || ((protocol === 'http:' || protocol === 'https:') && host === 'wails.localhost')) {
    return { kind: 'desktop', origin: '' };
  }
  if (protocol === 'http:' || protocol === 'https:') return { kind: 'served', origin: loc.origin };
  return { kind: 'other', origin: '' };
}

export interface LobbyParams {
  room: string;
  name: string;
  /** `join=1` (or true/yes/on, or a bare `join`): join as soon as the lobby is shown. */
  join: boolean;
}

/** Reads `?room=R&name=N&join=1`. Values are not validated here (the lobby does that, as if typed). */
export function parseLobbyParams(search: string): LobbyParams {
  const q = new URLSearchParams(search);
  const join = q.get('join');
  return {
    room: (q.get('room') ?? '').slice(0, 256),
    name: (q.get('name') ?? '').slice(0, 256),
    join: join !== null && ['', '1', 'true', 'yes', 'on'].includes(join.toLowerCase()),
  };
}

/** The parts of `window.localStorage` we use, so tests can pass a Map-backed fake. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const NAME_KEY = 'parley.name';
const SERVER_KEY = 'parley.server';

export function loadSetting(store: KeyValueStore | undefined, key: 'name' | 'server'): string {
  try {
    return store?.getItem(key === 'name' ? NAME_KEY : SERVER_KEY) ?? '';
  } catch {
    return ''; // storage disabled
  }
}

export function saveSetting(store: KeyValueStore | undefined, key: 'name' | 'server', value: string): void {
  try {
    store?.setItem(key === 'name' ? NAME_KEY : SERVER_KEY, value);
  } catch {
    // storage disabled or full: remembering is a convenience
  }
}

/** The browser's localStorage, or undefined where it is unavailable (tests, privacy modes). */
export function browserStore(): KeyValueStore | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
