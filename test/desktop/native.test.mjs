// The Linux app's native media engine (WebCodecs in WebKitGTK, pion in Go: docs/MEDIA-BRIDGE.md) in real calls,
// under Xvfb with WebKit's mock camera (640×480), microphone and screen: with a Chromium guest (BrowserEngine),
// with a plain pion peer (test/pionpeer: VP8 from an IVF file, Opus from Ogg), and with a second app.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { MEDIA_TIMEOUT, RESULTS_DIR, Xvfb, ms, scenario, sleep, toneFile, until } from './helpers.mjs';

/** Waits until the app's --stats line for `peerId` shows framesDecoded growing over ≥ 1 s (and `more(line)`). */
async function appDecodes(app, peerId, what, more = () => true, timeout = MEDIA_TIMEOUT) {
  let prev = null;
  return until(() => app.remotes.findLast((r) => r.peer === peerId), (r) => {
    if (!r || !more(r)) return false;
    if (!prev) prev = { f: r.framesDecoded, at: Date.now() };
    else if (Date.now() - prev.at >= 1000) {
      if (r.framesDecoded > prev.f) return true;
      prev = { f: r.framesDecoded, at: Date.now() };
    }
    return false;
  }, { timeout, interval: 200, what: `${app.name} --stats: ${what}` });
}

/**
 * The app's room on loopback: a page on another machine would use the LAN URL, but over plain http a browser
 * gives such a page no camera or microphone (not a secure context), and here the guest must send both.
 */
const loopback = (url) => `http://127.0.0.1:${new URL(url).port}`;

const cameraSize = ({ width, height }) => [640, 320, 160].includes(width) && height * 4 === width * 3;

/** Clicks the app's control `testid`, found where it is on a guest page laid out at the app window's size. */
async function clickControl(app, guest, testid) {
  const box = await guest.page.getByTestId(testid).boundingBox();
  assert.ok(box, `${testid} is on the guest page`);
  await app.click(box.x + box.width / 2, box.y + box.height / 2);
}

describe('desktop app, native media engine', () => {
  let xvfb;
  before(async () => {
    xvfb = await new Xvfb().start();
  });
  after(async () => {
    await xvfb?.stop();
  });

  scenario('hosts; a browser guest and the app see and hear each other; the app shares its screen', () => xvfb,
    { timeout: ms(180000) }, async (sc) => {
      const app = await sc.app(['--host', '--room', 'native', '--name', 'desk', '--stats']);
      const url = await app.hostingURL();
      await app.waitLocal((l) => l.camera?.live === true, 'the mock camera live', ms(40000));
      const win = await app.window();
      const guest = await sc.guest('guest', { width: win.width, height: win.height }, [`--use-file-for-fake-audio-capture=${await toneFile()}`]);
      await guest.join(loopback(url), 'native');
      const deskId = await until(() => guest.page.evaluate(() => window.__parley.peerIds()[0]),
        (id) => typeof id === 'string', { what: 'the guest to see the app in the room' });
      sc.note(`guest ${guest.id} in the room with desk ${deskId}`);

      // The page decodes the app's video at the mock camera's size and hears the app's microphone.
      const cam = await guest.waitDecodes(deskId);
      sc.note(`guest decodes desk: ${JSON.stringify(cam)}`);
      // The mock camera's 640×480, or a half or quarter of it when congestion control shrinks the picture (a busy
      // machine delays packets, and GCC reads delay as congestion).
      await until(() => guest.stats(), (st) => st.some((x) => x.peerId === deskId && x.kind === 'camera' && cameraSize(x)),
        { what: 'the guest to decode 640×480 (or 320×240, 160×120) from the app' });
      await guest.waitHears(deskId);
      sc.note('guest hears desk');

      // The app decodes and draws the guest's video, and plays its audio once a click has allowed sound.
      const r = await appDecodes(app, guest.id, `framesDecoded of the guest (${guest.id}) growing`, (l) => l.width > 0);
      sc.note(`app decodes the guest: ${JSON.stringify(r)}`);
      await app.click(win.width / 2, 12); // a gesture: WebKit starts audio output only after one
      await until(() => app.remotes.findLast((l) => l.peer === guest.id), (l) => l?.audioLevel > 0.001,
        { timeout: MEDIA_TIMEOUT, what: 'the app to play the guest\'s audio (audioLevel > 0.001)' });
      sc.note('app hears the guest');
      // The app's audio jitter buffer at a steady state: no underrun over 5 s once playing.
      const heard = app.remotes.findLast((l) => l.peer === guest.id);
      await sleep(5000);
      const later = app.remotes.findLast((l) => l.peer === guest.id);
      sc.note(`app audio: underruns ${heard.audioUnderruns} → ${later.audioUnderruns}, delay ${later.audioDelayMs} ms`);
      assert.equal(typeof later.audioUnderruns, 'number', `--stats carries audioUnderruns: ${JSON.stringify(later)}`);
      assert.equal(later.audioUnderruns, heard.audioUnderruns, 'no underrun at a steady state');

      const shot = await xvfb.screenshot(path.join(RESULTS_DIR, 'app-native-call.png'));
      sc.note(`screenshot ${shot}`);

      // Screen sharing from the app: a second video for the guest.
      await clickControl(app, guest, 'share-screen');
      await app.waitLocal((l) => l.screen?.live === true, 'the mock screen live');
      const screen = await guest.waitDecodes(deskId, 'screen');
      sc.note(`guest decodes desk's screen: ${JSON.stringify(screen)}`);
      await xvfb.screenshot(path.join(RESULTS_DIR, 'app-native-sharing.png'));
      await clickControl(app, guest, 'share-screen');
      await app.waitLocal((l) => l.screen?.live === false, 'the screen no longer captured');
      await until(() => guest.stats(), (st) => !st.some((x) => x.peerId === deskId && x.kind === 'screen'),
        { what: 'the guest to drop the app\'s screen after it stopped sharing' });
    });

  scenario('a pion peer joins the app\'s room: video both ways, and each PLI brings a key frame', () => xvfb,
    { timeout: ms(150000) }, async (sc) => {
      const app = await sc.app(['--host', '--room', 'pion', '--name', 'desk', '--stats']);
      const url = await app.hostingURL();
      await app.waitLocal((l) => l.camera?.live === true, 'the mock camera live', ms(40000));
      const pion = await sc.pion('pion', url, 'pion', ['--pli-every', '1500ms']);
      sc.note(`pion peer ${pion.id} joined`);
      const deskId = await until(() => pion.last?.peers?.[0]?.peer, (id) => typeof id === 'string', { what: 'pion to connect to the app' });
      // The pion peer receives the app's camera: 640×480 VP8, whole frames, at a steady rate.
      const got = await pion.wait(deskId, (s) => s.videoFrames > 60 && cameraSize(s) && s.audioPackets > 50,
        'over 60 VP8 frames of the camera (640×480 or scaled) and 50 Opus packets from the app');
      sc.note(`pion receives: ${JSON.stringify(got)}`);
      // Every PLI is answered with a key frame.
      const plis = await pion.wait(deskId, (s) => s.pliToKeyMs.length >= 3, 'three PLIs answered with key frames');
      sc.note(`PLI → key frame ms: ${JSON.stringify(plis.pliToKeyMs)} (${plis.plis} sent)`);
      assert.ok(plis.pliToKeyMs.length >= plis.plis - 1, `PLIs answered: ${plis.pliToKeyMs.length} of ${plis.plis}`);
      // And the app decodes the pion peer's VP8.
      const r = await appDecodes(app, pion.id, 'framesDecoded of the pion peer growing', (l) => l.width === 640);
      sc.note(`app decodes pion: ${JSON.stringify(r)}`);
    });

  scenario('four in a room — the app, a browser page, a native page and a pion peer: everyone decodes everyone', () => xvfb,
    { timeout: ms(240000) }, async (sc) => {
      const app = await sc.app(['--host', '--room', 'four', '--name', 'desk', '--stats']);
      const url = loopback(await app.hostingURL());
      await app.waitLocal((l) => l.camera?.live === true, 'the mock camera live', ms(40000));
      const tone = [`--use-file-for-fake-audio-capture=${await toneFile()}`];
      const browser = await sc.guest('browser', undefined, tone);
      await browser.join(url, 'four');
      const bridge = await sc.bridge(url);
      const native = await sc.guest('native', undefined, tone);
      await native.join(url, 'four', bridge.params());
      assert.equal(await native.page.evaluate(() => window.__parley.engine()), 'native');
      const pion = await sc.pion('pion', url, 'four');
      // Peers are listed in the order they joined: the app hosted first.
      const [deskId] = await until(() => browser.page.evaluate(() => window.__parley.peerIds()), (ids) => ids.length === 3,
        { what: 'the browser page to see three others' });
      sc.note(`desk ${deskId}, browser ${browser.id}, native ${native.id}, pion ${pion.id}`);
      // Every direction between the four, of every kind of participant (a slow, full machine: bounds are wide).
      const slow = ms(60000);
      await Promise.all([
        ...[browser.id, native.id, pion.id].map((id) => appDecodes(app, id, `the app decodes ${id}`, () => true, slow)),
        ...[deskId, native.id, pion.id].map((id) => browser.waitDecodes(id, 'camera', slow)),
        ...[deskId, browser.id, pion.id].map((id) => native.waitDecodes(id, 'camera', slow)),
        ...[deskId, browser.id, native.id].map((id) => pion.wait(id, (s) => s.videoFrames > 30 && s.audioPackets > 25, `video and audio from ${id}`, slow)),
      ]);
      sc.note('all twelve directions decode');
    });

  scenario('two apps: one hosts, the other joins; each decodes the other', () => xvfb,
    { timeout: ms(180000) }, async (sc) => {
      const host = await sc.app(['--host', '--room', 'apps', '--name', 'one', '--stats']);
      const url = await host.hostingURL();
      await host.waitLocal((l) => l.camera?.live === true, 'the mock camera live', ms(40000));
      const other = await sc.app(['--join', url, '--room', 'apps', '--name', 'two', '--stats']);
      await other.waitLocal((l) => l.peers === 1, 'in the room with the host', ms(40000));
      const twoId = await until(() => host.remotes.findLast((r) => r.name === 'two')?.peer, (id) => !!id, { what: 'the host to list two' });
      const oneId = await until(() => other.remotes.findLast((r) => r.name === 'one')?.peer, (id) => !!id, { what: 'two to list the host' });
      await Promise.all([
        appDecodes(host, twoId, 'the host decodes the other app', cameraSize),
        appDecodes(other, oneId, 'the other app decodes the host', cameraSize),
      ]);
      sc.note('both apps decode each other');
    });
});
