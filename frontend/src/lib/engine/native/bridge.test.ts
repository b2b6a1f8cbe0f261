import { afterEach, describe, expect, it, vi } from 'vitest';
import { BridgeClient, STOPPED_MESSAGE, bridgeURL, type SocketLike } from './bridge';
import { encodeFrame, decodeSampleHeader } from './frames';
import { parseIncoming } from './messages';

class FakeSocket implements SocketLike {
  binaryType = 'blob';
  readyState = 0;
  bufferedAmount = 0;
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  readonly sent: (string | ArrayBuffer)[] = [];
  closedWith: number | undefined;

  constructor(readonly url: string) {}

  send(data: string | ArrayBuffer): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  // The Go side:
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason });
  }
  deliver(data: unknown): void {
    this.onmessage?.({ data: typeof data === 'object' && !(data instanceof ArrayBuffer) ? JSON.stringify(data) : data });
  }
  requests(): Record<string, unknown>[] {
    return this.sent.filter((s): s is string => typeof s === 'string').map((s) => JSON.parse(s));
  }
}

function setup(timeoutMs = 10_000) {
  let sock!: FakeSocket;
  const client = new BridgeClient((url) => (sock = new FakeSocket(url)), timeoutMs);
  const opened = client.connect({ url: 'ws://127.0.0.1:9/media', token: 'a b' });
  return { client, sock, opened };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => vi.useRealTimers());

describe('BridgeClient', () => {
  it('connects with the token and binary frames as ArrayBuffers', async () => {
    const { sock, opened } = setup();
    expect(sock.url).toBe('ws://127.0.0.1:9/media?token=a%20b');
    expect(sock.binaryType).toBe('arraybuffer');
    sock.open();
    await opened;
    expect(bridgeURL('ws://h/m?x=1', 't')).toBe('ws://h/m?x=1&token=t');
  });

  it('waits for the socket, then matches replies to requests by id', async () => {
    const { client, sock } = setup();
    const a = client.request('open', { peer: 'p1' });
    const b = client.request('sources', { audio: true, video: false, screen: false });
    await flush();
    expect(sock.sent).toEqual([]); // not open yet
    sock.open();
    await flush();
    const [ra, rb] = sock.requests();
    expect(ra).toEqual({ op: 'open', peer: 'p1', id: 1 });
    expect(rb).toMatchObject({ op: 'sources', id: 2, audio: true });
    sock.deliver({ op: 'reply', id: 2, streams: { s1: 'camera' } });
    sock.deliver({ op: 'reply', id: 1 });
    expect(await b).toEqual({ streams: { s1: 'camera' } });
    expect(await a).toEqual({});
  });

  it('rejects on an error reply and on a timeout', async () => {
    vi.useFakeTimers();
    const { client, sock } = setup(1000);
    sock.open();
    const bad = client.request('close', { peer: 'x' });
    const slow = client.request('stats');
    bad.catch(() => {});
    slow.catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    sock.deliver({ op: 'reply', id: 1, error: 'unknown peer' });
    await expect(bad).rejects.toThrow('unknown peer');
    await vi.advanceTimersByTimeAsync(1001);
    await expect(slow).rejects.toThrow(/timed out/);
    // A reply after the timeout is ignored.
    sock.deliver({ op: 'reply', id: 2, peers: [] });
  });

  it('rejects everything pending when the socket closes, and later requests too', async () => {
    const { client, sock } = setup();
    sock.open();
    const closed = vi.fn();
    client.on('closed', closed);
    const p = client.request('open', { peer: 'p' });
    await flush();
    sock.drop();
    await expect(p).rejects.toThrow(STOPPED_MESSAGE);
    expect(closed).toHaveBeenCalledWith({ reason: STOPPED_MESSAGE });
    await expect(client.request('open', { peer: 'p' })).rejects.toThrow(STOPPED_MESSAGE);
  });

  it('fails to connect when the socket closes before opening', async () => {
    const { client, sock, opened } = setup();
    sock.drop();
    await expect(opened).rejects.toThrow(/could not connect/);
    await expect(client.request('hello', {})).rejects.toThrow();
  });

  it('emits valid events and drops malformed ones', async () => {
    const { client, sock } = setup();
    sock.open();
    const tracks = vi.fn();
    const states = vi.fn();
    client.on('track', tracks);
    client.on('connectionstate', states);
    sock.deliver({ op: 'track', peer: 'p', track: 3, kind: 'video', streamId: 's', trackId: 't' });
    sock.deliver({ op: 'track', peer: 'p', track: 70000, kind: 'video', streamId: 's' });
    sock.deliver({ op: 'track', peer: '', track: 1, kind: 'video', streamId: 's' });
    sock.deliver({ op: 'connectionstate', peer: 'p', state: 'connected' });
    sock.deliver({ op: 'connectionstate', peer: 'p', state: 'weird' });
    sock.deliver('not json');
    expect(tracks).toHaveBeenCalledTimes(1);
    expect(tracks).toHaveBeenCalledWith({ peer: 'p', track: 3, kind: 'video', streamId: 's', trackId: 't' });
    expect(states).toHaveBeenCalledTimes(1);
  });

  it('hands binary frames to the frame handler and sends samples', async () => {
    const { client, sock } = setup();
    sock.open();
    const frames = vi.fn();
    client.onFrame(frames);
    sock.deliver(encodeFrame({ keyframe: true, gap: false, track: 5, timestamp: 90_000, data: new Uint8Array([1]) }));
    sock.deliver(new ArrayBuffer(2));
    expect(frames).toHaveBeenCalledTimes(1);
    expect(frames.mock.calls[0][0]).toMatchObject({ track: 5, keyframe: true, timestamp: 90_000 });
    client.sendSample(0, false, 20_000, new Uint8Array([4, 5]));
    expect(decodeSampleHeader(sock.sent[0] as ArrayBuffer)).toEqual({ source: 0, keyframe: false, durationUs: 20_000 });
    sock.bufferedAmount = 1234;
    expect(client.bufferedAmount).toBe(1234);
    client.close();
    expect(sock.closedWith).toBe(1000);
  });
});

describe('parseIncoming', () => {
  it('validates replies', () => {
    expect(parseIncoming('{"op":"reply","id":3,"signalingState":"stable"}')).toEqual({ reply: { id: 3, fields: { signalingState: 'stable' } } });
    expect(parseIncoming('{"op":"reply","id":3,"error":"no"}')).toEqual({ reply: { id: 3, error: 'no', fields: {} } });
    expect(parseIncoming('{"op":"reply","id":0,"error":"bad json"}')).toEqual({ event: { op: 'error', error: 'bad json' } });
    expect(parseIncoming('{"op":"reply","id":-1}')).toBeNull();
    expect(parseIncoming('{"op":"reply","id":"1"}')).toBeNull();
    expect(parseIncoming('{"op":"reply","id":1,"error":5}')).toBeNull();
    expect(parseIncoming('[1]')).toBeNull();
  });
  it('validates events', () => {
    expect(parseIncoming('{"op":"icecandidate","peer":"p","candidate":null}')).toEqual({ event: { op: 'icecandidate', peer: 'p', candidate: null } });
    expect(parseIncoming('{"op":"icecandidate","peer":"p","candidate":{"candidate":"c","sdpMid":"0","sdpMLineIndex":0}}')).toEqual({
      event: { op: 'icecandidate', peer: 'p', candidate: { candidate: 'c', sdpMid: '0', sdpMLineIndex: 0 } },
    });
    expect(parseIncoming('{"op":"icecandidate","peer":"p","candidate":{"sdpMid":"0"}}')).toBeNull();
    expect(parseIncoming('{"op":"keyframe","source":"screen"}')).toEqual({ event: { op: 'keyframe', source: 'screen' } });
    expect(parseIncoming('{"op":"keyframe","source":"audio"}')).toBeNull();
    expect(parseIncoming('{"op":"encoder","source":"video","bitrate":300000,"scale":2,"fps":15}')).toEqual({
      event: { op: 'encoder', source: 'video', bitrate: 300000, scale: 2, fps: 15 },
    });
    expect(parseIncoming('{"op":"encoder","source":"video","bitrate":300000,"scale":3,"fps":15}')).toBeNull();
    expect(parseIncoming('{"op":"encoder","source":"video","bitrate":-1,"scale":1,"fps":15}')).toBeNull();
    expect(parseIncoming('{"op":"trackended","peer":"p","track":1.5}')).toBeNull();
    expect(parseIncoming('{"op":"error","error":"short header"}')).toEqual({ event: { op: 'error', error: 'short header' } });
    expect(parseIncoming('{"op":"surprise"}')).toBeNull();
  });
});
