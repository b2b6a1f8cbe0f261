// The chat's unread count: messages from others newer than the last one seen while the panel was open.
// History that comes with a join counts as seen (it is the past, not news).
import type { ChatMessage } from './protocol';

/** The id of the newest message, or -Infinity for none: the "seen up to" mark when the chat is visible. */
export function lastMessageId(messages: readonly ChatMessage[]): number {
  return messages.length > 0 ? messages[messages.length - 1].id : -Infinity;
}

/** How many messages from others are newer than `seenId`. */
export function countUnread(messages: readonly ChatMessage[], selfId: string | undefined, seenId: number): number {
  let n = 0;
  for (let i = messages.length - 1; i >= 0 && messages[i].id > seenId; i--) {
    if (messages[i].from !== selfId) n++;
  }
  return n;
}

/**
 * The mark to keep after the messages change. While the panel is open everything is seen. A mark above the
 * newest id means the room was recreated (ids restart after everyone left): start over from its history.
 */
export function nextSeenId(messages: readonly ChatMessage[], seenId: number, open: boolean): number {
  const last = lastMessageId(messages);
  if (open || seenId > last) return last;
  return seenId;
}
