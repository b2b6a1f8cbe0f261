// The link others open to join a room: the server's own page with the room prefilled.

export function inviteLink(server: string, room: string): string {
  if (!server) return '';
  try {
    const url = new URL('/', server);
    url.searchParams.set('room', room);
    return url.toString();
  } catch {
    return '';
  }
}
