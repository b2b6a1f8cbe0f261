import { afterEach, describe, expect, it, vi } from 'vitest';
import { IceRestarter } from './ice-restart';

afterEach(() => vi.useRealTimers());

describe('IceRestarter', () => {
  it('restarts ICE once on failure and reports failure after the grace period', () => {
    vi.useFakeTimers();
    const restartIce = vi.fn();
    const failed = vi.fn();
    const r = new IceRestarter({ restartIce, failed, graceMs: 1000 });
    r.stateChanged('connected');
    expect(failed).toHaveBeenLastCalledWith(false);
    r.stateChanged('failed');
    r.stateChanged('failed');
    expect(restartIce).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(999);
    expect(failed).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(failed).toHaveBeenLastCalledWith(true);
  });

  it('is satisfied when the restart reconnects in time, and silent once closed', () => {
    vi.useFakeTimers();
    const restartIce = vi.fn();
    const failed = vi.fn();
    const r = new IceRestarter({ restartIce, failed, graceMs: 1000 });
    r.stateChanged('failed');
    r.stateChanged('connected');
    vi.advanceTimersByTime(5000);
    expect(failed.mock.calls).toEqual([[false]]);
    r.stateChanged('failed');
    r.close();
    vi.advanceTimersByTime(5000);
    expect(failed.mock.calls).toEqual([[false]]);
    expect(restartIce).toHaveBeenCalledTimes(2);
  });
});
