// What this participant sends, as the view sees it (LocalMediaState), computed from the captured tracks: the
// same for every engine. (BrowserEngine has its own copy of these two functions for now; it can switch here.)
import type { LocalMediaState } from './types';

/** A fresh video-only stream for the self preview, so the view re-attaches it when the camera changes. */
function preview(video: MediaStreamTrack | null): MediaStream | null {
  return video ? new MediaStream([video]) : null;
}

/** The state right after capture: whatever was captured is on. */
export function initialLocal(audio: MediaStreamTrack | null, video: MediaStreamTrack | null): LocalMediaState {
  return {
    mic: !!audio,
    camera: !!video,
    screen: false,
    hasMic: !!audio,
    hasCamera: !!video,
    cameraStream: preview(video),
    screenStream: null,
    micDeviceId: audio?.getSettings().deviceId ?? '',
    cameraDeviceId: video?.getSettings().deviceId ?? '',
  };
}

/** The state after `change`, with the preview and device ids following the current tracks. */
export function nextLocal(
  state: LocalMediaState,
  change: Partial<LocalMediaState>,
  audio: MediaStreamTrack | null,
  video: MediaStreamTrack | null,
): LocalMediaState {
  const next = { ...state, ...change };
  if (!video) next.cameraStream = null;
  else if (!state.cameraStream || state.cameraStream.getVideoTracks()[0] !== video) next.cameraStream = preview(video);
  next.micDeviceId = audio?.getSettings().deviceId ?? '';
  next.cameraDeviceId = video?.getSettings().deviceId ?? '';
  return next;
}
