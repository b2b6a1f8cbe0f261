import { describe, expect, it } from 'vitest';
import { isChatMessage, mergeChat } from './chat';
import type { ChatMessage } from './protocol';

const msg = (id: number, text = `m${id}`, from = 'a'): ChatMessage => ({ id, from, name: from.toUpperCase(), text, ts: 1764096000000 + id });

describe('mergeChat', () => {
  it('appends a newer live message', () => {
    const h = [msg(1), msg(2)];
    expect(mergeChat(h, [msg(3)]).map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('drops duplicates by id and keeps the first copy', () => {
    const h = [msg(1), msg(2, 'original')];
    const out = mergeChat(h, [msg(2, 'duplicate')]);
    expect(out).toBe(h); // unchanged: same array
    expect(out[1].text).toBe('original');
  });

  it('sorts out-of-order arrivals (the live event and the ack race)', () => {
    let h = mergeChat([], [msg(5)]);
    h = mergeChat(h, [msg(3)]);
    h = mergeChat(h, [msg(4), msg(5), msg(3)]);
    expect(h.map((m) => m.id)).toEqual([3, 4, 5]);
  });

  it('merges a join history into live messages', () => {
    const live = [msg(7), msg(8)];
    const history = [msg(5), msg(6), msg(7)];
    expect(mergeChat(live, history).map((m) => m.id)).toEqual([5, 6, 7, 8]);
  });

  it('keeps only the newest messages beyond the maximum', () => {
    const many = Array.from({ length: 10 }, (_, i) => msg(i + 1));
    expect(mergeChat([], many, 4).map((m) => m.id)).toEqual([7, 8, 9, 10]);
    expect(mergeChat(many.slice(0, 4), [msg(11)], 4).map((m) => m.id)).toEqual([2, 3, 4, 11]);
  });

  it('returns the same array for nothing new', () => {
    const h = [msg(1)];
    expect(mergeChat(h, [])).toBe(h);
  });
});

describe('isChatMessage', () => {
  it('checks the shape', () => {
    expect(isChatMessage(msg(1))).toBe(true);
    expect(isChatMessage({ ...msg(1), id: '1' })).toBe(false);
    expect(isChatMessage({ ...msg(1), id: NaN })).toBe(false);
    expect(isChatMessage({ id: 1, from: 'a', name: 'A', ts: 1 })).toBe(false);
    expect(isChatMessage(null)).toBe(false);
    expect(isChatMessage('hi')).toBe(false);
  });
});
