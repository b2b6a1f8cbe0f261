// Making the call's engine: the choice (choose.ts) applied, with the native engine's bridge address from the
// page URL (test pages) or the desktop app (asked for asynchronously; the engine waits for it).
import { cachedAppSettings, inDesktopApp, mediaBridge } from '../desktop';
import { BrowserEngine } from './browser-engine';
import type { Captured } from './capture';
import { bridgeFromQuery, chooseEngine, validBridge, type EngineName } from './choose';
import { NativeEngine } from './native/native-engine';
import type { CallEngine, SignalSender } from './types';

export function createEngine(captured: Captured, send: SignalSender): { engine: CallEngine; name: EngineName } {
  const search = globalThis.location?.search ?? '';
  const name = chooseEngine({
    hasPeerConnection: BrowserEngine.supported(),
    urlEngine: new URLSearchParams(search).get('engine'),
    setting: cachedAppSettings()?.engine,
  });
  if (name === 'browser') return { engine: new BrowserEngine(captured, send), name };
  const address = bridgeFromQuery(search) ?? (inDesktopApp() ? mediaBridge().then(validBridge) : null);
  return { engine: new NativeEngine(captured, send, address), name };
}
