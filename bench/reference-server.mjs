#!/usr/bin/env node
// The reference signaling server for the benchmark: the classic Node way, npm socket.io@4, implementing the
// same relay as docs/PROTOCOL.md (join / signal / chat / leave, peer-joined / peer-left, room chat history) with
// the same connection settings as parley-server. No rate limits (parley-server runs with --rate-limits=false).
//
//   node reference-server.mjs [--addr 127.0.0.1:0]
//
// Prints `listening on http://127.0.0.1:PORT` as its first line of stdout.
import http from 'node:http';
import { Server } from 'socket.io';

function parseArgs(argv) {
  let addr = '127.0.0.1:0';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--addr') addr = argv[++i];
    else if (a.startsWith('--addr=')) addr = a.slice('--addr='.length);
    else if (a === '-h' || a === '--help') {
      console.log('usage: reference-server.mjs [--addr host:port]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`bad --addr ${addr}`);
  return { host: addr.slice(0, i) || '127.0.0.1', port: Number(addr.slice(i + 1)) };
}

const ROOM_RE = /^[A-Za-z0-9._-]{1,64}$/;
// Control characters (C0, DEL, C1) and bidi overrides/isolates.
const NAME_BAD_RE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const TEXT_BAD_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const KINDS = new Set(['offer', 'answer', 'candidate', 'renegotiate', 'bye']);
const ROOM_CAP = 16;
const HISTORY = 200;
const MAX_DATA = 64 * 1024;
const MAX_TEXT = 2000;
const ICE_SERVERS = [];

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const cpLen = (s) => { let n = 0; for (const _ of s) n++; return n; };
const err = (code, message) => ({ ok: false, error: { code, message } });

/** rooms: name → { name, password, members: Map<id, {id, name, socket}>, chat: [], nextId } */
const rooms = new Map();

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    let participants = 0;
    for (const r of rooms.values()) participants += r.members.size;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, rooms: rooms.size, participants, version: 'reference' }));
    return;
  }
  res.writeHead(404);
  res.end();
});

const io = new Server(server, {
  pingInterval: 3000,
  pingTimeout: 5000,
  maxHttpBufferSize: 128 * 1024,
  serveClient: false,
  cors: { origin: true },
});

function leaveRoom(socket, reason) {
  const room = socket.data.room;
  if (!room) return false;
  socket.data.room = null;
  room.members.delete(socket.id);
  socket.leave(room.name);
  if (room.members.size === 0) rooms.delete(room.name);
  else socket.to(room.name).emit('peer-left', { id: socket.id, reason });
  return true;
}

io.on('connection', (socket) => {
  socket.data.room = null;

  socket.on('join', (p, ack) => {
    if (typeof ack !== 'function') return;
    if (!isObj(p) || typeof p.room !== 'string' || typeof p.name !== 'string') return ack(err('bad-request', 'join needs {room, name}'));
    if (!ROOM_RE.test(p.room)) return ack(err('bad-request', 'bad room name'));
    const name = p.name.trim();
    const nlen = cpLen(name);
    if (nlen < 1 || nlen > 40 || NAME_BAD_RE.test(name)) return ack(err('bad-request', 'bad name'));
    const password = p.password === undefined ? '' : p.password;
    if (typeof password !== 'string' || cpLen(password) > 128) return ack(err('bad-request', 'bad password'));
    if (socket.data.room) return ack(err('already-in-room', 'leave first'));
    let room = rooms.get(p.room);
    if (!room) {
      room = { name: p.room, password, members: new Map(), chat: [], nextId: 1 };
      rooms.set(p.room, room);
    } else {
      if (room.members.size >= ROOM_CAP) return ack(err('room-full', 'room is full'));
      if (room.password !== password) return ack(err('wrong-password', 'wrong password'));
    }
    const peers = [];
    for (const m of room.members.values()) peers.push({ id: m.id, name: m.name });
    room.members.set(socket.id, { id: socket.id, name });
    socket.data.room = room;
    socket.data.name = name;
    socket.to(room.name).emit('peer-joined', { id: socket.id, name });
    socket.join(room.name);
    ack({
      ok: true,
      self: { id: socket.id, name },
      peers,
      chat: room.chat.slice(),
      iceServers: ICE_SERVERS,
      room: { name: room.name, cap: ROOM_CAP },
    });
  });

  socket.on('signal', (p, ack) => {
    if (typeof ack !== 'function') return;
    if (!isObj(p) || typeof p.to !== 'string' || typeof p.kind !== 'string' || !('data' in p)) return ack(err('bad-request', 'signal needs {to, kind, data}'));
    if (!KINDS.has(p.kind)) return ack(err('bad-request', 'bad kind'));
    if (p.to === socket.id) return ack(err('bad-request', 'cannot signal yourself'));
    const room = socket.data.room;
    if (!room) return ack(err('not-in-room', 'join first'));
    if (!room.members.has(p.to)) return ack(err('unknown-peer', 'no such member'));
    const size = Buffer.byteLength(JSON.stringify(p.data) ?? '');
    if (size > MAX_DATA) return ack(err('too-large', 'data over 64 KiB'));
    io.to(p.to).emit('signal', { from: socket.id, kind: p.kind, data: p.data });
    ack({ ok: true });
  });

  socket.on('chat', (p, ack) => {
    if (typeof ack !== 'function') return;
    if (!isObj(p) || typeof p.text !== 'string') return ack(err('bad-request', 'chat needs {text}'));
    const room = socket.data.room;
    if (!room) return ack(err('not-in-room', 'join first'));
    const len = cpLen(p.text);
    if (len > MAX_TEXT) return ack(err('too-large', 'text over 2000 characters'));
    if (len < 1 || p.text.trim() === '' || TEXT_BAD_RE.test(p.text)) return ack(err('bad-request', 'bad text'));
    const message = { id: room.nextId++, from: socket.id, name: socket.data.name, text: p.text, ts: Date.now() };
    room.chat.push(message);
    if (room.chat.length > HISTORY) room.chat.shift();
    io.to(room.name).emit('chat', message);
    ack({ ok: true, message });
  });

  socket.on('leave', (...args) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') return;
    if (!leaveRoom(socket, 'left')) return ack(err('not-in-room', 'not in a room'));
    ack({ ok: true });
  });

  socket.onAny((event, ...args) => {
    if (['join', 'signal', 'chat', 'leave'].includes(event)) return;
    const ack = args[args.length - 1];
    if (typeof ack === 'function') ack(err('unknown-event', `no such request: ${event}`));
  });

  socket.on('disconnect', () => leaveRoom(socket, 'disconnected'));
});

const { host, port } = parseArgs(process.argv.slice(2));
server.listen(port, host, () => {
  const a = server.address();
  process.stdout.write(`listening on http://${a.address}:${a.port}\n`);
});

function shutdown() {
  io.emit('server-closing', { reason: 'shutdown' });
  io.close();
  setTimeout(() => process.exit(0), 300);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
