// The desktop shell's bindings (Wails), used only when the page runs inside the Parley app. Wails injects
// `window.go.<package>.<Type>.<Method>` before the page's scripts run; in a browser there is no `window.go`.

interface AppBindings {
  FrontendReady?: (view: string) => Promise<void>;
}

function appBindings(): AppBindings | undefined {
  const w = globalThis as unknown as { go?: { app?: { App?: AppBindings } } };
  return w.go?.app?.App;
}

/** Whether the page runs in the desktop app (its bindings are present). */
export function inDesktopApp(): boolean {
  return typeof (globalThis as { go?: unknown }).go === 'object';
}

/**
 * Tells the app which view is on screen ("lobby", "room"): it logs it, and the desktop smoke test waits for
 * "frontend ready: lobby". Does nothing outside the app.
 */
export function notifyFrontendReady(view: string): void {
  if (!inDesktopApp()) return;
  // After the next frame has been painted, so that "ready" means "on screen".
  const raf = globalThis.requestAnimationFrame ?? ((f: () => void) => setTimeout(f, 16));
  raf(() => raf(() => callReady(view)));
}

function callReady(view: string): void {
  let tries = 0;
  const attempt = () => {
    const fn = appBindings()?.FrontendReady;
    if (typeof fn === 'function') {
      fn(view).catch((err: unknown) => console.warn('FrontendReady failed', err));
    } else if (++tries < 50) {
      setTimeout(attempt, 100); // bindings not set up yet
    }
  };
  attempt();
}
