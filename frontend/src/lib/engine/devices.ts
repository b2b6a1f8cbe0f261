// Capture devices for every engine: listing them, and opening one for a switch mid-call. (BrowserEngine has its
// own copy of both for now; it can switch here.)
import { AUDIO_CONSTRAINTS, VIDEO_CONSTRAINTS } from './capture';
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
