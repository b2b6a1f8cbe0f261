// Attaching a MediaStream to a <video> element (a Svelte action), and the browser's autoplay policy: a page
// that has had no user gesture may not play sound. A remote tile then plays muted and `soundBlocked` is set,
// so the view can ask for one click, after which `unblockSound()` unmutes every such element.

const blocked = new Set<HTMLMediaElement>();
const listeners = new Set<(blocked: boolean) => void>();

function notify() {
  for (const fn of listeners) fn(blocked.size > 0);
}

export function onSoundBlocked(fn: (blocked: boolean) => void): () => void {
  listeners.add(fn);
  fn(blocked.size > 0);
  return () => listeners.delete(fn);
}

export function unblockSound(): void {
  for (const el of [...blocked]) {
    el.muted = false;
    el.play().catch(() => {});
  }
  blocked.clear();
  notify();
}

export interface MediaParams {
  stream: MediaStream | null;
  /** Our own preview: never any sound. */
  muted: boolean;
}

export function mediaStream(node: HTMLVideoElement, params: MediaParams) {
  let current: MediaStream | null = null;
  const set = ({ stream, muted }: MediaParams) => {
    node.muted = muted;
    if (stream === current) return;
    current = stream;
    node.srcObject = stream;
    if (!stream) return;
    node.play().catch((err: unknown) => {
      if ((err as { name?: string }).name !== 'NotAllowedError' || muted) return;
      node.muted = true;
      blocked.add(node);
      notify();
      node.play().catch(() => {});
    });
  };
  set(params);
  return {
    update: set,
    destroy() {
      if (blocked.delete(node)) notify();
      node.srcObject = null;
    },
  };
}
