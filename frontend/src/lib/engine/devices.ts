// Capture devices for every engine: listing them, and opening one for a switch mid-call. (BrowserEngine has its
// own copy of both for now; it can switch here.)
import { AUDIO_CONSTRAINTS, VIDEO_CONSTRAINTS, describeDeviceError, describeScreenError } from './capture';
import type { DeviceInfo } from './types';

export async function listDevices(): Promise<DeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const all = await navigator.mediaDevices.enumerateDevices();
  let cams = 0;
  let mics = 0;
  return all
    .filter((d) => (d.kind === 'audioinput' || d.kind === 'videoinput') && d.deviceId !== '')
    .map((d) => ({
      deviceId: d.deviceId,
      kind: d.kind as DeviceInfo['kind'],
      label: d.label || (d.kind === 'videoinput' ? `Camera ${++cams}` : `Microphone ${++mics}`),
    }));
}

/** Opens one device with the call's constraints; throws getUserMedia's error. */
export async function openDevice(kind: DeviceInfo['kind'], deviceId: string): Promise<MediaStreamTrack> {
  const isVideo = kind === 'videoinput';
  const constraints = isVideo
    ? { video: { ...VIDEO_CONSTRAINTS, deviceId: { exact: deviceId } } }
    : { audio: { ...AUDIO_CONSTRAINTS, deviceId: { exact: deviceId } } };
  const s = await navigator.mediaDevices.getUserMedia(constraints);
  const track = isVideo ? s.getVideoTracks()[0] : s.getAudioTracks()[0];
  if (!track) throw new Error('no track');
  return track;
}

/**
 * Opens `deviceId` in place of `old` (a device switch mid-call); null when it cannot be opened, after `error`
 * was told why in words. The old camera is stopped first: many cameras cannot be open twice, and some machines
 * cannot run two — so a failed camera switch leaves no camera at all (the caller must drop it).
 */
export async function reopenDevice(
  kind: DeviceInfo['kind'],
  deviceId: string,
  old: MediaStreamTrack | null,
  error: (message: string) => void,
): Promise<MediaStreamTrack | null> {
  const isVideo = kind === 'videoinput';
  try {
    if (isVideo && old) old.stop();
    return await openDevice(kind, deviceId);
  } catch (err) {
    error(describeDeviceError(err, isVideo ? 'camera' : 'microphone'));
    return null;
  }
}

/**
 * Asks for a screen (call it from the click, before any await) and prepares its track: sharp text rather than
 * smooth motion, and `ended` — the browser's own "Stop sharing" — reported to `onEnded`. Null when refused,
 * after `error` was told why.
 */
export async function captureScreen(fps: number, onEnded: (stream: MediaStream) => void, error: (message: string) => void): Promise<MediaStream | null> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: fps, max: 30 } }, audio: false });
  } catch (err) {
    error(describeScreenError(err));
    return null;
  }
  const track = stream.getVideoTracks()[0];
  if (!track) {
    stream.getTracks().forEach((t) => t.stop());
    return null;
  }
  track.contentHint = 'detail';
  track.addEventListener('ended', () => onEnded(stream));
  return stream;
}
