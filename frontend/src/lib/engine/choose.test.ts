import { describe, expect, it } from 'vitest';
import { bridgeFromQuery, chooseEngine, validBridge } from './choose';

describe('chooseEngine', () => {
  it('uses the browser engine where WebRTC exists and nothing asks otherwise', () => {
    expect(chooseEngine({ hasPeerConnection: true })).toBe('browser');
    expect(chooseEngine({ hasPeerConnection: true, urlEngine: 'browser', setting: 'auto' })).toBe('browser');
  });
  it('uses the native engine without RTCPeerConnection, or when the URL or the setting asks', () => {
    expect(chooseEngine({ hasPeerConnection: false })).toBe('native');
    expect(chooseEngine({ hasPeerConnection: false, setting: 'auto' })).toBe('native');
    expect(chooseEngine({ hasPeerConnection: true, urlEngine: 'native' })).toBe('native');
    expect(chooseEngine({ hasPeerConnection: true, setting: 'native' })).toBe('native');
  });
});

describe('bridge address', () => {
  it('reads the test page parameters', () => {
    expect(bridgeFromQuery('?engine=native&bridge=ws%3A%2F%2F127.0.0.1%3A4000%2Fmedia&token=abc', '127.0.0.1')).toEqual({
      url: 'ws://127.0.0.1:4000/media',
      token: 'abc',
    });
    expect(bridgeFromQuery('?engine=native', '127.0.0.1')).toBeNull();
    // A page of a real room never takes a bridge from its URL.
    expect(bridgeFromQuery('?engine=native&bridge=ws%3A%2F%2F127.0.0.1%3A4000%2Fmedia&token=abc', 'meet.example.org')).toBeNull();
    expect(bridgeFromQuery('?bridge=ws://127.0.0.1:4000/media', '127.0.0.1')).toBeNull();
  });
  it('takes only ws:// to loopback with a token', () => {
    expect(validBridge({ url: 'ws://[::1]:1/media', token: 't' })).not.toBeNull();
    expect(validBridge({ url: 'ws://evil.example/media', token: 't' })).toBeNull();
    expect(validBridge({ url: 'wss://127.0.0.1/media', token: 't' })).toBeNull();
    expect(validBridge({ url: 'ws://127.0.0.1/media', token: '' })).toBeNull();
    expect(validBridge({ url: 'not a url', token: 't' })).toBeNull();
    expect(validBridge(null)).toBeNull();
  });
});
