// Which engine a call runs on, and where the native engine's bridge is. The browser's own WebRTC where it
// exists; the native engine (WebCodecs + the Go media bridge) where it does not (Linux WebKitGTK), or when
// asked for — `?engine=native` in the page URL (tests) or the app setting `engine: 'native'`.
import type { BridgeAddress } from './native/bridge';

export type EngineName = 'browser' | 'native';

export interface EngineChoice {
  hasPeerConnection: boolean;
  /** The page URL's `engine` parameter, if any. */
  urlEngine?: string | null;
  /** The app setting, if any. */
  setting?: string | null;
}

export function chooseEngine({ hasPeerConnection, urlEngine, setting }: EngineChoice): EngineName {
  if (!hasPeerConnection || urlEngine === 'native' || setting === 'native') return 'native';
  return 'browser';
}

/**
 * A test page's bridge: `?bridge=ws://127.0.0.1:PORT/media&token=T`, honoured only on a page that is itself on
 * loopback (the test servers): a link to a real room must not be able to send a visitor's camera and microphone
 * to whatever listens on a port of their own machine. Only ws: to loopback is taken.
 */
export function bridgeFromQuery(search: string, pageHost: string = globalThis.location?.hostname ?? ''): BridgeAddress | null {
  if (!isLoopbackHost(pageHost)) return null;
  const q = new URLSearchParams(search);
  const url = q.get('bridge');
  const token = q.get('token');
  if (!url || !token) return null;
  return validBridge({ url, token });
}

/** A bridge address from the app or the URL, checked: ws:// on a loopback host, a non-empty token. */
export function validBridge(v: unknown): BridgeAddress | null {
  if (typeof v !== 'object' || v === null) return null;
  const { url, token } = v as Record<string, unknown>;
  if (typeof url !== 'string' || typeof token !== 'string' || token === '') return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  return u.protocol === 'ws:' && isLoopbackHost(u.hostname) ? { url, token } : null;
}

function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '[::1]' || host === 'localhost';
}
