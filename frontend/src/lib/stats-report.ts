// The desktop app's `--stats`: once a second the page builds a StatsReport (one entry per other participant,
// and our local media state) and hands it to the app, which prints it as JSON lines. Pure building here; the
// reporter only schedules it.
import type { LocalTracks, PeerStat } from './engine/types';
import type { LocalStatsEntry, RemoteStatsEntry, StatsReport, TrackReport } from './desktop';
import type { RoomState } from './room-state';

/** The last camera framesDecoded seen per peer, for a frame rate where the engine gives none. */
export type FrameSamples = ReadonlyMap<string, { framesDecoded: number; at: number }>;

export interface StatsInput {
  room: RoomState;
  /** The engine's stats() now (empty where the engine has no media, e.g. the Linux webview today). */
  stats: readonly PeerStat[];
  tracks: LocalTracks;
  /** Date.now() of this sample. */
  now: number;
  previous?: FrameSamples;
  /** Glass-to-glass samples per peer since the last report (the benchmark only). */
  glass?: Readonly<Record<string, number[]>>;
}

export function trackReport(t: MediaStreamTrack | null | undefined): TrackReport {
  if (!t) return { live: false, label: '' };
  return { live: t.readyState === 'live' && t.enabled, label: t.label ?? '' };
}

const round = (n: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Builds the report, and the frame samples to pass as `previous` next time. */
export function buildStatsReport(input: StatsInput): { report: StatsReport; samples: Map<string, { framesDecoded: number; at: number }> } {
  const { room, stats, tracks, now, previous, glass } = input;
  const samples = new Map<string, { framesDecoded: number; at: number }>();
  const peers: RemoteStatsEntry[] = room.peers.map((p) => {
    const video = stats.find((s) => s.peerId === p.id && s.kind === 'camera') ?? stats.find((s) => s.peerId === p.id && s.kind === 'screen');
    const audio = stats.find((s) => s.peerId === p.id && s.kind === 'audio');
    const framesDecoded = video?.framesDecoded ?? 0;
    let fps = video?.fps ?? 0;
    const prev = previous?.get(p.id);
    if (!fps && prev && now > prev.at && framesDecoded >= prev.framesDecoded) {
      fps = ((framesDecoded - prev.framesDecoded) * 1000) / (now - prev.at);
    }
    if (video) samples.set(p.id, { framesDecoded, at: now });
    const glassMs = glass?.[p.id];
    return {
      ...(glassMs && glassMs.length > 0 ? { glassMs } : {}),
      ...(typeof audio?.underruns === 'number' ? { audioUnderruns: audio.underruns } : {}),
      ...(typeof audio?.jitterDelayMs === 'number' ? { audioDelayMs: audio.jitterDelayMs } : {}),
      peer: p.id,
      name: p.name,
      framesDecoded,
      fps: round(fps, 1),
      width: video?.width ?? 0,
      height: video?.height ?? 0,
      audioLevel: round(audio?.rms ?? 0, 4),
      rttMs: round(video?.rttMs ?? audio?.rttMs ?? 0, 1),
    };
  });
  const local: LocalStatsEntry = {
    camera: trackReport(tracks.video),
    microphone: trackReport(tracks.audio),
    screen: trackReport(tracks.screen),
    peers: room.phase === 'left' ? 0 : room.peers.length,
    chatMessages: room.chat.length,
  };
  return { report: { peers, local }, samples };
}

export interface StatsSource {
  room(): RoomState;
  stats(): Promise<PeerStat[]>;
  tracks(): LocalTracks;
  /** Glass-to-glass samples gathered since the last call (the benchmark only). */
  glass?(): Record<string, number[]>;
}

/**
 * Reports every `intervalMs` until stopped. A sample whose stats() has not answered yet is skipped rather than
 * queued. Returns the stop function.
 */
export function startStatsReporter(source: StatsSource, report: (r: StatsReport) => void, intervalMs = 1000, now: () => number = Date.now): () => void {
  let previous: FrameSamples | undefined;
  let busy = false;
  let stopped = false;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const stats = await source.stats().catch(() => [] as PeerStat[]);
      if (stopped) return;
      const { report: r, samples } = buildStatsReport({
        room: source.room(), stats, tracks: source.tracks(), now: now(), previous, glass: source.glass?.(),
      });
      previous = samples;
      report(r);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  void tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
