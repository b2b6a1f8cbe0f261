// The NativeEngine (WebCodecs in the page, pion in Go through bin/mediabridge) run in Chromium with
// ?engine=native, calling pages that run the BrowserEngine: the engine the Linux app uses, tested in a second
// browser engine, and proof that both kinds of participant speak the same WebRTC.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { scenario, waitSees, waitAllDecode, waitRightPictures, waitOnlyTiles, ms, sleep } from './helpers.mjs';

describe('native engine', () => {
  scenario('native ⇄ browser: each decodes the other\'s video and hears its audio', { timeout: ms(90000) }, async (sc) => {
    const server = await sc.server();
    const [ada, grace] = await sc.call(server, sc.room('native-two'), 2, { native: [0] });
    assert.equal(await ada.page.evaluate(() => window.__parley.engine()), 'native', 'Ada runs the NativeEngine');
    assert.equal(await grace.page.evaluate(() => window.__parley.engine()), 'browser', 'Grace runs the BrowserEngine');
    await Promise.all([waitSees(ada, [grace]), waitSees(grace, [ada])]);
    await Promise.all([ada.waitDecodes(grace), grace.waitDecodes(ada), ada.waitHears(grace), grace.waitHears(ada)]);
    sc.note('video decoded and audio heard both ways');
    await waitRightPictures([ada, grace]);
    // The native page's audio jitter buffer at a steady state: no underrun over 5 s once playing.
    const audio = async () => (await ada.stats()).find((x) => x.peerId === grace.id && x.kind === 'audio');
    const before = await audio();
    await sleep(5000);
    const after = await audio();
    sc.note(`Ada's audio jitter buffer: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    assert.equal(after.underruns, before.underruns, `underruns at a steady state: ${JSON.stringify({ before, after })}`);
    await ada.waitTiles((ts) => ts.find((t) => t.peerId === grace.id && t.self !== 'true')?.connection === 'connected',
      `Grace's tile data-connection="connected"`);
  });

  scenario('three: two native pages and a browser page, all six directions', { timeout: ms(150000) }, async (sc) => {
    const server = await sc.server();
    const ps = await sc.call(server, sc.room('native-three'), 3, { native: [0, 1] });
    await Promise.all(ps.map((p) => waitSees(p, ps.filter((q) => q !== p))));
    await waitAllDecode(ps, 'camera', ms(30000));
    sc.note('all six directions decode');
    await waitRightPictures(ps);
    const [ada, grace, linus] = ps;
    await Promise.all([ada.waitHears(grace), grace.waitHears(ada), ada.waitHears(linus), linus.waitHears(ada)]);
  });

  scenario('native screen share reaches a browser page and ends there', { timeout: ms(90000) }, async (sc) => {
    const server = await sc.server();
    const [ada, grace] = await sc.call(server, sc.room('native-screen'), 2, { native: [0] });
    await Promise.all([ada.waitDecodes(grace), grace.waitDecodes(ada)]);
    await ada.toggle('share-screen', true);
    await grace.waitDecodes(ada, 'screen');
    sc.note('Grace decodes Ada\'s screen');
    await ada.toggle('share-screen', false);
    await waitOnlyTiles(grace, [ada]);
    // And the other way: the browser page shares, the native page decodes it.
    await grace.toggle('share-screen', true);
    await ada.waitDecodes(grace, 'screen');
    await grace.toggle('share-screen', false);
    await waitOnlyTiles(ada, [grace]);
  });

  scenario('native mute and camera-off show on the browser page, and come back', { timeout: ms(90000) }, async (sc) => {
    const server = await sc.server();
    const [ada, grace] = await sc.call(server, sc.room('native-controls'), 2, { native: [0] });
    await Promise.all([grace.waitDecodes(ada), grace.waitHears(ada)]);
    await ada.toggle('toggle-mic', false);
    await ada.toggle('toggle-camera', false);
    await grace.waitTiles((ts) => {
      const t = ts.find((x) => x.peerId === ada.id && x.self !== 'true');
      return t?.mic === 'off' && t?.camera === 'off';
    }, 'Ada\'s tile data-mic="off" data-camera="off"');
    await ada.toggle('toggle-mic', true);
    await ada.toggle('toggle-camera', true);
    await Promise.all([grace.waitDecodes(ada), grace.waitHears(ada)]);
  });
});
