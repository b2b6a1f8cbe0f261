import { describe, expect, it } from 'vitest';
import type { ChatMessage } from './protocol';
import { countUnread, lastMessageId, nextSeenId } from './unread';

const msg = (id: number, from: string): ChatMessage => ({ id, from, name: from, text: `m${id}`, ts: id });

describe('unread', () => {
  const history = [msg(1, 'p1'), msg(2, 'me')];

  it('counts messages from others after the mark, not our own', () => {
    const chat = [...history, msg(3, 'p1'), msg(4, 'me'), msg(5, 'p2')];
    expect(countUnread(chat, 'me', 2)).toBe(2);
    expect(countUnread(chat, 'me', 5)).toBe(0);
    expect(countUnread(chat, 'me', lastMessageId([]))).toBe(3);
    expect(countUnread([], 'me', -Infinity)).toBe(0);
  });

  it('counts the join history as seen', () => {
    expect(countUnread(history, 'me', lastMessageId(history))).toBe(0);
  });

  it('moves the mark while the panel is open, keeps it while closed', () => {
    const chat = [...history, msg(3, 'p1')];
    expect(nextSeenId(chat, 2, true)).toBe(3);
    expect(nextSeenId(chat, 2, false)).toBe(2);
  });

  it('starts over when the room was recreated with lower ids', () => {
    const fresh = [msg(1, 'p1')];
    expect(nextSeenId(fresh, 40, false)).toBe(1);
    expect(countUnread(fresh, 'me', nextSeenId(fresh, 40, false))).toBe(0);
  });
});
