// What the first lobby starts with: prefills from the URL (`?room=&name=&join=1`), the desktop app's command
// line (Launch(): `--host` / `--join URL`, acted on at once), and what was remembered.
import type { LobbyParams, PageContext } from './context';
import type { LaunchOptions } from './desktop';
import type { Remembered } from './recent';

export type LobbyMode = 'host' | 'join';

export interface LobbyStart {
  name: string;
  room: string;
  server: string;
  mode: LobbyMode;
  /** Host or join as soon as the lobby is shown. */
  autoJoin: boolean;
}

export function lobbyStart(context: PageContext, params: LobbyParams, launch: LaunchOptions, remembered: Remembered): LobbyStart {
  const name = launch.name || params.name || remembered.name;
  const room = launch.room || params.room;
  const lastServer = context.kind === 'served' ? context.origin : (remembered.recentServers[0] ?? '');
  if (launch.mode === 'host') {
    return { name, room, server: lastServer, mode: 'host', autoJoin: true };
  }
  if (launch.mode === 'join') {
    return { name, room, server: launch.server || lastServer, mode: 'join', autoJoin: true };
  }
  return { name, room, server: lastServer, mode: 'join', autoJoin: params.join };
}
