// Capturing the camera and microphone, with fallbacks: a person without a camera, or who refuses it, still
// joins — with audio only, video only, or receiving only — and is told which. Shared by every engine (the
// native engine captures in the page too).

export interface Captured {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  /** What to tell the person about what is missing, or "" when both were captured. */
  note: string;
}

/** Capture constraints: 640×480@30 is what a mesh of a few peers sustains on modest machines. */
export const VIDEO_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } };
export const AUDIO_CONSTRAINTS: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

type Devices = Pick<MediaDevices, 'getUserMedia'>;

export async function captureLocalMedia(devices: Devices | undefined = globalThis.navigator?.mediaDevices): Promise<Captured> {
  if (!devices?.getUserMedia) {
    return { audio: null, video: null, note: describeCapture(false, false, 'unsupported', 'unsupported') };
  }
  try {
    const s = await devices.getUserMedia({ audio: AUDIO_CONSTRAINTS, video: VIDEO_CONSTRAINTS });
    return { audio: s.getAudioTracks()[0] ?? null, video: s.getVideoTracks()[0] ?? null, note: '' };
  } catch (both) {
    // One of the two is missing or refused: try each alone, so that the other still works.
    const [a, v] = await Promise.all([
      one(devices, { audio: AUDIO_CONSTRAINTS }),
      one(devices, { video: VIDEO_CONSTRAINTS }),
    ]);
    const audio = a.track;
    const video = v.track;
    const fallback = errorName(both);
    return { audio, video, note: describeCapture(!!audio, !!video, a.error ?? fallback, v.error ?? fallback) };
  }
}

async function one(devices: Devices, c: MediaStreamConstraints): Promise<{ track: MediaStreamTrack | null; error?: string }> {
  try {
    const s = await devices.getUserMedia(c);
    return { track: s.getTracks()[0] ?? null };
  } catch (err) {
    return { track: null, error: errorName(err) };
  }
}

/** The DOMException name of a capture failure ("NotAllowedError", …), or "Error". */
export function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string'
    ? (err as { name: string }).name
    : 'Error';
}

/** Why a device is missing, in words, from a getUserMedia error name. */
export function reason(name: string): 'denied' | 'missing' | 'busy' | 'unsupported' | 'failed' {
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'DevicesNotFoundError':
      return 'missing';
    case 'NotReadableError':
    case 'AbortError':
    case 'TrackStartError':
      return 'busy';
    case 'unsupported':
    case 'TypeError':
      return 'unsupported';
    default:
      return 'failed';
  }
}

/** The sentence for what was captured. Names are the getUserMedia error names of what failed. */
export function describeCapture(gotAudio: boolean, gotVideo: boolean, audioError = '', videoError = ''): string {
  if (gotAudio && gotVideo) return '';
  const why = (name: string, device: string) => {
    switch (reason(name)) {
      case 'denied':
        return `Permission to use the ${device} was denied`;
      case 'missing':
        return `No ${device} was found`;
      case 'busy':
        return `The ${device} is in use by another application or could not start`;
      case 'unsupported':
        return `This browser cannot use a ${device} here (camera and microphone need https or localhost)`;
      default:
        return `The ${device} could not be started`;
    }
  };
  if (!gotAudio && !gotVideo) {
    const a = reason(audioError);
    const same = a === reason(videoError);
    const cause =
      same && a === 'denied'
        ? 'Permission to use the camera and microphone was denied'
        : same && a === 'missing'
          ? 'No camera or microphone was found'
          : same && a === 'unsupported'
            ? why(audioError, 'camera or microphone')
            : `${why(videoError, 'camera')}, and ${why(audioError, 'microphone').replace(/^T/, 't').replace(/^N/, 'n').replace(/^P/, 'p')}`;
    return `${cause}: you joined without camera and microphone. You can still see and hear the others.`;
  }
  if (!gotVideo) return `${why(videoError, 'camera')}: you joined with audio only.`;
  return `${why(audioError, 'microphone')}: you joined with video only. The others cannot hear you.`;
}

/** A sentence for a failed getDisplayMedia. */
export function describeScreenError(err: unknown): string {
  const name = errorName(err);
  if (name === 'NotAllowedError') return 'Screen sharing did not start: it was cancelled or is not allowed.';
  if (name === 'NotSupportedError' || name === 'TypeError') return 'This browser cannot share the screen here.';
  if (name === 'NotReadableError' || name === 'AbortError') return 'The screen could not be captured.';
  return 'Screen sharing failed to start.';
}

/** A sentence for a failed device switch. */
export function describeDeviceError(err: unknown, device: 'camera' | 'microphone'): string {
  switch (reason(errorName(err))) {
    case 'denied':
      return `Permission to use that ${device} was denied.`;
    case 'missing':
      return `That ${device} is no longer available.`;
    case 'busy':
      return `That ${device} is in use by another application.`;
    default:
      return `Could not switch the ${device}.`;
  }
}
