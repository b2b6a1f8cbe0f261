import { describe, expect, it } from 'vitest';
import { loadSetting, pageContext, parseLobbyParams, saveSetting, type KeyValueStore } from './context';
import { inviteLink } from './invite';
import { initials, hue } from './avatar';

const loc = (href: string) => {
  const u = new URL(href);
  return { protocol: u.protocol, hostname: u.hostname, origin: u.origin };
};

describe('pageContext', () => {
  it('recognises the desktop app', () => {
    expect(pageContext({ protocol: 'wails:', hostname: 'wails', origin: 'null' })).toEqual({ kind: 'desktop', origin: '' });
    expect(pageContext(loc('http://wails.localhost/'))).toEqual({ kind: 'desktop', origin: '' });
    expect(pageContext(loc('https://wails.localhost/?room=x'))).toEqual({ kind: 'desktop', origin: '' });
  });
  it('uses the origin of a page served by a room server', () => {
    expect(pageContext(loc('http://192.168.1.20:7800/?room=a'))).toEqual({ kind: 'served', origin: 'http://192.168.1.20:7800' });
    expect(pageContext(loc('https://rooms.example.org/'))).toEqual({ kind: 'served', origin: 'https://rooms.example.org' });
  });
  it('knows nothing about other pages', () => {
    expect(pageContext(loc('file:///tmp/index.html')).kind).toBe('other');
  });
});

describe('parseLobbyParams', () => {
  it('prefills room and name', () => {
    expect(parseLobbyParams('?room=standup&name=Ada%20L')).toEqual({ room: 'standup', name: 'Ada L', join: false });
    expect(parseLobbyParams('?name=Grace+H')).toEqual({ room: '', name: 'Grace H', join: false });
    expect(parseLobbyParams('')).toEqual({ room: '', name: '', join: false });
  });
  it('joins at once with join=1 and its spellings', () => {
    for (const q of ['?room=r&name=n&join=1', '?join=true', '?join=YES', '?join', '?join=']) {
      expect(parseLobbyParams(q).join, q).toBe(true);
    }
    for (const q of ['?join=0', '?join=false', '?join=no', '?room=r']) {
      expect(parseLobbyParams(q).join, q).toBe(false);
    }
  });
  it('bounds absurd values', () => {
    expect(parseLobbyParams('?room=' + 'x'.repeat(5000)).room.length).toBe(256);
  });
});

describe('settings', () => {
  it('round-trips through a store and survives a broken one', () => {
    const m = new Map<string, string>();
    const store: KeyValueStore = { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
    expect(loadSetting(store, 'name')).toBe('');
    saveSetting(store, 'name', 'Ada');
    saveSetting(store, 'server', 'http://h:1');
    expect(loadSetting(store, 'name')).toBe('Ada');
    expect(loadSetting(store, 'server')).toBe('http://h:1');
    const broken: KeyValueStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(loadSetting(broken, 'name')).toBe('');
    expect(() => saveSetting(broken, 'name', 'x')).not.toThrow();
    expect(loadSetting(undefined, 'name')).toBe('');
  });
});

describe('invite link and avatars', () => {
  it('links to the server page with the room', () => {
    expect(inviteLink('http://192.168.1.20:7800', 'standup')).toBe('http://192.168.1.20:7800/?room=standup');
    expect(inviteLink('', 'standup')).toBe('');
  });
  it('makes initials and stable hues', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('  grace  ')).toBe('G');
    expect(initials('Jean Paul Sartre')).toBe('JS');
    expect(initials('😀 Smile')).toBe('😀S');
    expect(initials('')).toBe('?');
    expect(hue('Ada')).toBe(hue('Ada'));
    expect(hue('Ada')).toBeGreaterThanOrEqual(0);
    expect(hue('Ada')).toBeLessThan(360);
  });
});
