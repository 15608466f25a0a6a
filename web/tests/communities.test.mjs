// 社群 end to end: the demo owner creates a group, adds two customers as members, posts
// the announcement and links tomorrow's live; sends a red envelope and opens a 接龙. A
// viewer opens the group page on a phone, joins, grabs the envelope and signs the chain;
// the owner sees who grabbed how much and the numbered line. Screenshots in
// web/tests/screenshots/communities-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServerAndBrowser, stopServerAndBrowser, screenshot, withPage, login, watchErrors, noLeakedKeys,
  callAPI, apiLogin, OWNER_EMAIL as OWNER, DEMO_TITLE, PHONE } from './helpers.mjs';

const GROUP = '老客福利群';

// A form sent back with its errors answers 422 (409 for a state the action cannot
// change), which Chromium logs; those are expected.
const allow = /status of (422|409)/;

describe('communities', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let groupURL;
  let pageURL;

  const api = (method, p, token, body) => callAPI(server.baseURL, method, p, token, body);

  before(async () => { ({ server, browser } = await startServerAndBrowser()); });
  after(() => stopServerAndBrowser({ server, browser }));

  it('owner creates a group, adds members, posts the announcement, links the live, sends an envelope and opens a 接龙', { timeout: 90_000 }, async () => {
    const owner = await apiLogin(server.baseURL, OWNER);
    const ids = [];
    for (const name of ['王小美', '阿杰']) ids.push((await api('POST', '/api/v1/customers', owner, { name })).id);

    await withPage(browser, server, 'communities-console', async (page) => {
      const errors = watchErrors(page, { allow });
      await login(page, server.baseURL, OWNER);
      await page.click('[data-testid=nav] a[href="/console/communities"]');
      await page.locator('[data-testid=community-form]').waitFor();
      await screenshot(page, 'communities-empty');

      // A name too long comes back next to its field, the rest kept.
      const form = page.locator('[data-testid=community-form]');
      await form.locator('input[name=name]').evaluate((i) => { i.removeAttribute('maxlength'); });
      await form.locator('input[name=name]').fill('名'.repeat(31));
      await form.locator('textarea[name=announcement]').fill('欢迎加入！');
      await form.locator('[data-testid=community-create]').click();
      await page.locator('#cm-name').locator('xpath=..').locator('.field-error').waitFor();
      assert.equal(await form.locator('textarea[name=announcement]').inputValue(), '欢迎加入！');
      await form.locator('input[name=name]').fill(GROUP);
      await Promise.all([page.waitForURL(/\/console\/communities\/\d+$/), form.locator('[data-testid=community-create]').click()]);
      groupURL = page.url();
      assert.match(await page.locator('[data-testid=flash]').innerText(), new RegExp(`社群「${GROUP}」已创建`));

      // The announcement.
      await page.fill('#cm-ann', '每周三晚 8 点直播上新\n群内专享红包和接龙报名～');
      await Promise.all([page.waitForURL(groupURL), page.click('[data-testid=announcement-save]')]);
      assert.match(await page.locator('[data-testid=flash]').innerText(), /群公告已发布/);
      assert.match(await page.inputValue('#cm-ann'), /每周三晚 8 点直播上新/);

      // Tomorrow's live, linked through the group's own entry link.
      const option = await page.locator('[data-testid=live-select] option', { hasText: DEMO_TITLE }).first().getAttribute('value');
      await page.selectOption('[data-testid=live-select]', option);
      await Promise.all([page.waitForURL(/#live$/), page.click('[data-testid=live-link]')]);
      assert.equal((await page.locator('[data-testid=live-preview-title]').innerText()).trim(), DEMO_TITLE);
      assert.match(await page.locator('[data-testid=entry-url]').innerText(), /\/live\/[0-9a-z]{8}$/);
      pageURL = (await page.locator('[data-testid=page-url]').innerText()).trim();
      await noLeakedKeys(page, 'group overview');
      await screenshot(page, 'communities-overview');

      // Two customers by number.
      await page.click('[data-testid=tab-members]');
      await page.fill('[data-testid=member-ids]', `#${ids[0]}，${ids[1]}`);
      await Promise.all([page.waitForURL(/tab=members/), page.click('[data-testid=members-add]')]);
      assert.match(await page.locator('[data-testid=flash]').innerText(), /新加入 2 位成员/);
      assert.equal(await page.locator('[data-testid=member-row]').count(), 2);
      assert.equal((await page.locator('[data-testid=kpi-members]').innerText()).trim(), '2');
      await screenshot(page, 'communities-members');

      // A red envelope: a total the count cannot split comes back first.
      await page.click('[data-testid=tab-envelopes]');
      await page.fill('[data-testid=envelope-total]', '0.02');
      await page.fill('[data-testid=envelope-count]', '3');
      await page.click('[data-testid=envelope-send]');
      await page.locator('.has-error .field-error').first().waitFor();
      await page.fill('[data-testid=envelope-total]', '8.88');
      await page.fill('[data-testid=envelope-message]', '周三福利');
      await Promise.all([page.waitForURL(/envelope=\d+/), page.click('[data-testid=envelope-send]')]);
      assert.match(await page.locator('[data-testid=flash]').innerText(), /已发出 ¥8\.88 的红包/);
      await page.locator('[data-testid=envelope-detail]').waitFor();
      assert.match(await page.locator('[data-testid=envelope-status]').first().innerText(), /领取中/);
      await screenshot(page, 'communities-envelope-sent');

      // A 接龙.
      await page.click('[data-testid=tab-chains]');
      await page.fill('[data-testid=chain-title-input]', '周六线下品鉴会报名');
      await page.fill('[data-testid=chain-template]', '姓名+人数');
      await page.fill('#ch-max', '30');
      await Promise.all([page.waitForURL(/tab=chains/), page.click('[data-testid=chain-open]')]);
      assert.equal((await page.locator('[data-testid=chain-title]').innerText()).trim(), '周六线下品鉴会报名');
      await noLeakedKeys(page, 'chains tab');
      await screenshot(page, 'communities-chains-open');
      assert.deepEqual(errors, [], 'no script errors or CSP violations');
    });
  });

  it('a viewer opens the group page, joins, grabs the envelope and signs the 接龙', { timeout: 60_000 }, async () => {
    assert.ok(pageURL, 'the console test ran first');
    await withPage(browser, server, 'communities-page', async (page) => {
      const errors = watchErrors(page, { allow });
      await page.goto(pageURL);
      await page.locator('[data-testid=group-join]').waitFor();
      assert.equal((await page.locator('[data-testid=group-name]').innerText()).trim(), GROUP);
      assert.match(await page.locator('[data-testid=group-announcement]').innerText(), /每周三晚 8 点直播上新/);
      assert.equal((await page.locator('[data-testid=group-live-title]').innerText()).trim(), DEMO_TITLE);
      const reserve = await page.locator('[data-testid=group-reserve]').getAttribute('href');
      assert.match(reserve, /\/preview\?entry=[0-9a-z]{8}$/, 'the reservation link carries the group entry code');
      await noLeakedKeys(page, 'group page before joining');
      await screenshot(page, 'communities-page-visitor');

      await page.fill('[data-testid=group-nickname]', '小雨妈妈');
      await page.click('[data-testid=group-join-submit]');
      const grab = page.locator('[data-testid=group-grab]');
      await grab.waitFor();
      assert.equal(await page.locator('[data-testid=group-join]').isHidden(), true);
      await grab.click();
      const amount = page.locator('[data-testid=grab-amount]');
      await amount.waitFor();
      assert.match(await amount.innerText(), /^¥\d+(\.\d{2})?$/);
      await screenshot(page, 'communities-page-grabbed');
      await page.locator('[data-layer=envelope] [data-close]').last().click();
      await page.locator('[data-testid=group-envelope-state]').waitFor();
      assert.match(await page.locator('[data-testid=group-envelope-state]').innerText(), /已领取 ¥/);

      const chain = page.locator('[data-testid=group-chain]').first();
      await chain.locator('[data-testid=group-chain-input]').fill('小雨妈妈+2');
      await chain.locator('[data-testid=group-chain-submit]').click();
      await page.locator('[data-testid=group-chain-line]').first().waitFor();
      assert.match(await page.locator('[data-testid=group-chain-line]').first().innerText(), /1\s*小雨妈妈\+2/);
      await noLeakedKeys(page, 'group page as a member');
      await screenshot(page, 'communities-page-member');
      assert.deepEqual(errors, [], 'no script errors or CSP violations on the group page');
    }, { viewport: PHONE, isMobile: true, hasTouch: true });
  });

  it('the owner sees who grabbed how much and the numbered line', { timeout: 60_000 }, async () => {
    assert.ok(groupURL, 'the console test ran first');
    await withPage(browser, server, 'communities-results', async (page) => {
      const errors = watchErrors(page, { allow });
      await login(page, server.baseURL, OWNER);
      await page.goto(groupURL + '?tab=envelopes');
      const row = page.locator('[data-testid=grab-row]');
      await row.first().waitFor();
      assert.match(await row.first().innerText(), /小雨妈妈[\s\S]*¥\d/);
      assert.match(await page.locator('[data-testid=envelope-grabbed]').innerText(), /¥\d/);
      await screenshot(page, 'communities-envelope-results');

      await page.goto(groupURL + '?tab=members');
      assert.equal(await page.locator('[data-testid=member-row]').count(), 3, 'the viewer who joined is a member');
      assert.match(await page.locator('[data-testid=member-row]').first().innerText(), /小雨妈妈[\s\S]*自己加入/);

      await page.goto(groupURL + '?tab=chains');
      assert.match(await page.locator('[data-testid=chain-line]').first().innerText(), /1[\s\S]*小雨妈妈[\s\S]*小雨妈妈\+2/);
      await page.click('[data-testid=chain-close]');
      await page.waitForURL(/tab=chains/);
      await page.locator('[data-testid=chain-card] [data-status=closed]').waitFor();
      await screenshot(page, 'communities-chain-results');

      await page.goto(`${server.baseURL}/console/communities?lang=en`);
      await page.locator('[data-testid=community-row]').first().waitFor();
      assert.match(await page.locator('[data-testid=community-row]').first().innerText(), new RegExp(`${GROUP}[\\s\\S]*3`));
      await noLeakedKeys(page, 'group list in English');
      await screenshot(page, 'communities-list-en');
      assert.deepEqual(errors, [], 'no script errors or CSP violations');
    });
  });
});
