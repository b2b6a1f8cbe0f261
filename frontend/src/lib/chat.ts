// Chat history: merged by message id, which the server increments by one per message of a room.
import type { ChatMessage } from './protocol';

/** Room history kept by the client; the server keeps 200, we keep a little more for a long session. */
export const MAX_CHAT_HISTORY = 500;

/**
 * Merges messages into a history sorted by id, dropping duplicates (a message already present by id is kept
 * as it is). Returns `history` itself when nothing is new, so callers can skip re-rendering.
 */
export function mergeChat(history: readonly ChatMessage[], incoming: readonly ChatMessage[], max = MAX_CHAT_HISTORY): readonly ChatMessage[] {
  if (incoming.length === 0) return history;
  const last = history.length > 0 ? history[history.length - 1].id : -Infinity;
  // The common case: one live message newer than everything we have.
  if (incoming.length === 1 && incoming[0].id > last) {
    const out = [...history, incoming[0]];
    return out.length > max ? out.slice(out.length - max) : out;
  }
  const byId = new Map<number, ChatMessage>();
  for (const m of history) byId.set(m.id, m);
  let added = false;
  for (const m of incoming) {
    if (!byId.has(m.id)) {
      byId.set(m.id, m);
      added = true;
    }
  }
  if (!added) return history;
  const out = [...byId.values()].sort((a, b) => a.id - b.id);
  return out.length > max ? out.slice(out.length - max) : out;
}

/** Whether a value has the shape of a chat message (guards what arrives from the network). */
export function isChatMessage(v: unknown): v is ChatMessage {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return (
    typeof m.id === 'number' &&
    Number.isFinite(m.id) &&
    typeof m.from === 'string' &&
    typeof m.name === 'string' &&
    typeof m.text === 'string' &&
    typeof m.ts === 'number'
  );
}

/** "14:05" in the viewer's locale and time zone. */
export function formatTime(ts: number, locale?: string): string {
  return new Date(ts).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}
