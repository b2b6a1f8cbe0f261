import { describe, expect, it } from 'vitest';
import { kindOfStream, localStreamMap, parseStreamMap } from './stream-kinds';

describe('stream kinds', () => {
  it('maps our own streams', () => {
    expect(localStreamMap('cam', 'scr')).toEqual({ cam: 'camera', scr: 'screen' });
    expect(localStreamMap('cam', null)).toEqual({ cam: 'camera' });
    expect(localStreamMap(undefined, undefined)).toEqual({});
  });

  it('keeps only well-formed entries from the network', () => {
    expect(parseStreamMap({ a: 'camera', b: 'screen', c: 'audio', d: 3, '': 'camera' })).toEqual({ a: 'camera', b: 'screen' });
    expect(parseStreamMap(null)).toEqual({});
    expect(parseStreamMap(['camera'])).toEqual({});
    expect(parseStreamMap('x')).toEqual({});
  });

  it('treats an unannounced stream as the camera', () => {
    const map = { cam: 'camera', scr: 'screen' } as const;
    expect(kindOfStream(map, 'scr')).toBe('screen');
    expect(kindOfStream(map, 'cam')).toBe('camera');
    expect(kindOfStream(map, 'other')).toBe('camera');
    expect(kindOfStream({}, undefined)).toBe('camera');
  });
});
