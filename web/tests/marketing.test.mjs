// 营销工具 in the console against `serve --demo`: the demo's finished session used every
// in-room tool, so each tab of /console/marketing lists it with its results, rows link
// to the session's studio, and the lottery tab shows the winners with the delivery
// details the first winner gave and the public verify record, which recomputes from
// its seed. Screenshots in Chinese and English land in web/tests/screenshots/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServerAndBrowser, stopServerAndBrowser, screenshot, withPage, pageText, login, watchErrors, noLeakedKeys,
  OWNER_EMAIL as OWNER, AGENT_EMAIL as AGENT } from './helpers.mjs';

const PAST_TITLE = '初秋上新专场 · 回放';

// The tabs in order, with what the demo's past session left in each.
const tabs = [
  { key: 'flash-sales', label: '秒杀', texts: ['羊毛针织围巾', '¥49.00', '6 / 20', '已结束'] },
  { key: 'red-envelopes', label: '红包', texts: ['感谢大家来看直播！', '拼手气', '7 / 10', '¥88.88', '已过期'] },
  { key: 'lotteries', label: '抽奖', texts: ['羊毛针织围巾 1 条', '已开奖', '8 人参与', '2 个名额'] },
  { key: 'group-buys', label: '拼团', texts: ['真丝衬衫', '¥239.00', '成团 1', '拼团中 1'] },
  { key: 'assists', label: '助力', texts: ['羊毛针织围巾', '¥59.00', '1 / 2'] },
  { key: 'coupons', label: '优惠券', texts: ['直播间专享 满299减50', '−¥50.00', '4 / 200'] },
];

describe('console marketing tools', { timeout: 240_000 }, () => {
  let server;
  let browser;

  before(async () => { ({ server, browser } = await startServerAndBrowser()); });
  after(() => stopServerAndBrowser({ server, browser }));

  it('opens every tool tab of the demo and reaches the studio from a row', async () => {
    await withPage(browser, server, 'marketing-tabs', async (page) => {
      const errors = watchErrors(page);
      await login(page, server.baseURL, OWNER);
      await page.click('nav a[href="/console/marketing"]');
      await page.waitForURL((u) => u.pathname === '/console/marketing');
      assert.equal(await page.locator('.nav-item.active[href="/console/marketing"]').count(), 1, 'the navigation marks the area');
      const kpis = await page.locator('[data-testid=mk-kpis]').innerText();
      for (const want of ['秒杀售出', '6', '红包已领取', '抽奖中奖人数', '2', '拼团成团数', '助力解锁数', '优惠券核销']) {
        assert.ok(kpis.includes(want), `KPI cards show ${want}: ${kpis}`);
      }
      for (const tab of tabs) {
        await page.click(`[data-testid="mk-tab-${tab.key}"]`);
        await page.waitForURL((u) => u.pathname === `/console/marketing/${tab.key}`);
        const panel = page.locator(`[data-testid=mk-panel][data-tab="${tab.key}"]`);
        await panel.waitFor();
        assert.equal(await page.locator(`[data-testid="mk-tab-${tab.key}"]`).getAttribute('aria-current'), 'page');
        const text = await panel.innerText();
        for (const want of [...tab.texts, PAST_TITLE]) assert.ok(text.includes(want), `${tab.key} shows ${want}:\n${text}`);
        assert.equal(await page.locator('[data-testid=mk-empty]').count(), 0, `${tab.key} is not empty`);
        await noLeakedKeys(page, tab.key);
        await screenshot(page, `marketing-${tab.key}`);
      }
      // A row's session goes to that session's studio.
      await page.click('[data-testid="mk-tab-flash-sales"]');
      const link = page.locator('[data-testid=mk-session-link]').first();
      const href = await link.getAttribute('href');
      assert.match(href, /^\/console\/live\/\d+\/studio$/);
      await Promise.all([page.waitForURL((u) => u.pathname === href), link.click()]);
      assert.ok((await pageText(page)).includes(PAST_TITLE), 'the studio of the past session opened');
      assert.deepEqual(errors, [], 'no script errors or CSP violations');
    });
  });

  it('shows the lottery winners with their delivery details and a draw anyone can verify', async () => {
    await withPage(browser, server, 'marketing-lottery', async (page) => {
      const errors = watchErrors(page);
      await login(page, server.baseURL, OWNER);
      await page.goto(`${server.baseURL}/console/marketing/lotteries`);
      const winners = page.locator('[data-testid=mk-winner]');
      assert.equal(await winners.count(), 2, 'two winners listed');
      const filled = page.locator('[data-testid=mk-winner][data-filled=yes]');
      assert.equal(await filled.count(), 1, 'one winner gave delivery details');
      const row = await filled.innerText();
      for (const want of ['13912345678', '浙江省杭州市西湖区文三路 90 号 3 幢 501']) assert.ok(row.includes(want), `winner row shows ${want}: ${row}`);
      assert.ok((await page.locator('[data-testid=mk-winner][data-filled=no]').innerText()).includes('待填写'), 'the other winner is still awaited');
      await screenshot(page, 'marketing-lottery-winners');

      // The public record: sha256(seed) is the commitment shown, and its winners are the listed ones.
      const commitment = (await page.locator('[data-testid=mk-commitment]').innerText()).trim();
      const verify = await page.locator('[data-testid=mk-verify]').getAttribute('href');
      assert.equal(verify, `/api/v1/public/lotteries/${commitment}`);
      const rec = await (await fetch(server.baseURL + verify)).json();
      assert.equal(rec.status, 'drawn');
      assert.equal(createHash('sha256').update(Buffer.from(rec.seed, 'hex')).digest('hex'), commitment, 'the seed opens the commitment');
      assert.equal(rec.winners.length, 2);
      assert.equal(rec.entrants.length, 8);
      assert.deepEqual(errors, []);
    });
  });

  it('reads in English', async () => {
    await withPage(browser, server, 'marketing-en', async (page) => {
      await login(page, server.baseURL, OWNER, { lang: 'en' });
      await page.goto(`${server.baseURL}/console/marketing/lotteries?lang=en`);
      const text = await pageText(page);
      for (const want of ['Marketing tools', 'Lotteries', 'Recipient', '8 entrants', 'Waiting', 'Open the public draw record']) {
        assert.ok(text.includes(want), `English page shows ${want}`);
      }
      await screenshot(page, 'marketing-lotteries-en');
      await page.goto(`${server.baseURL}/console/marketing/flash-sales?lang=en`);
      assert.ok((await pageText(page)).includes('Sold / stock'));
      await screenshot(page, 'marketing-flash-sales-en');
    }, { locale: 'en-US' });
  });

  it('is not offered to an agent', async () => {
    await withPage(browser, server, 'marketing-agent', async (page) => {
      await login(page, server.baseURL, AGENT);
      assert.equal(await page.locator('nav a[href="/console/marketing"]').count(), 0, 'no navigation entry');
      const res = await page.goto(`${server.baseURL}/console/marketing`);
      assert.equal(res.status(), 403);
    });
  });
});
