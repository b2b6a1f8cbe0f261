// Client-side checks that mirror the room server's rules (docs/PROTOCOL.md, internal/signal/request.go), so
// people see what is wrong before anything is sent. The server checks again; these never need to be stricter.

export const MAX_ROOM_LEN = 64;
export const MAX_NAME_LEN = 40;
export const MAX_PASSWORD_LEN = 128;
export const MAX_CHAT_LEN = 2000;

/** A check's verdict: the cleaned value, or a sentence saying what is wrong. */
export type Checked = { ok: true; value: string } | { ok: false; error: string };

const ROOM_RE = /^[A-Za-z0-9._-]+$/;
// Go's unicode.IsSpace, which the server trims with (JavaScript's trim() differs: it trims U+FEFF, not U+0085).
const SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const TRIM_RE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'g');
// C0 and C1 controls (Go's unicode.IsControl) and the bidi overrides and isolates.
const CONTROL_RE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;
const CHAT_CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

/** Length in Unicode code points, as the protocol counts. */
export function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Trims white space at both ends exactly as the server does. */
export function trimSpace(s: string): string {
  return s.replace(TRIM_RE, '');
}

export function checkRoom(room: string): Checked {
  const value = room.trim();
  if (value === '') return { ok: false, error: 'Enter a room name.' };
  if (value.length > MAX_ROOM_LEN) return { ok: false, error: `Room names are at most ${MAX_ROOM_LEN} characters.` };
  if (!ROOM_RE.test(value)) {
    return { ok: false, error: 'Room names may use only letters A–Z, digits, dot, dash and underscore (no spaces).' };
  }
  return { ok: true, value };
}

export function checkName(name: string): Checked {
  const value = trimSpace(name);
  if (value === '') return { ok: false, error: 'Enter your name.' };
  if (codePoints(value) > MAX_NAME_LEN) return { ok: false, error: `Names are at most ${MAX_NAME_LEN} characters.` };
  if (CONTROL_RE.test(value)) return { ok: false, error: 'Names cannot contain control characters.' };
  return { ok: true, value };
}

export function checkPassword(password: string): Checked {
  if (codePoints(password) > MAX_PASSWORD_LEN) {
    return { ok: false, error: `Passwords are at most ${MAX_PASSWORD_LEN} characters.` };
  }
  return { ok: true, value: password };
}

export function checkChat(text: string): Checked {
  const value = trimSpace(text);
  if (value === '') return { ok: false, error: 'Type a message first.' };
  if (codePoints(value) > MAX_CHAT_LEN) {
    return { ok: false, error: `Messages are at most ${MAX_CHAT_LEN} characters (this one has ${codePoints(value)}).` };
  }
  if (CHAT_CONTROL_RE.test(value)) return { ok: false, error: 'Messages cannot contain control characters.' };
  return { ok: true, value };
}

/**
 * Turns what someone typed as a server address into a base URL for socket.io-client: adds http:// when no
 * scheme is given, accepts ws(s):// as http(s)://, and drops any path, query or fragment (the server lives at
 * the root; Socket.IO is at /socket.io/).
 */
export function normalizeServer(input: string): Checked {
  let s = input.trim();
  if (s === '') return { ok: false, error: 'Enter the server address, for example http://192.168.1.20:7800.' };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) s = 'http://' + s;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return { ok: false, error: 'That does not look like a server address (for example http://192.168.1.20:7800).' };
  }
  const scheme = url.protocol.toLowerCase();
  if (scheme === 'ws:') url = new URL('http:' + s.slice(s.indexOf('//')));
  else if (scheme === 'wss:') url = new URL('https:' + s.slice(s.indexOf('//')));
  else if (scheme !== 'http:' && scheme !== 'https:') {
    return { ok: false, error: 'Server addresses start with http:// or https://.' };
  }
  if (url.hostname === '') return { ok: false, error: 'The server address needs a host name or IP address.' };
  if (url.username || url.password) return { ok: false, error: 'Server addresses cannot contain a user name or password.' };
  return { ok: true, value: url.origin };
}
