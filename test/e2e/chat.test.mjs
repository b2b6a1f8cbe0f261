// (c) chat typed in one page appears in the others; a late joiner sees the history.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { scenario, waitSees, ms } from './helpers.mjs';

describe('chat', () => {
  scenario('a message typed in one page appears in the others; a late joiner sees the history', { timeout: ms(90000) }, async (sc) => {
    const server = await sc.server();
    const room = sc.room('chat');
    const [ada, grace] = await sc.call(server, room, 2);
    await Promise.all([waitSees(ada, [grace]), waitSees(grace, [ada])]);

    const m1 = 'Hello from Ada <b>not bold</b> \u{1F44B}';
    await ada.sendChat(m1);
    await ada.waitChat(m1, { mine: true });
    await grace.waitChat(m1, { mine: false });
    sc.note('m1 shown on both');
    const m2 = 'Grace here, reading you';
    await grace.sendChat(m2);
    await grace.waitChat(m2, { mine: true });
    await ada.waitChat(m2, { mine: false });
    sc.note('m2 shown on both');
    // Markup is shown as text, not interpreted.
    assert.equal(await grace.page.locator('[data-testid="chat-message"] b').count(), 0, 'chat text must not be parsed as HTML');

    const linus = await sc.participant(2);
    await linus.join(server, room);
    sc.note(`Linus joined late as ${linus.id}`);
    await linus.waitChat(m2, { mine: false });
    const texts = (await linus.chatTexts()).map((m) => m.text.trim());
    assert.deepEqual(texts.filter((x) => x === m1 || x === m2), [m1, m2], 'the late joiner sees the history, oldest first, once each');
    // And the late joiner takes part.
    const m3 = 'Linus, late but here';
    await linus.sendChat(m3);
    await Promise.all([ada.waitChat(m3, { mine: false }), grace.waitChat(m3, { mine: false }), linus.waitChat(m3, { mine: true })]);
    for (const p of [ada, grace, linus]) {
      const all = (await p.chatTexts()).map((m) => m.text.trim()).filter((x) => [m1, m2, m3].includes(x));
      assert.deepEqual(all, [m1, m2, m3], `${p.name}: every message exactly once, in order`);
    }
  });
});
