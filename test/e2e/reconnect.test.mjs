// (g) the server restarts mid-call on the same port: pages reconnect and rejoin, media and chat work again.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { scenario, waitSees, waitOnlyTiles, waitRightPictures, until, UI_TIMEOUT, ms } from './helpers.mjs';

const REJOIN_TIMEOUT = ms(30000); // socket.io-client retries with back-off (1–5 s) after the server is back

describe('server restart', () => {
  for (const [signal, how] of [['SIGTERM', 'graceful shutdown'], ['SIGKILL', 'crash']]) {
    scenario(`restart mid-call (${how}, ${signal}): pages reconnect, rejoin, and chat again`, { timeout: ms(150000) }, async (sc) => {
      const server = await sc.server();
      const room = sc.room(`restart-${signal}`);
      const ps = await sc.call(server, room, 2);
      const [ada, grace] = ps;
      await Promise.all([waitSees(ada, [grace]), waitSees(grace, [ada])]);
      await Promise.all([ada.waitDecodes(grace), grace.waitDecodes(ada)]);
      const before = Object.fromEntries(ps.map((p) => [p.name, p.id]));
      sc.note('call up');

      await server.stop(signal);
      sc.note(`server stopped (${signal})`);
      await Promise.all(ps.map((p) => until(() => p.connectionText(), (s) => s.includes('Reconnecting'),
        { what: `${p.name}: data-testid=connection to say "Reconnecting" while the server is down` })));
      sc.note('both pages say Reconnecting');

      await server.start();
      sc.note('server restarted on the same port');
      // A rejoin is a new connection, hence a new participant id.
      await Promise.all(ps.map(async (p) => {
        p.id = await until(() => p.selfId(), (id) => typeof id === 'string' && id !== '' && id !== before[p.name],
          { timeout: REJOIN_TIMEOUT, what: `${p.name} to rejoin with a new id (was ${before[p.name]})` });
      }));
      sc.note(`rejoined: Ada ${ada.id}, Grace ${grace.id}`);
      await Promise.all(ps.map((p) => until(() => p.connectionText(), (s) => !s.includes('Reconnecting'),
        { what: `${p.name}: data-testid=connection to stop saying "Reconnecting"` })));
      await Promise.all([waitSees(ada, [grace]), waitSees(grace, [ada])]);
      // No stale tile of the old ids.
      await Promise.all([waitOnlyTiles(ada, [grace]), waitOnlyTiles(grace, [ada])]);
      assert.deepEqual(await ada.peerIds(), [grace.id], 'Ada: peerIds() after the rejoin');
      await Promise.all([ada.waitDecodes(grace), grace.waitDecodes(ada)]);
      await waitRightPictures(ps);
      sc.note('media flows again');

      const text = `after the restart (${signal})`;
      await ada.sendChat(text);
      await Promise.all([ada.waitChat(text, { mine: true }, UI_TIMEOUT), grace.waitChat(text, { mine: false }, UI_TIMEOUT)]);
      sc.note('chat after the restart arrives');
    });
  }
});
