import { describe, expect, it } from 'vitest';
import { captureLocalMedia, describeCapture, describeDeviceError, describeScreenError } from './capture';

const track = (kind: string) => ({ kind }) as unknown as MediaStreamTrack;
const stream = (...kinds: string[]) => {
  const tracks = kinds.map(track);
  return {
    getTracks: () => tracks,
    getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
    getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
  } as unknown as MediaStream;
};
const fail = (name: string) => Object.assign(new Error(name), { name });

/** getUserMedia that has only the given kinds, and fails the others with `error`. */
function devices(have: string[], error = 'NotFoundError') {
  return {
    getUserMedia: async (c?: MediaStreamConstraints) => {
      const want = [c?.audio ? 'audio' : '', c?.video ? 'video' : ''].filter(Boolean);
      if (!want.every((k) => have.includes(k))) throw fail(error);
      return stream(...want);
    },
  };
}

describe('captureLocalMedia', () => {
  it('captures both when it can', async () => {
    const c = await captureLocalMedia(devices(['audio', 'video']));
    expect([c.audio?.kind, c.video?.kind, c.note]).toEqual(['audio', 'video', '']);
  });

  it('joins with audio only when there is no camera, and says so', async () => {
    const c = await captureLocalMedia(devices(['audio']));
    expect(c.audio?.kind).toBe('audio');
    expect(c.video).toBeNull();
    expect(c.note).toBe('No camera was found: you joined with audio only.');
  });

  it('joins receive-only when permission is denied, and says so', async () => {
    const c = await captureLocalMedia(devices([], 'NotAllowedError'));
    expect([c.audio, c.video]).toEqual([null, null]);
    expect(c.note).toMatch(/^Permission to use the camera and microphone was denied: you joined without camera and microphone/);
  });

  it('explains a browser without getUserMedia (insecure origin)', async () => {
    const c = await captureLocalMedia(undefined);
    expect(c.note).toMatch(/https or localhost/);
  });
});

describe('describeCapture', () => {
  it('names each missing device and why', () => {
    expect(describeCapture(true, true)).toBe('');
    expect(describeCapture(true, false, '', 'NotReadableError')).toBe(
      'The camera is in use by another application or could not start: you joined with audio only.',
    );
    expect(describeCapture(false, true, 'NotAllowedError', '')).toBe(
      'Permission to use the microphone was denied: you joined with video only. The others cannot hear you.',
    );
    expect(describeCapture(false, false, 'NotFoundError', 'NotFoundError')).toMatch(/^No camera or microphone was found/);
    expect(describeCapture(false, false, 'NotFoundError', 'NotAllowedError')).toMatch(
      /^Permission to use the camera was denied, and no microphone was found/,
    );
  });

  it('describes screen and device failures', () => {
    expect(describeScreenError(fail('NotAllowedError'))).toMatch(/cancelled or is not allowed/);
    expect(describeScreenError(fail('NotSupportedError'))).toMatch(/cannot share/);
    expect(describeDeviceError(fail('NotReadableError'), 'camera')).toBe('That camera is in use by another application.');
    expect(describeDeviceError('?', 'microphone')).toBe('Could not switch the microphone.');
  });
});
