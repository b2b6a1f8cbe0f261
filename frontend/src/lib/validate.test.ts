import { describe, expect, it } from 'vitest';
import { checkChat, checkName, checkPassword, checkRoom, codePoints, normalizeServer, trimSpace } from './validate';

const ok = (value: string) => ({ ok: true, value });

describe('checkRoom', () => {
  it('accepts the allowed characters, 1 to 64 of them', () => {
    expect(checkRoom('standup')).toEqual(ok('standup'));
    expect(checkRoom('A.b_c-9')).toEqual(ok('A.b_c-9'));
    expect(checkRoom('x'.repeat(64))).toEqual(ok('x'.repeat(64)));
  });
  it('trims what was typed around the name', () => {
    expect(checkRoom('  team  ')).toEqual(ok('team'));
  });
  it('refuses empty, long and other characters', () => {
    expect(checkRoom('')).toMatchObject({ ok: false, error: 'Enter a room name.' });
    expect(checkRoom('   ')).toMatchObject({ ok: false });
    expect(checkRoom('x'.repeat(65))).toMatchObject({ ok: false, error: expect.stringContaining('64') });
    for (const bad of ['my room', 'café', 'a/b', 'a:b', 'ä', '😀', 'a\u0000']) {
      expect(checkRoom(bad).ok, bad).toBe(false);
    }
  });
});

describe('checkName', () => {
  it('trims and counts code points', () => {
    expect(checkName('  Ada Lovelace \n')).toEqual(ok('Ada Lovelace'));
    expect(checkName('😀'.repeat(40))).toEqual(ok('😀'.repeat(40))); // 80 UTF-16 units, 40 code points
    expect(checkName('😀'.repeat(41)).ok).toBe(false);
    expect(checkName('a'.repeat(41)).ok).toBe(false);
  });
  it('trims the same white space as the server (Go unicode.IsSpace)', () => {
    expect(checkName('\u00A0\u3000Grace\u2003')).toEqual(ok('Grace'));
    // U+FEFF is not white space for Go, so it stays (and is allowed: it is not a control character).
    expect(checkName('\uFEFFGrace')).toEqual(ok('\uFEFFGrace'));
  });
  it('refuses empty names, control characters and bidi overrides', () => {
    expect(checkName('')).toMatchObject({ ok: false, error: 'Enter your name.' });
    expect(checkName(' \t ')).toMatchObject({ ok: false });
    expect(checkName('Ada\u0007')).toMatchObject({ ok: false, error: expect.stringContaining('control') });
    expect(checkName('Ada\nB')).toMatchObject({ ok: false });
    expect(checkName('Ada\u0085B')).toMatchObject({ ok: false });
    expect(checkName('evil\u202Egnp.exe')).toMatchObject({ ok: false });
    expect(checkName('x\u2067y')).toMatchObject({ ok: false });
  });
});

describe('checkPassword', () => {
  it('allows none, and at most 128 code points', () => {
    expect(checkPassword('')).toEqual(ok(''));
    expect(checkPassword(' s3cret ')).toEqual(ok(' s3cret ')); // not trimmed: sent as typed
    expect(checkPassword('p'.repeat(128)).ok).toBe(true);
    expect(checkPassword('p'.repeat(129)).ok).toBe(false);
  });
});

describe('checkChat', () => {
  it('trims, keeps newlines and tabs inside', () => {
    expect(checkChat('  hello\n\tworld  ')).toEqual(ok('hello\n\tworld'));
    expect(checkChat('line\r\nbreak')).toEqual(ok('line\r\nbreak'));
  });
  it('allows 2000 code points and no more', () => {
    expect(checkChat('é'.repeat(2000)).ok).toBe(true);
    expect(checkChat('🎉'.repeat(2000)).ok).toBe(true);
    expect(checkChat('a'.repeat(2001))).toMatchObject({ ok: false, error: expect.stringContaining('2001') });
  });
  it('refuses blank messages and control characters', () => {
    expect(checkChat('').ok).toBe(false);
    expect(checkChat(' \n\t ').ok).toBe(false);
    expect(checkChat('bell\u0007').ok).toBe(false);
    expect(checkChat('esc\u001b[31m').ok).toBe(false);
    expect(checkChat('rtl\u202Eoverride').ok).toBe(false);
  });
});

describe('helpers', () => {
  it('codePoints counts surrogate pairs once', () => {
    expect(codePoints('')).toBe(0);
    expect(codePoints('abc')).toBe(3);
    expect(codePoints('👩‍💻')).toBe(3); // woman, ZWJ, laptop
    expect(codePoints('😀x')).toBe(2);
  });
  it('trimSpace trims both ends only', () => {
    expect(trimSpace('\u2028 a b \u2029')).toBe('a b');
  });
});

describe('normalizeServer', () => {
  it('adds http:// and drops paths', () => {
    expect(normalizeServer('192.168.1.20:7800')).toEqual(ok('http://192.168.1.20:7800'));
    expect(normalizeServer(' http://host.lan:7800/ ')).toEqual(ok('http://host.lan:7800'));
    expect(normalizeServer('https://rooms.example.org/some/path?x=1#y')).toEqual(ok('https://rooms.example.org'));
    expect(normalizeServer('HTTP://Host.LAN')).toEqual(ok('http://host.lan'));
    expect(normalizeServer('[::1]:7800')).toEqual(ok('http://[::1]:7800'));
  });
  it('maps ws(s) to http(s)', () => {
    expect(normalizeServer('ws://10.0.0.2:7800')).toEqual(ok('http://10.0.0.2:7800'));
    expect(normalizeServer('wss://example.org')).toEqual(ok('https://example.org'));
  });
  it('refuses what is not an http server address', () => {
    expect(normalizeServer('')).toMatchObject({ ok: false, error: expect.stringContaining('192.168.1.20') });
    expect(normalizeServer('ftp://example.org').ok).toBe(false);
    expect(normalizeServer('http://').ok).toBe(false);
    expect(normalizeServer('http://user:pw@example.org').ok).toBe(false);
    expect(normalizeServer('http://exa mple.org').ok).toBe(false);
  });
});
