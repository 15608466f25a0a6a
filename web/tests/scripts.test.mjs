// 话术库 in the console: the demo owner finds the default answers, adds a category and a
// two-reply script with a variable (a misspelt variable first, refused with a clear
// message next to the reply), sees its card, and copies it filled in for a customer —
// the clipboard holds the rendered text and the card's use count goes up. Screenshots
// in Chinese and English land in web/tests/screenshots/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServerAndBrowser, stopServerAndBrowser, screenshot, withPage, pageText, login, watchErrors, noLeakedKeys,
  callAPI, apiLogin, svgServer, OWNER_EMAIL as OWNER } from './helpers.mjs';

// A product photo as a merchant's CDN would serve it.
const photo = () => `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="240" viewBox="0 0 360 240">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#d9ead3"/><stop offset="1" stop-color="#6aa36f"/></linearGradient></defs>
      <rect width="360" height="240" fill="url(#g)"/><circle cx="180" cy="130" r="62" fill="rgba(255,255,255,.35)"/>
      <path d="M150 110 h60 v40 a30 30 0 0 1 -60 0 z" fill="rgba(255,255,255,.8)"/></svg>`;

// A form sent back with its errors answers 422, which Chromium logs; that one is expected.
const allow = /status of 422/;

describe('console scripts', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let pics;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
    pics = await svgServer(photo);
    // A script with a picture, through the API, so the library shows every kind of reply.
    const token = await apiLogin(server.baseURL, OWNER);
    await callAPI(server.baseURL, 'POST', '/api/v1/scripts', token, { title: '有实拍图吗？', keywords: ['实拍', '图片'], snippets: [
      { kind: 'text', text: '{name}，这是主播今天现场拍的实物图，没有滤镜哦～' },
      { kind: 'image', url: `${pics.url}/tea.svg` },
      { kind: 'video', url: 'https://cdn.example.com/teaser.mp4' }] }, { status: 201 });
  });

  after(async () => {
    await stopServerAndBrowser({ server, browser });
    pics?.close();
  });

  it('operator creates a category and a two-reply script, then copies it filled in', { timeout: 120_000 }, async () => {
    await withPage(browser, server, 'scripts', async (page) => {
      const errors = watchErrors(page, { allow });
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseURL });
      await login(page, server.baseURL, OWNER);
      await Promise.all([page.waitForURL(/\/console\/scripts$/), page.click('[data-testid=nav] a[href="/console/scripts"]')]);
      const text = await pageText(page);
      for (const want of ['发货时间', '退换货', '直播时长', '优惠说明', '什么时候发货？', '有实拍图吗？']) {
        assert.ok(text.includes(want), `the library shows ${want}`);
      }
      await page.waitForFunction(() => [...document.querySelectorAll('.sc-image img')].every((i) => i.complete && i.naturalWidth > 0));
      await noLeakedKeys(page, 'library');
      await screenshot(page, 'scripts-library');

      // A category from the sidebar.
      await page.fill('[data-testid=cat-add] input[name=name]', '尺码建议');
      await Promise.all([page.waitForURL(/cat=\d+/), page.click('[data-testid=cat-add-submit]')]);
      assert.match(await page.locator('[data-testid=flash]').innerText(), /已添加分类「尺码建议」/);
      assert.equal(await page.locator('[data-testid=script-heading]').innerText().then((s) => s.startsWith('尺码建议')), true);
      await page.locator('[data-testid=scripts-empty]').waitFor();

      // The script: a text with a misspelt variable first, and a link.
      await Promise.all([page.waitForURL(/\/console\/scripts\/new/), page.click('[data-testid=script-new]')]);
      const form = page.locator('[data-testid=script-form]');
      await form.locator('input[name=title]').fill('穿多大码？');
      assert.equal(await form.locator('select[name=category_id] option:checked').innerText(), '尺码建议', 'the category is preselected');
      await form.locator('input[name=keywords]').fill('尺码，偏大');
      const rows = form.locator('[data-testid=snippet-row]');
      const first = rows.nth(0).locator('textarea[name=sn_text]');
      await first.fill('{nmae}您好，这款版型偏大，平时穿 M 的选 S 就好～');
      assert.equal(await rows.nth(0).locator('input[name=sn_url]').isVisible(), false, 'a text reply shows no address field');
      await form.locator('[data-testid=snippet-add]').click();
      assert.equal(await rows.count(), 2, 'one more reply row');
      await rows.nth(1).locator('select[name=sn_kind]').selectOption('link');
      assert.equal(await rows.nth(1).locator('textarea[name=sn_text]').isVisible(), false, 'a link shows no text box');
      await rows.nth(1).locator('input[name=sn_url]').fill('https://shop.example.com/size-chart');
      await rows.nth(1).locator('input[name=sn_title]').fill('查看尺码表');
      await form.locator('[data-testid=script-save]').click();

      const rowErr = page.locator('[data-testid=snippet-row] .field-error');
      await rowErr.first().waitFor();
      assert.match(await rowErr.first().innerText(), /没有变量 \{nmae\}，可用的变量：\{name\}/);
      assert.equal(await rows.nth(1).locator('input[name=sn_title]').inputValue(), '查看尺码表', 'the link row is kept');
      assert.equal(await rows.nth(1).locator('input[name=sn_url]').isVisible(), true, 'the kept link row shows its address');
      await screenshot(page, 'scripts-form-error');

      // Fix it with the variable button: it inserts {name} where the cursor is.
      await rows.nth(0).locator('textarea[name=sn_text]').fill('您好，这款版型偏大，平时穿 M 的选 S 就好～');
      await rows.nth(0).locator('textarea[name=sn_text]').evaluate((ta) => { ta.focus(); ta.setSelectionRange(0, 0); });
      await page.click('[data-testid=var-name]');
      assert.equal(await rows.nth(0).locator('textarea[name=sn_text]').inputValue(), '{name}您好，这款版型偏大，平时穿 M 的选 S 就好～');
      await screenshot(page, 'scripts-form');
      await Promise.all([page.waitForURL(/\/console\/scripts\?cat=\d+/), form.locator('[data-testid=script-save]').click()]);
      assert.match(await page.locator('[data-testid=flash]').innerText(), /已保存话术「穿多大码？」/);

      const card = page.locator('[data-testid=script-card][data-title="穿多大码？"]');
      await card.waitFor();
      assert.equal(await card.locator('.sc-snippets > li').count(), 2, 'two replies on the card');
      assert.match(await card.locator('[data-testid=snippet-text]').innerText(), /客户称呼您好/);
      assert.match(await card.locator('[data-testid=snippet-link]').innerText(), /查看尺码表/);

      // Copy/send with this customer's name: the clipboard holds the filled-in text.
      await page.locator('[data-testid=send-values-card] summary').click();
      await page.fill('[data-testid=value-name]', '王小雨');
      await card.locator('[data-testid=script-send]').click();
      const result = page.locator('#send-result [data-testid=send-result]');
      await result.waitFor();
      const sent = await result.locator('[data-testid=send-text]').innerText();
      assert.equal(sent, '王小雨您好，这款版型偏大，平时穿 M 的选 S 就好～\n\n查看尺码表\nhttps://shop.example.com/size-chart');
      await page.waitForFunction(() => document.querySelector('[data-sent]')?.classList.contains('copied'));
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), sent, 'the clipboard holds the rendered script');
      assert.equal(await card.locator('[data-testid=script-uses]').innerText(), '1', 'the use is counted on the card');
      await noLeakedKeys(page, 'category page');
      await screenshot(page, 'scripts-sent');

      // Search finds it by keyword from anywhere.
      await page.goto(`${server.baseURL}/console/scripts?q=${encodeURIComponent('偏大')}`);
      assert.equal(await page.locator('[data-testid=script-card]').count(), 1);
      assert.deepEqual(errors, [], 'no script errors or CSP violations');
    });
  });

  it('reads in English', { timeout: 60_000 }, async () => {
    await withPage(browser, server, 'scripts-en', async (page) => {
      const errors = watchErrors(page, { allow });
      await login(page, server.baseURL, OWNER, { lang: 'en' });
      await page.goto(`${server.baseURL}/console/scripts`);
      const text = await pageText(page);
      assert.ok(text.includes('All scripts') && text.includes('Copy / Send'), 'English texts');
      await noLeakedKeys(page, 'english library');
      await screenshot(page, 'scripts-library-en');
      assert.deepEqual(errors, []);
    }, { locale: 'en-US' });
  });
});
