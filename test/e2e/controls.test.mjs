// (e) mute and camera-off show on the other side (and come back).
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { scenario, waitSees, Participant, ms } from './helpers.mjs';

const tileState = (p, peer) => p.tiles().then((ts) => {
  const t = Participant.tileOf(ts, peer);
  return t && { mic: t.mic, camera: t.camera };
});

async function waitTileState(p, peer, want, what) {
  return p.waitTiles((ts) => {
    const t = Participant.tileOf(ts, peer);
    return t && Object.entries(want).every(([k, v]) => t[k] === v);
  }, `${peer.name}'s tile ${what}: ${JSON.stringify(want)}`);
}

async function waitSelfState(p, want) {
  return p.waitTiles((ts) => {
    const t = ts.find((x) => x.self === 'true' && x.kind === 'camera');
    return t && Object.entries(want).every(([k, v]) => t[k] === v);
  }, `its own tile: ${JSON.stringify(want)}`);
}

describe('controls', () => {
  scenario('mute and camera off show on the other side', { timeout: ms(120000) }, async (sc) => {
    const server = await sc.server();
    const room = sc.room('controls');
    const [ada, grace] = await sc.call(server, room, 2);
    await Promise.all([waitSees(ada, [grace]), waitSees(grace, [ada])]);
    await Promise.all([grace.waitDecodes(ada), grace.waitHears(ada)]);
    await waitTileState(grace, ada, { mic: 'on', camera: 'on' }, 'at the start');
    assert.equal(await ada.pressed('toggle-mic'), 'true', 'toggle-mic aria-pressed (mic on)');
    assert.equal(await ada.pressed('toggle-camera'), 'true', 'toggle-camera aria-pressed (camera on)');

    await ada.toggle('toggle-mic', false);
    sc.note('Ada muted');
    await waitTileState(grace, ada, { mic: 'off', camera: 'on' }, 'after Ada mutes');
    await waitSelfState(ada, { mic: 'off' });

    await ada.toggle('toggle-camera', false);
    sc.note('Ada camera off');
    await waitTileState(grace, ada, { mic: 'off', camera: 'off' }, 'after Ada turns her camera off');
    await waitSelfState(ada, { camera: 'off' });
    assert.ok(Participant.tileOf(await grace.tiles(), ada), 'Ada keeps her tile with the camera off');
    // Grace's state is untouched on Ada's side.
    assert.deepEqual(await tileState(ada, grace), { mic: 'on', camera: 'on' }, 'Grace\'s tile on Ada\'s page');

    await ada.toggle('toggle-mic', true);
    await ada.toggle('toggle-camera', true);
    sc.note('Ada unmuted, camera on');
    await waitTileState(grace, ada, { mic: 'on', camera: 'on' }, 'after Ada turns both back on');
    await waitSelfState(ada, { mic: 'on', camera: 'on' });
    await Promise.all([grace.waitDecodes(ada), grace.waitHears(ada)]);
    sc.note('Grace decodes and hears Ada again');
  });
});
