// What a mesh connection does when it fails while signaling still works: restart ICE once (both sides do; the
// negotiator sorts out the two offers) and give the restart a grace period before reporting the peer as failed
// for good. Shared by the engines: it only needs the connection's state changes and a way to restart.
import type { PeerConnectionState } from './types';

/** How long an ICE restart may take before the connection is reported as failed for good. */
export const RESTART_GRACE_MS = 12000;

export interface IceRestartOptions {
  restartIce(): void;
  /** true: failed for good (after the grace period); false: connected again. */
  failed(failed: boolean): void;
  graceMs?: number;
}

export class IceRestarter {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private state: PeerConnectionState = 'new';
  private closed = false;

  constructor(private readonly opts: IceRestartOptions) {}

  /** Call with every connection state change. */
  stateChanged(state: PeerConnectionState): void {
    if (this.closed) return;
    this.state = state;
    if (state === 'connected') {
      this.clear();
      this.opts.failed(false);
    } else if (state === 'failed' && !this.timer) {
      this.opts.restartIce();
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.closed && this.state !== 'connected') this.opts.failed(true);
      }, this.opts.graceMs ?? RESTART_GRACE_MS);
    }
  }

  close(): void {
    this.closed = true;
    this.clear();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
