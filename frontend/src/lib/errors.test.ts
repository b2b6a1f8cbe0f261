import { describe, expect, it } from 'vitest';
import { SignalingError, describeCode, describeError, isServerErrorCode } from './errors';
import { CLIENT_ERROR_CODES, SERVER_ERROR_CODES } from './protocol';

describe('error messages', () => {
  it('has a distinct human sentence for every code', () => {
    const all = [...SERVER_ERROR_CODES, ...CLIENT_ERROR_CODES];
    const sentences = all.map((c) => describeCode(c));
    for (const [i, s] of sentences.entries()) {
      expect(s, all[i]).toMatch(/^[A-Z].*[.?!]$/);
      expect(s, all[i]).not.toContain(all[i]); // no raw codes shown to people
    }
    expect(new Set(sentences).size).toBe(all.length);
  });

  it('explains the lobby failures', () => {
    expect(describeError(new SignalingError('room-full', 'room is full', 'join'))).toMatch(/full/);
    expect(describeError(new SignalingError('wrong-password', 'nope', 'join'))).toMatch(/[Ww]rong password/);
    expect(describeError(new SignalingError('unreachable', 'xhr poll error', 'connect'))).toMatch(/reach the server/);
    expect(describeError(new SignalingError('timeout', 'operation has timed out', 'join'))).toMatch(/did not answer/);
  });

  it('includes the detail of bad requests and invalid input', () => {
    expect(describeError(new SignalingError('bad-request', 'name: 1 to 40 characters', 'join'))).toBe(
      'The server refused the request: name: 1 to 40 characters',
    );
    expect(describeError(new SignalingError('invalid-input', 'Enter your name.', 'join'))).toBe('Enter your name.');
  });

  it('is specific about long chat messages', () => {
    expect(describeError(new SignalingError('too-large', '', 'chat'))).toMatch(/2000/);
    expect(describeError(new SignalingError('too-large', '', 'signal'))).not.toMatch(/2000/);
  });

  it('handles foreign errors', () => {
    expect(describeError(new Error('boom'))).toBe('Something went wrong: boom');
    expect(describeError('??')).toBe('Something went wrong.');
  });

  it('recognises server codes', () => {
    expect(isServerErrorCode('room-full')).toBe(true);
    expect(isServerErrorCode('unreachable')).toBe(false);
    expect(isServerErrorCode(42)).toBe(false);
  });
});
