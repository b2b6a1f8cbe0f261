// Making the call's engine: the choice (choose.ts) applied, with the native engine's bridge address from the
// page URL (test pages) or the desktop app (asked for asynchronously; the engine waits for it).
import { cachedAppSettings, inDesktopApp, mediaBridge } from '../desktop';
import { GlassReader, stampedTrack } from '../bench/glass';
import { BrowserEngine } from './browser-engine';
import type { Captured } from './capture';
import { bridgeFromQuery, chooseEngine, validBridge, type EngineName } from './choose';
import { NativeEngine } from './native/native-engine';
import type { CallEngine, SignalSender } from './types';

/** make bench's glass-to-glass figures (bench/stamp.ts): samples per peer since the last take. */
export interface GlassSource {
  take(): Record<string, number[]>;
  stop(): void;
}

/**
 * With `stamp` (make bench) the clock goes into our camera picture and is read from the others': the browser
 * engine's camera track is replaced by a stamped copy and the tiles are read; the native engine stamps in its
 * encoder and reads as it draws.
 */
export function createEngine(
  captured: Captured,
  send: SignalSender,
  { stamp = false } = {},
): { engine: CallEngine; name: EngineName; glass: GlassSource | null } {
  const search = globalThis.location?.search ?? '';
  const name = chooseEngine({
    hasPeerConnection: BrowserEngine.supported(),
    urlEngine: new URLSearchParams(search).get('engine'),
    setting: cachedAppSettings()?.engine,
  });
  if (name === 'browser') {
    if (!stamp) return { engine: new BrowserEngine(captured, send), name, glass: null };
    const reader = new GlassReader();
    reader.start();
    const video = captured.video ? stampedTrack(captured.video) : null;
    return { engine: new BrowserEngine({ ...captured, video }, send), name, glass: { take: () => reader.take(), stop: () => reader.stop() } };
  }
  const address = bridgeFromQuery(search) ?? (inDesktopApp() ? mediaBridge().then(validBridge) : null);
  const engine = new NativeEngine(captured, send, address, undefined, stamp);
  return { engine, name, glass: stamp ? { take: () => engine.glass(), stop: () => {} } : null };
}
