// Errors of the signaling client, and what to tell people about them.
import { SERVER_ERROR_CODES, type ErrorCode, type ServerErrorCode } from './protocol';

/** A failed request or connection. `code` is stable (branch on it); `message` is the server's or ours. */
export class SignalingError extends Error {
  readonly code: ErrorCode;
  /** The request that failed, e.g. "join"; "connect" for connection failures. */
  readonly request: string;

  constructor(code: ErrorCode, message: string, request = '') {
    super(message || code);
    this.name = 'SignalingError';
    this.code = code;
    this.request = request;
  }
}

export function isServerErrorCode(code: unknown): code is ServerErrorCode {
  return typeof code === 'string' && (SERVER_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * A sentence for people about an error. For `bad-request` and `invalid-input` the detail (the server's or the
 * validator's message) says which field is wrong, so it is appended.
 */
export function describeError(err: unknown): string {
  if (err instanceof SignalingError) {
    return describeCode(err.code, err.message, err.request);
  }
  if (err instanceof Error && err.message) {
    return `Something went wrong: ${err.message}`;
  }
  return 'Something went wrong.';
}

export function describeCode(code: ErrorCode, detail = '', request = ''): string {
  switch (code) {
    case 'room-full':
      return 'This room is full. Try another room name, or ask someone to leave.';
    case 'wrong-password':
      return 'Wrong password for this room.';
    case 'already-in-room':
      return 'You are already in a room. Leave it first.';
    case 'not-in-room':
      return 'You are no longer in the room. Join it again.';
    case 'unknown-peer':
      return 'That participant has left the room.';
    case 'too-large':
      return request === 'chat' ? 'That message is too long (at most 2000 characters).' : 'That message is too large to send.';
    case 'rate-limited':
      return 'Slow down: too many requests. Wait a moment and try again.';
    case 'unknown-event':
      return 'The server does not understand this request: it may run a different version of Parley.';
    case 'bad-request':
      return detail && detail !== code ? `The server refused the request: ${detail}` : 'The server refused the request.';
    case 'invalid-input':
      return detail || 'Please check what you typed.';
    case 'unreachable':
      return "Can't reach the server. Check the address, and that the server is running and reachable from here.";
    case 'timeout':
      return 'The server did not answer in time. Check your connection and try again.';
    case 'disconnected':
      return 'The connection to the server was lost.';
    case 'bad-response':
      return 'The server sent an answer Parley does not understand: is this a Parley server?';
  }
}
