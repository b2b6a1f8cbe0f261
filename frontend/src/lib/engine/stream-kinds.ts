// Which remote stream is a camera and which a shared screen. Both are plain video to WebRTC, so each side
// sends, with every offer and answer, a map of its own stream ids to what they carry; the receiver looks up
// the stream id of an arriving track (msid) in the sender's latest map.
import type { StreamKind } from './types';

export type StreamMap = Record<string, StreamKind>;

/** This side's map, from its current camera and screen streams (either may be absent). */
export function localStreamMap(cameraStreamId: string | null | undefined, screenStreamId: string | null | undefined): StreamMap {
  const map: StreamMap = {};
  if (cameraStreamId) map[cameraStreamId] = 'camera';
  if (screenStreamId) map[screenStreamId] = 'screen';
  return map;
}

/** A map received from the network: unknown values and non-string keys are dropped. */
export function parseStreamMap(v: unknown): StreamMap {
  const map: StreamMap = {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return map;
  for (const [id, kind] of Object.entries(v as Record<string, unknown>)) {
    if (id && (kind === 'camera' || kind === 'screen')) map[id] = kind;
  }
  return map;
}

/**
 * What a remote stream carries. A stream missing from the map is the camera: a peer that sends a screen always
 * announces it, and an unannounced stream must still be shown.
 */
export function kindOfStream(map: StreamMap, streamId: string | undefined): StreamKind {
  return streamId !== undefined && map[streamId] === 'screen' ? 'screen' : 'camera';
}
