// The real desktop app under Xvfb (PARLEY_FAKE_MEDIA=1: WebKit's mock camera and microphone) with headless
// Chromium guests: (1) `parley --host` and a browser guest through the printed address — presence, the mock
// camera in --stats, chat both ways (the app's side typed with xdotool), a screenshot, and the guest told that the
// host ended the room when the app quits; (2) `parley --join` a parley-server room with a browser guest.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { RESULTS_DIR, Xvfb, ms, scenario, sleep, until } from './helpers.mjs';

describe('desktop app', () => {
  let xvfb;
  before(async () => {
    xvfb = await new Xvfb().start();
  });
  after(async () => {
    await xvfb?.stop();
  });

  scenario('hosts a room: a browser guest joins through the printed address, both see each other, chat flows both ways', () => xvfb,
    { timeout: ms(150000) }, async (sc) => {
      const app = await sc.app(['--host', '--room', 'e2e', '--name', 'desk', '--stats']);
      const url = await app.hostingURL();
      sc.note(`app: hosting on ${url}`);
      assert.match(url, /^http:\/\/([0-9.]+|\[[0-9a-f:%.A-Za-z]+\]):\d+$/i);
      // scripts/test-desktop-e2e.sh gives the namespace a stand-in LAN address: the app must announce it.
      if (process.env.PARLEY_DESKTOP_LAN) assert.equal(new URL(url).hostname, process.env.PARLEY_DESKTOP_LAN, 'the announced URL is the LAN address');
      // The app's page hosts and joins at once; --stats lines start once it is in the room.
      const first = await app.waitLocal(() => true, 'a first line (the app is in its room)', ms(40000));
      sc.note(`app: first local stats line ${JSON.stringify(first)}`);
      const win = await app.window();
      sc.note(`app window ${JSON.stringify(win)}`);

      // The guest's viewport is the app window's size, so its layout tells where the app's chat input is.
      const guest = await sc.guest('guest', { width: win.width, height: win.height });
      await guest.join(url, 'e2e');
      sc.note(`guest joined as ${guest.id}`);
      await guest.waitParticipant('desk');
      sc.note('guest lists desk');
      sc.note(`guest tiles: ${JSON.stringify(await guest.page.$$eval('[data-testid="tile"]', (els) => els.map((el) => Object.fromEntries(
        [...el.attributes].filter((a) => a.name.startsWith('data-')).map((a) => [a.name, a.value])))))}`);

      const local = await app.waitLocal((l) => l.peers === 1 && l.camera?.live === true && /Mock/.test(l.camera?.label ?? ''),
        'peers 1 and the mock camera live');
      sc.note(`app local: ${JSON.stringify(local)}`);
      assert.equal(local.microphone?.live, true, `the mock microphone is live: ${JSON.stringify(local.microphone)}`);
      assert.equal(local.screen?.live, false);
      const remote = await until(() => app.remotes.at(-1), (r) => r?.peer === guest.id && r?.name === 'guest',
        { what: `a --stats line for the guest (peer ${guest.id}, name guest)` });
      for (const k of ['framesDecoded', 'fps', 'width', 'height', 'audioLevel', 'rttMs']) {
        assert.equal(typeof remote[k], 'number', `remote stats line field ${k}: ${JSON.stringify(remote)}`);
      }

      // Chat: page → app.
      const before = app.lastLocal().chatMessages;
      const fromPage = 'hello from the browser';
      await guest.sendChat(fromPage);
      await guest.waitChat(fromPage);
      await app.waitLocal((l) => l.chatMessages >= before + 1, `chatMessages to grow past ${before}`);
      sc.note('app received the guest message');

      // Chat: app → page, typed into the app window.
      const box = await guest.page.getByTestId('chat-input').boundingBox();
      assert.ok(box, 'the chat input is on the guest page');
      const fromApp = 'hello from the app';
      await app.clickAndType(box.x + box.width / 2, box.y + box.height / 2, fromApp);
      await guest.waitChat(fromApp);
      await app.waitLocal((l) => l.chatMessages >= before + 2, `chatMessages to reach ${before + 2}`);
      sc.note('guest shows the message typed in the app');

      // The app hosting a room, with the guest and the chat: look at it.
      const st = await waitPainted(xvfb, 'app-hosting.png');
      sc.note(`screenshot app-hosting.png: ${JSON.stringify(st)}`);

      // Quitting the app ends the room: the guest is told, and does not reconnect.
      process.kill(app.child.pid, 'SIGTERM');
      await until(() => guest.page.getByTestId('notice').textContent({ timeout: 1000 }), (t) => /host ended the room/i.test(t ?? ''),
        { what: 'the guest to show "The host ended the room"' });
      const connection = await until(() => guest.page.getByTestId('connection').textContent({ timeout: 1000 }), (t) => t === 'Disconnected',
        { what: 'the guest to be disconnected for good' });
      sc.note(`guest: host ended the room; connection "${connection}"`);
      await guest.page.screenshot({ path: path.join(RESULTS_DIR, 'guest-host-ended.png') });
      await until(() => app.child.exitCode ?? app.child.signalCode, (c) => c !== null, { timeout: ms(10000), what: 'the app to exit on SIGTERM' });
    });

  scenario('lobby: "Host on this computer" hosts and joins; a guest joins; "Stop hosting" ends the room for the guest', () => xvfb,
    { timeout: ms(120000) }, async (sc) => {
      // No --host: the person does it in the lobby, with the keyboard (xdotool), as someone would.
      const app = await sc.app(['--stats']);
      await app.waitLog(/frontend ready: lobby/, 'frontend ready: lobby', 1, ms(40000));
      const win = await app.window();
      await app.click(20, 20); // the page background: nothing focused, so Tab starts at the first field
      await app.keys('Tab');
      await app.type('desk');
      await app.keys('Tab');
      await app.type('lobbyhost');
      await app.keys('Tab', 'Tab', 'Left', 'Tab'); // password, the "Where" choice (Join → Host), the Host button
      await app.keys('Return');
      const first = await app.waitLocal(() => true, 'a first line (the app hosts and is in its room)', ms(20000));
      sc.note(`app in its room: ${JSON.stringify(first)}`);

      const host = process.env.PARLEY_DESKTOP_LAN || '127.0.0.1';
      const guest = await sc.guest('guest', { width: win.width, height: win.height });
      await guest.join(`http://${host}:7800`, 'lobbyhost');
      await guest.waitParticipant('desk');
      await app.waitLocal((l) => l.peers === 1, 'peers 1');
      sc.note('guest and app in the room');
      await xvfb.screenshot(path.join(RESULTS_DIR, 'lobby-hosting.png'));

      // Stop hosting: focus the chat input, Shift+Tab to "Stop hosting" (the last control of the hosting panel),
      // Enter; the confirmation focuses "Keep hosting": Tab to "Stop hosting", Enter.
      const box = await guest.page.getByTestId('chat-input').boundingBox();
      await app.click(box.x + box.width / 2, box.y + box.height / 2);
      await app.keys('shift+Tab', 'Return');
      await sleep(300);
      await xvfb.screenshot(path.join(RESULTS_DIR, 'stop-hosting-confirm.png'));
      await app.keys('Tab', 'Return');
      await until(() => guest.page.getByTestId('notice').textContent({ timeout: 1000 }), (t) => /host ended the room/i.test(t ?? ''),
        { what: 'the guest to show "The host ended the room"' });
      await until(() => guest.page.getByTestId('connection').textContent({ timeout: 1000 }), (t) => t === 'Disconnected',
        { what: 'the guest to be disconnected for good' });
      sc.note('guest: the host ended the room');
      // The app is back in its lobby, still running, and no longer serves.
      await app.waitLog(/frontend ready: lobby/, 'back in the lobby', 2);
      assert.ok(app.alive(), 'the app still runs after it stopped hosting');
      await until(() => fetch(`http://127.0.0.1:7800/`, { signal: AbortSignal.timeout(1000) }).then(() => 'serving', () => 'refused'), (r) => r === 'refused',
        { what: 'the app to stop serving on port 7800' });
      // And the guest does not come back: still disconnected a while later (a reconnect would take 2–4 s).
      await sleep(ms(4000));
      assert.equal(await guest.page.getByTestId('connection').textContent(), 'Disconnected');
      // The lobby remembered the name and the room in the app's settings (no server: this computer hosted).
      const settings = await until(() => app.settings(), (s) => s?.recentRooms?.[0] === 'lobbyhost',
        { what: 'settings.json to list the room' });
      assert.equal(settings.name, 'desk');
      assert.deepEqual(settings.recentServers ?? [], []);
    });

  scenario('joins a parley-server room with --join; a browser guest and the app see each other', () => xvfb,
    { timeout: ms(120000) }, async (sc) => {
      const server = await sc.server();
      sc.note(`server on ${server.url}`);
      const app = await sc.app(['--join', server.url, '--room', 'r2', '--name', 'desk', '--stats']);
      const first = await app.waitLocal(() => true, 'a first line (the app joined r2)', ms(40000));
      sc.note(`app: first local stats line ${JSON.stringify(first)}`);
      assert.equal(first.peers, 0);

      const guest = await sc.guest('guest');
      await guest.join(server.url, 'r2');
      await guest.waitParticipant('desk');
      sc.note('guest lists desk');
      const local = await app.waitLocal((l) => l.peers === 1, 'peers 1');
      sc.note(`app local: ${JSON.stringify(local)}`);
      await until(() => app.remotes.at(-1), (r) => r?.peer === guest.id && r?.name === 'guest',
        { what: `a --stats line for the guest (peer ${guest.id})` });
      sc.note(`screenshot app-joined.png: ${JSON.stringify(await waitPainted(xvfb, 'app-joined.png'))}`);
      // Joining remembered the server, the room and the name in the app's settings.
      const settings = await until(() => app.settings(), (s) => s?.recentRooms?.[0] === 'r2',
        { what: 'settings.json to list the room r2' });
      assert.deepEqual({ name: settings.name, servers: settings.recentServers }, { name: 'desk', servers: [server.url] });
    });
});

/** Screenshots the screen until it is painted (the thresholds of scripts/test-desktop.sh), bounded; its stats. */
async function waitPainted(xvfb, name) {
  return until(async () => xvfb.imageStats(await xvfb.screenshot(path.join(RESULTS_DIR, name))),
    (st) => st.colours > 400 && st.brightPpm > 800, { what: `${name} to show the painted app, not a blank screen` });
}
