// (f) a page that leaves, or closes, loses its tile on the others' pages within 10 s.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { scenario, waitSees, waitOnlyTiles, ms } from './helpers.mjs';

const GONE_WITHIN = 10000; // the bound, not scaled

describe('leaving', () => {
  scenario('leave and close: the tile disappears from the others within 10 s', { timeout: ms(120000) }, async (sc) => {
    const server = await sc.server();
    const room = sc.room('leave');
    const [ada, grace, linus] = await sc.call(server, room, 3);
    await Promise.all([waitSees(ada, [grace, linus]), waitSees(grace, [ada, linus]), waitSees(linus, [ada, grace])]);
    await Promise.all([ada.waitDecodes(grace), linus.waitDecodes(grace), ada.waitDecodes(linus)]);
    sc.note('call up');

    // Grace clicks leave.
    let t0 = Date.now();
    await grace.page.getByTestId('leave').click({ timeout: ms(10000) });
    await Promise.all([waitOnlyTiles(ada, [linus], GONE_WITHIN), waitOnlyTiles(linus, [ada], GONE_WITHIN)]);
    sc.note(`Grace left; her tiles were gone after ${Date.now() - t0} ms`);
    assert.deepEqual(await ada.peerIds(), [linus.id], 'Ada: peerIds() after Grace left');
    // Grace is back in the lobby.
    await grace.page.getByTestId('join').waitFor({ state: 'visible', timeout: ms(10000) });

    // Linus closes his page (no leave: the connection just ends).
    t0 = Date.now();
    await linus.page.close();
    await waitOnlyTiles(ada, [], GONE_WITHIN);
    sc.note(`Linus closed his page; his tile was gone after ${Date.now() - t0} ms`);
    assert.deepEqual(await ada.peerIds(), [], 'Ada: peerIds() after Linus closed');
  });
});
