// (d) screen sharing from one page is decoded as an extra video by the others; stopping it removes the tile.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { scenario, waitSees, waitOnlyTiles, until, Participant, UI_TIMEOUT, ms } from './helpers.mjs';

describe('screen sharing', () => {
  scenario('a shared screen is an extra video for the others; stopping removes its tile', { timeout: ms(150000) }, async (sc) => {
    const server = await sc.server();
    const room = sc.room('screen');
    const [ada, grace, linus] = await sc.call(server, room, 3);
    const others = [grace, linus];
    await Promise.all([waitSees(ada, others), waitSees(grace, [ada, linus]), waitSees(linus, [ada, grace])]);
    await Promise.all(others.map((p) => p.waitDecodes(ada, 'camera', ms(30000))));
    sc.note('Ada\'s camera decoded by Grace and Linus');
    assert.equal(await ada.pressed('share-screen'), 'false', 'share-screen aria-pressed before sharing');
    for (const p of others) {
      assert.equal(Participant.tileOf(await p.tiles(), ada, 'screen'), undefined, `${p.name}: no screen tile before sharing`);
    }

    // getDisplayMedia needs a user gesture: a real click (the fake picker captures Ada's own tab).
    await ada.toggle('share-screen', true);
    sc.note('Ada shares');
    await Promise.all(others.map((p) => p.waitTiles((ts) => Participant.tileOf(ts, ada, 'screen'),
      `a screen tile for Ada (${ada.id})`)));
    await Promise.all(others.map((p) => p.waitDecodes(ada, 'screen')));
    sc.note('Ada\'s screen decoded by Grace and Linus');
    // The screen tile shows the captured tab (the page's 1100×720 viewport, maybe scaled), not a 4:3 camera.
    await Promise.all(others.map((p) => until(() => p.tileVideo(ada.id, 'screen'),
      (v) => v && Math.abs(v.width / v.height - 4 / 3) > 0.1,
      { what: `${p.name}: Ada's screen tile to show the shared tab (not 4:3 like the cameras) — its <video>` })));
    await Promise.all(others.map((p) => p.waitShowsCameraOf(ada)));
    // An extra video: the camera still flows beside it.
    await Promise.all(others.map((p) => p.waitDecodes(ada, 'camera')));
    for (const p of others) {
      const ts = await p.tiles();
      assert.ok(Participant.tileOf(ts, ada, 'camera'), `${p.name}: Ada's camera tile stays while she shares`);
      assert.equal(ts.filter((t) => t.peerId === ada.id && t.kind === 'screen').length, 1, `${p.name}: one screen tile for Ada`);
    }

    await ada.toggle('share-screen', false);
    sc.note('Ada stops sharing');
    await Promise.all(others.map((p) => p.waitTiles((ts) => !ts.some((t) => t.peerId === ada.id && t.kind === 'screen'),
      `Ada's screen tile to disappear`, UI_TIMEOUT)));
    sc.note('screen tiles gone');
    await Promise.all([waitOnlyTiles(grace, [ada, linus]), waitOnlyTiles(linus, [ada, grace])]);
    await Promise.all(others.map((p) => p.waitDecodes(ada, 'camera')));
  });
});
