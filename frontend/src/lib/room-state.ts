// The state of one room as this client sees it, as a pure reducer: no socket, no DOM, easy to test. The
// session (session.ts) feeds it protocol events; the views render it.
import { mergeChat } from './chat';
import type { ChatMessage, IceServer, JoinResult, MediaState, Participant } from './protocol';
import { HOST_STOPPED, type ConnectionState } from './signaling';

/**
 * `joining`: waiting for the join ack. `joined`: in the room. `rejoining`: the connection dropped (or came
 * back and the join is being sent again). `left`: the user left, or the server ended the session.
 */
export type RoomPhase = 'joining' | 'joined' | 'rejoining' | 'left';

export interface RoomState {
  phase: RoomPhase;
  room: string;
  cap: number;
  self: Participant | null;
  /** The other members, in the order they joined. */
  peers: readonly Participant[];
  chat: readonly ChatMessage[];
  iceServers: readonly IceServer[];
  connection: ConnectionState;
  /** A sentence for a banner (connection lost, server shutting down, …), or "". */
  notice: string;
}

export type RoomAction =
  | { type: 'joined'; result: JoinResult }
  | { type: 'peer-joined'; peer: Participant }
  | { type: 'peer-left'; id: string; reason: string }
  | { type: 'peer-state'; id: string; state: MediaState }
  | { type: 'chat'; messages: readonly ChatMessage[] }
  | { type: 'connection'; state: ConnectionState }
  | { type: 'server-closing'; reason: string }
  | { type: 'notice'; text: string }
  | { type: 'left'; notice?: string };

const SERVER_CLOSING = 'The server is shutting down.';
export const HOST_ENDED = 'The host ended the room.';

export function initialRoomState(room: string): RoomState {
  return {
    phase: 'joining',
    room,
    cap: 0,
    self: null,
    peers: [],
    chat: [],
    iceServers: [],
    connection: 'connected',
    notice: '',
  };
}

export function reduceRoom(s: RoomState, a: RoomAction): RoomState {
  switch (a.type) {
    case 'joined': {
      const { result } = a;
      return {
        ...s,
        phase: 'joined',
        room: result.room.name || s.room,
        cap: result.room.cap,
        self: result.self,
        peers: uniquePeers(result.peers.filter((p) => p.id !== result.self.id)),
        chat: mergeHistory(s.chat, result.chat),
        iceServers: result.iceServers,
        notice: '',
      };
    }
    case 'peer-joined': {
      if (s.phase === 'left' || a.peer.id === s.self?.id || s.peers.some((p) => p.id === a.peer.id)) return s;
      return { ...s, peers: [...s.peers, a.peer] };
    }
    case 'peer-left': {
      if (!s.peers.some((p) => p.id === a.id)) return s;
      return { ...s, peers: s.peers.filter((p) => p.id !== a.id) };
    }
    case 'peer-state': {
      // A peer-state for someone we do not list (yet) is dropped: its join ack or peer-joined carries the state.
      if (!s.peers.some((p) => p.id === a.id)) return s;
      return { ...s, peers: s.peers.map((p) => (p.id === a.id ? { ...p, state: a.state } : p)) };
    }
    case 'chat': {
      const chat = mergeChat(s.chat, a.messages);
      return chat === s.chat ? s : { ...s, chat };
    }
    case 'connection': {
      if (s.phase === 'left') return { ...s, connection: a.state };
      if (a.state === 'reconnecting') {
        // Our old socket is gone: the others see us leave, and we cannot know who comes and goes until we
        // are back. Keep the last known list on screen, marked as stale by the notice.
        const notice = s.notice === SERVER_CLOSING ? 'The server shut down. Reconnecting…' : 'Connection lost. Reconnecting…';
        return { ...s, connection: a.state, phase: 'rejoining', notice };
      }
      if (a.state === 'closed') {
        if (s.notice === HOST_ENDED) return { ...s, connection: a.state, phase: 'left', peers: [] };
        return { ...s, connection: a.state, phase: 'left', notice: s.notice || 'Disconnected from the server.' };
      }
      return { ...s, connection: a.state };
    }
    case 'server-closing':
      // host-stopped: the desktop app that hosted the room stopped; the connection closes for good.
      if (a.reason === HOST_STOPPED) return { ...s, notice: HOST_ENDED };
      return { ...s, notice: SERVER_CLOSING };
    case 'notice':
      return { ...s, notice: a.text };
    case 'left':
      return { ...s, phase: 'left', peers: [], notice: a.notice ?? s.notice };
  }
}

export interface ParticipantView extends Participant {
  isSelf: boolean;
}

/** Everyone in the room for display: yourself first, then the others in the order they joined. */
export function participants(s: RoomState): ParticipantView[] {
  const out: ParticipantView[] = [];
  if (s.self) out.push({ ...s.self, isSelf: true });
  for (const p of s.peers) out.push({ ...p, isSelf: false });
  return out;
}

/**
 * History from a join ack merged into what we have. When we rejoin after a reconnection the room may have
 * emptied and been created anew, restarting message ids: if any id we know carries a different message, the
 * old history belongs to a room that no longer exists and is replaced.
 */
function mergeHistory(old: readonly ChatMessage[], fresh: readonly ChatMessage[]): readonly ChatMessage[] {
  // A room that still exists keeps its history (the last 200 messages), so an empty one is a new room.
  if (old.length === 0 || fresh.length === 0) return mergeChat([], fresh);
  const byId = new Map(old.map((m) => [m.id, m]));
  const conflict = fresh.some((m) => {
    const o = byId.get(m.id);
    return o !== undefined && (o.ts !== m.ts || o.from !== m.from || o.text !== m.text);
  });
  if (conflict) return mergeChat([], fresh);
  return mergeChat(old, fresh);
}

function uniquePeers(peers: readonly Participant[]): Participant[] {
  const seen = new Set<string>();
  return peers.filter((p) => !seen.has(p.id) && (seen.add(p.id), true));
}
