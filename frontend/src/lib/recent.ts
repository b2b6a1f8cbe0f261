// What the lobby remembers: the name, and the recent servers and rooms (suggestions). In the desktop app they
// live in the app's settings file (LoadSettings/SaveSettings); in a browser in localStorage.
import { loadSetting, saveSetting, type KeyValueStore } from './context';
import { loadAppSettings, saveAppSettings, type AppSettings } from './desktop';

/** How many recent servers and rooms are kept. */
export const MAX_RECENT = 10;

export interface Remembered {
  name: string;
  recentServers: string[];
  recentRooms: string[];
}

export const EMPTY_REMEMBERED: Remembered = { name: '', recentServers: [], recentRooms: [] };

/**
 * `value` first, then the rest of `list` without it (and without duplicates or blanks), at most `max`.
 * Servers compare case-insensitively (origins), rooms exactly (the server treats room names as given).
 */
export function mergeRecent(list: readonly string[], value: string, max = MAX_RECENT, caseInsensitive = false): string[] {
  const key = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of [value, ...list]) {
    const t = typeof s === 'string' ? s.trim() : '';
    if (t === '' || seen.has(key(t))) continue;
    seen.add(key(t));
    out.push(t);
    if (out.length >= max) break;
  }
  return out;
}

/** What a successful join adds to what is remembered. `server` "" (a served page): servers stay as they are. */
export function rememberJoin(r: Remembered, join: { name: string; room: string; server: string }): Remembered {
  return {
    name: join.name || r.name,
    recentRooms: mergeRecent(r.recentRooms, join.room),
    recentServers: join.server ? mergeRecent(r.recentServers, join.server, MAX_RECENT, true) : r.recentServers.slice(0, MAX_RECENT),
  };
}

/** Where remembered things are kept. */
export interface RememberStore {
  load(): Promise<Remembered>;
  save(r: Remembered): Promise<void>;
}

const RECENT_SERVERS_KEY = 'parley.recentServers';
const RECENT_ROOMS_KEY = 'parley.recentRooms';

function readList(store: KeyValueStore | undefined, key: string): string[] {
  try {
    const v: unknown = JSON.parse(store?.getItem(key) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

function writeList(store: KeyValueStore | undefined, key: string, list: string[]): void {
  try {
    store?.setItem(key, JSON.stringify(list.slice(0, MAX_RECENT)));
  } catch {
    // storage disabled or full
  }
}

/** localStorage (the browser): the name and last server under the keys the lobby always used, plus the lists. */
export function browserRememberStore(store: KeyValueStore | undefined): RememberStore {
  return {
    async load() {
      const servers = readList(store, RECENT_SERVERS_KEY);
      const last = loadSetting(store, 'server');
      return {
        name: loadSetting(store, 'name'),
        recentServers: last ? mergeRecent(servers, last, MAX_RECENT, true) : servers,
        recentRooms: readList(store, RECENT_ROOMS_KEY),
      };
    },
    async save(r) {
      saveSetting(store, 'name', r.name);
      if (r.recentServers[0]) saveSetting(store, 'server', r.recentServers[0]);
      writeList(store, RECENT_SERVERS_KEY, r.recentServers);
      writeList(store, RECENT_ROOMS_KEY, r.recentRooms);
    },
  };
}

/** The app's settings file. Saving reads the settings first so that what the app keeps there (permissions) stays. */
export function appRememberStore(
  load: () => Promise<AppSettings | undefined> = loadAppSettings,
  save: (s: AppSettings) => Promise<boolean> = saveAppSettings,
): RememberStore {
  return {
    async load() {
      const s = await load();
      if (!s) return { ...EMPTY_REMEMBERED };
      return { name: s.name, recentServers: s.recentServers.slice(0, MAX_RECENT), recentRooms: s.recentRooms.slice(0, MAX_RECENT) };
    },
    async save(r) {
      const current = await load();
      await save({
        ...(current ?? { permissions: {} }),
        name: r.name,
        recentServers: r.recentServers.slice(0, MAX_RECENT),
        recentRooms: r.recentRooms.slice(0, MAX_RECENT),
      });
    },
  };
}
