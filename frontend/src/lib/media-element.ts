// Attaching a MediaStream to a <video> element (a Svelte action), and the browser's autoplay policy: a page
// that has had no user gesture may not play sound. A remote tile then plays muted and `soundBlocked` is set,
// so the view can ask for one click, after which `unblockSound()` unmutes every such element. Sound that does
// not come from an element (the native engine plays through an AudioContext, which starts suspended the same
// way) registers a gate: blocked while the gate says so, opened by the same click.

const blocked = new Set<HTMLMediaElement>();
const listeners = new Set<(blocked: boolean) => void>();

interface SoundGate {
  isBlocked(): boolean;
  unblock(): void;
}
const gates = new Set<SoundGate>();

const isBlocked = () => blocked.size > 0 || [...gates].some((g) => g.isBlocked());

function notify() {
  const b = isBlocked();
  for (const fn of listeners) fn(b);
}

export function onSoundBlocked(fn: (blocked: boolean) => void): () => void {
  listeners.add(fn);
  fn(isBlocked());
  return () => listeners.delete(fn);
}

/** Call from a click handler: the user gesture is what lets the browser play sound. */
export function unblockSound(): void {
  for (const el of [...blocked]) {
    el.muted = false;
    el.play().catch(() => {});
  }
  blocked.clear();
  for (const g of gates) if (g.isBlocked()) g.unblock();
  notify();
}

/**
 * Registers sound the page plays itself. `changed()` tells the view to look again (the gate opened or closed
 * on its own); `remove()` unregisters it.
 */
export function registerSoundGate(isGateBlocked: () => boolean, unblock: () => void): { changed(): void; remove(): void } {
  const gate: SoundGate = { isBlocked: isGateBlocked, unblock };
  gates.add(gate);
  notify();
  return {
    changed: notify,
    remove() {
      if (gates.delete(gate)) notify();
    },
  };
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
