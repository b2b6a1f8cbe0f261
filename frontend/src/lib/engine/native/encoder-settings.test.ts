import { describe, expect, it } from 'vitest';
import { FrameRateGate, sampleDuration, scaledSize } from './encoder-settings';
import { RtpUnwrapper, ticksToUs } from './rtp-time';

describe('scaledSize', () => {
  it('divides and rounds to even sizes', () => {
    expect(scaledSize(640, 480, 1)).toEqual({ width: 640, height: 480 });
    expect(scaledSize(640, 480, 2)).toEqual({ width: 320, height: 240 });
    expect(scaledSize(640, 480, 4)).toEqual({ width: 160, height: 120 });
    expect(scaledSize(1366, 768, 4)).toEqual({ width: 342, height: 192 });
    expect(scaledSize(1920, 1080, 4)).toEqual({ width: 480, height: 270 });
    expect(scaledSize(333, 201, 1)).toEqual({ width: 334, height: 202 });
    expect(scaledSize(3, 3, 4)).toEqual({ width: 2, height: 2 });
  });
});

describe('FrameRateGate', () => {
  const run = (sourceFps: number, targetFps: number, seconds = 2, jitterUs = 0) => {
    const gate = new FrameRateGate(targetFps);
    let kept = 0;
    const n = sourceFps * seconds;
    for (let i = 0; i < n; i++) if (gate.accept(Math.round((i * 1e6) / sourceFps) + (i % 2 ? jitterUs : -jitterUs))) kept++;
    return kept / seconds;
  };
  it('decimates to the target rate', () => {
    expect(run(30, 30)).toBe(30);
    expect(run(30, 15)).toBe(15);
    expect(run(30, 10)).toBe(10);
    expect(run(30, 60)).toBe(30);
    expect(run(30, 15, 2, 3000)).toBe(15);
    expect(Math.abs(run(29.97, 24) - 24)).toBeLessThan(1);
  });
  it('restarts after a jump instead of bursting', () => {
    const gate = new FrameRateGate(10);
    expect(gate.accept(0)).toBe(true);
    expect(gate.accept(10_000_000)).toBe(true);
    expect(gate.accept(10_033_000)).toBe(false);
    expect(gate.accept(10_100_000)).toBe(true);
  });
});

describe('sampleDuration', () => {
  it('is the gap before the frame, clamped, and nominal for the first', () => {
    expect(sampleDuration(1000, null, 30)).toBe(33_333);
    expect(sampleDuration(66_000, 33_000, 30)).toBe(33_000);
    expect(sampleDuration(33_000, 33_000, 30)).toBe(1_000);
    expect(sampleDuration(10_000_000, 0, 30)).toBe(500_000);
  });
});

describe('RtpUnwrapper', () => {
  it('continues across the 32-bit wrap, both ways', () => {
    const u = new RtpUnwrapper();
    expect(u.unwrap(0xffff_ff00)).toBe(0xffff_ff00);
    expect(u.unwrap(0x0000_0100)).toBe(0x1_0000_0100);
    expect(u.unwrap(0xffff_ff80)).toBe(0xffff_ff80); // a late one from before the wrap
    expect(u.unwrap(0x0000_0200)).toBe(0x1_0000_0200);
    expect(ticksToUs(90_000 + 3000, 3000, 90_000)).toBe(1_000_000);
  });
});
