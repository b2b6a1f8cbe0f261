// The desktop shell's bindings (Wails), used only when the page runs inside the Parley app. Wails injects
// `window.go.<package>.<Type>.<Method>` before the page's scripts run; in a browser there is no `window.go`,
// and every function here is a harmless no-op (or resolves with an empty value) there.

/** The built-in room server of the app (docs: issue 4 contract). */
export interface HostInfo {
  active: boolean;
  port: number;
  /** http://127.0.0.1:PORT: where the app's own page connects. */
  localURL: string;
  /** http://ADDR:PORT for every non-loopback address of the machine (IPv6 in brackets); may be empty. */
  urls: string[];
}

/** The app's settings (os.UserConfigDir()/parley/settings.json). */
export interface AppSettings {
  name: string;
  /** Most recent first, at most 10. */
  recentServers: string[];
  recentRooms: string[];
  /** "camera"/"microphone"/"screen" → allowed: the Go side owns these; the page keeps them as they are. */
  permissions?: Record<string, boolean>;
  /** Which media engine calls use: 'auto' (the webview's WebRTC where it has one) or 'native' (always the Go one). */
  engine?: 'auto' | 'native';
}

/** What the command line asked for: act at once. */
export interface LaunchOptions {
  mode: '' | 'host' | 'join';
  server: string;
  room: string;
  name: string;
  stats: boolean;
  /** make bench's glass-to-glass run (PARLEY_BENCH_STAMP=1): stamp our camera, read the others' stamps. */
  stamp: boolean;
}

export interface RemoteStatsEntry {
  peer: string;
  name: string;
  framesDecoded: number;
  fps: number;
  width: number;
  height: number;
  audioLevel: number;
  rttMs: number;
  /** The native engine's audio jitter buffer for this peer: underruns while playing, delay now (ms). */
  audioUnderruns?: number;
  audioDelayMs?: number;
  /** Glass-to-glass latencies (ms) of this peer's camera since the last report (LaunchOptions.stamp only). */
  glassMs?: number[];
}

export interface TrackReport {
  live: boolean;
  label: string;
}

export interface LocalStatsEntry {
  camera: TrackReport;
  microphone: TrackReport;
  screen: TrackReport;
  /** Others in the room now. */
  peers: number;
  /** Chat messages in the room's history the page holds. */
  chatMessages: number;
}

/** What the page hands ReportStats once a second (app.StatsReport). */
export interface StatsReport {
  peers: RemoteStatsEntry[];
  local: LocalStatsEntry;
}

/** The Go methods bound to the page (package app, type App). Any may be missing (older app, browser). */
export interface AppBindings {
  FrontendReady?: (view: string) => Promise<void>;
  StartHosting?: (req: { port: number }) => Promise<HostInfo>;
  StopHosting?: () => Promise<void>;
  Hosting?: () => Promise<HostInfo>;
  LoadSettings?: () => Promise<AppSettings>;
  SaveSettings?: (s: AppSettings) => Promise<void>;
  Launch?: () => Promise<LaunchOptions>;
  ReportStats?: (r: StatsReport) => Promise<void>;
  SetRoomPeers?: (n: number) => Promise<void>;
  MediaBridge?: () => Promise<{ url: string; token: string }>;
  PageLog?: (level: string, message: string) => Promise<void>;
}

function appBindings(): AppBindings | undefined {
  const w = globalThis as unknown as { go?: { app?: { App?: AppBindings } } };
  return w.go?.app?.App;
}

/** The Wails runtime's helpers the page uses (present only inside the desktop app). */
type WailsRuntime = { ClipboardSetText?: (t: string) => Promise<boolean>; BrowserOpenURL?: (u: string) => void };
const wailsRuntime = () => (globalThis as unknown as { runtime?: WailsRuntime }).runtime;

/** Copies text: through the app's clipboard inside the desktop app (its webview may refuse navigator.clipboard),
 *  through the browser's otherwise. Rejects when neither is allowed. */
export async function copyText(text: string): Promise<void> {
  const rt = wailsRuntime();
  if (typeof rt?.ClipboardSetText === 'function') await rt.ClipboardSetText(text);
  else await navigator.clipboard.writeText(text);
}

/** Opens a link in the system browser: the app's own window must never navigate away from Parley. */
export function openExternal(url: string): void {
  wailsRuntime()?.BrowserOpenURL?.(url);
}

/** Whether the page runs in the desktop app (its bindings are present). */
export function inDesktopApp(): boolean {
  return typeof (globalThis as { go?: unknown }).go === 'object';
}

type Method = keyof AppBindings;

/**
 * Calls a bound method, waiting (bounded) for the bindings when the page is in the app but they are not there
 * yet. Resolves undefined when the method does not exist (the browser build, an older app).
 */
async function call<M extends Method>(method: M, ...args: Parameters<NonNullable<AppBindings[M]>>): Promise<Awaited<ReturnType<NonNullable<AppBindings[M]>>> | undefined> {
  if (!inDesktopApp()) return undefined;
  for (let tries = 0; typeof appBindings()?.[method] !== 'function'; tries++) {
    if (tries >= 50) return undefined; // 5 s: the app does not have it
    await new Promise((r) => setTimeout(r, 100));
  }
  const fn = appBindings()![method] as unknown as (...a: unknown[]) => Promise<unknown>;
  return (await fn(...args)) as Awaited<ReturnType<NonNullable<AppBindings[M]>>>;
}

/** Starts (or finds running) the app's room server. Throws what the app reports (e.g. no port). */
export async function startHosting(port = 0): Promise<HostInfo> {
  const info = await call('StartHosting', { port });
  if (!info) throw new Error('This version of Parley cannot host rooms.');
  return normalizeHostInfo(info);
}

/** Stops hosting: the server tells every guest the host ended the room. */
export async function stopHosting(): Promise<void> {
  await call('StopHosting');
}

/** The app's room server now (inactive outside the app). */
export async function hostingInfo(): Promise<HostInfo> {
  try {
    return normalizeHostInfo(await call('Hosting'));
  } catch {
    return normalizeHostInfo(undefined);
  }
}

export function normalizeHostInfo(v: Partial<HostInfo> | null | undefined): HostInfo {
  return {
    active: v?.active === true,
    port: typeof v?.port === 'number' ? v.port : 0,
    localURL: typeof v?.localURL === 'string' ? v.localURL : '',
    urls: Array.isArray(v?.urls) ? v.urls.filter((u): u is string => typeof u === 'string' && u !== '') : [],
  };
}

let lastSettings: AppSettings | undefined;

/** The settings as last loaded (the lobby loads them before a call starts), for choices that cannot wait. */
export function cachedAppSettings(): AppSettings | undefined {
  return lastSettings;
}

/** The app's settings, or undefined outside the app (or if it cannot read them). */
export async function loadAppSettings(): Promise<AppSettings | undefined> {
  try {
    const s = await call('LoadSettings');
    if (!s) return undefined;
    const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    lastSettings = {
      name: typeof s.name === 'string' ? s.name : '',
      recentServers: list(s.recentServers),
      recentRooms: list(s.recentRooms),
      permissions: s.permissions && typeof s.permissions === 'object' ? s.permissions : {},
      ...(s.engine === 'auto' || s.engine === 'native' ? { engine: s.engine } : {}),
    };
    return lastSettings;
  } catch (err) {
    console.warn('LoadSettings failed', err);
    return undefined;
  }
}

/** Saves the app's settings; false when not in the app or the app failed (remembering is a convenience). */
export async function saveAppSettings(s: AppSettings): Promise<boolean> {
  try {
    if (typeof appBindings()?.SaveSettings !== 'function') return false;
    await call('SaveSettings', s);
    return true;
  } catch (err) {
    console.warn('SaveSettings failed', err);
    return false;
  }
}

/** What the command line asked for; `mode: ''` (nothing to do) outside the app. */
export async function launchOptions(): Promise<LaunchOptions> {
  try {
    return parseLaunch(await call('Launch'));
  } catch (err) {
    console.warn('Launch failed', err);
    return parseLaunch(undefined);
  }
}

export function parseLaunch(v: Partial<LaunchOptions> | null | undefined): LaunchOptions {
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  const mode = v?.mode === 'host' || v?.mode === 'join' ? v.mode : '';
  return { mode, server: str(v?.server), room: str(v?.room), name: str(v?.name), stats: v?.stats === true, stamp: v?.stamp === true };
}

/** Where the app's media bridge listens (the native media engine), or null outside the app or without one. */
export async function mediaBridge(): Promise<{ url: string; token: string } | null> {
  try {
    const b = await call('MediaBridge');
    return b && typeof b.url === 'string' && typeof b.token === 'string' ? { url: b.url, token: b.token } : null;
  } catch (err) {
    console.warn('MediaBridge failed', err);
    return null;
  }
}

/** Hands the app one stats report (fire and forget). */
export function reportStats(r: StatsReport): void {
  const fn = appBindings()?.ReportStats;
  if (typeof fn === 'function') fn(r).catch((err: unknown) => console.warn('ReportStats failed', err));
}

/** Tells the app how many others are in the room now (it asks before closing the window if any). */
export function setRoomPeers(n: number): void {
  const fn = appBindings()?.SetRoomPeers;
  if (typeof fn === 'function') fn(n).catch((err: unknown) => console.warn('SetRoomPeers failed', err));
}

/**
 * Tells the app which view is on screen ("lobby", "room"): it logs it, and the desktop smoke test waits for
 * "frontend ready: lobby". Does nothing outside the app.
 */
export function notifyFrontendReady(view: string): void {
  if (!inDesktopApp()) return;
  // After the next frame has been painted, so that "ready" means "on screen".
  const raf = globalThis.requestAnimationFrame ?? ((f: () => void) => setTimeout(f, 16));
  raf(() => raf(() => callReady(view)));
}

function callReady(view: string): void {
  call('FrontendReady', view).catch((err: unknown) => console.warn('FrontendReady failed', err));
}

/** At most this many page messages a second reach the app's log (a page in a loop must not flood it). */
const PAGE_LOG_PER_SECOND = 20;

/**
 * Inside the app, copies the page's warnings, errors and uncaught exceptions into the app's log (stderr): the
 * webview has no console anyone can see, and these are what explains a call that does not work.
 */
export function forwardPageLogs(): void {
  let windowStart = 0;
  let count = 0;
  const send = (level: 'warn' | 'error', parts: unknown[]) => {
    // Checked per message: Wails may inject window.go after this module has run.
    if (!inDesktopApp()) return;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      count = 0;
    }
    if (++count > PAGE_LOG_PER_SECOND) return;
    const text = parts.map((p) => (p instanceof Error ? p.stack || String(p) : typeof p === 'string' ? p : safeJSON(p))).join(' ');
    call('PageLog', level, text.slice(0, 2000)).catch(() => {});
  };
  for (const level of ['warn', 'error'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      send(level, args);
      original(...args);
    };
  }
  globalThis.addEventListener?.('error', (e) => send('error', [`uncaught: ${(e as ErrorEvent).message}`]));
  globalThis.addEventListener?.('unhandledrejection', (e) => send('error', ['unhandled rejection:', (e as PromiseRejectionEvent).reason]));
}

function safeJSON(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
