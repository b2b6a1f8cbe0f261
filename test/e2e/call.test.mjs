// (a) two pages decode and hear each other; (b) three pages, every pair decodes.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { scenario, waitSees, waitAllDecode, waitRightPictures, ms } from './helpers.mjs';

describe('call', () => {
  scenario('two pages: each decodes the other\'s video and hears its audio', { timeout: ms(90000) }, async (sc) => {
    const server = await sc.server();
    const room = sc.room('two');
    const [ada, grace] = await sc.call(server, room, 2);
    await Promise.all([waitSees(ada, [grace]), waitSees(grace, [ada])]);
    assert.deepEqual(await ada.peerIds(), [grace.id], 'Ada: window.__parley.peerIds()');
    assert.deepEqual(await grace.peerIds(), [ada.id], 'Grace: window.__parley.peerIds()');
    sc.note('tiles shown');
    await Promise.all([ada.waitDecodes(grace), grace.waitDecodes(ada), ada.waitHears(grace), grace.waitHears(ada)]);
    sc.note('video decoded and audio heard both ways');
    // Each tile shows the right camera (Ada's is red, Grace's blue), the own preview included.
    await waitRightPictures([ada, grace]);
    sc.note(`Ada shows Grace as ${JSON.stringify(await ada.tileVideo(grace.id))}, Grace shows Ada as ${JSON.stringify(await grace.tileVideo(ada.id))}`);
    // The tile reports the peer connection's state.
    await ada.waitTiles((ts) => ts.find((t) => t.peerId === grace.id && t.self !== 'true')?.connection === 'connected',
      `Grace's tile data-connection="connected"`);
    await grace.waitTiles((ts) => ts.find((t) => t.peerId === ada.id && t.self !== 'true')?.connection === 'connected',
      `Ada's tile data-connection="connected"`);
  });

  scenario('three pages: every pair decodes', { timeout: ms(150000) }, async (sc) => {
    const server = await sc.server();
    const room = sc.room('three');
    const ps = await sc.call(server, room, 3);
    await Promise.all(ps.map((p) => waitSees(p, ps.filter((q) => q !== p))));
    sc.note('tiles shown');
    await waitAllDecode(ps, 'camera', ms(30000));
    sc.note('all six directions decode');
    await waitRightPictures(ps);
    sc.note('every tile shows the right camera');
    for (const p of ps) {
      assert.deepEqual((await p.peerIds()).sort(), ps.filter((q) => q !== p).map((q) => q.id).sort(), `${p.name}: peerIds()`);
    }
  });
});
