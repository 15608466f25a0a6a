// 一键触达 end to end: a customer watched an earlier live on their phone; the operator
// builds a broadcast for tomorrow's live to a segment holding them, with a talk-track
// and a poster, and sends it now. On the phone the message is behind the bell; its
// link lands in tomorrow's room, attributed to the broadcast's entry link, and the
// console shows the recipient clicked and came. Screenshots land in web/tests/screenshots/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, screenshot as save, pageText, repoRoot } from './helpers.mjs';

const PASSWORD = 'siyu-demo';
const OWNER = 'owner@demo.siyu';
const DEMO_TITLE = '秋冬新品首发 · 直播专场';
const TOMORROW_TITLE = '明晚 8 点 · 春季新品发布';
const NICK = '爱逛街的小美';
const TAG = '老粉';

const i18nDir = path.join(repoRoot, 'internal/web/i18n');
const catalogKeys = readdirSync(i18nDir).filter((f) => /^zh-CN(\.[a-z-]+)?\.json$/.test(f))
  .flatMap((f) => Object.keys(JSON.parse(readFileSync(path.join(i18nDir, f), 'utf8'))));

function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => d.accept());
  return errors;
}

async function noLeakedKeys(page, what) {
  const words = new Set((await pageText(page)).split(/[\s"'“”「」（）()：:·,，]+/));
  assert.deepEqual(catalogKeys.filter((k) => words.has(k)), [], `${what} shows untranslated catalog keys`);
}

async function screenshot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return save(page, name);
}

describe('one-click reach', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let owner;
  let operator; // the operator's page (console)
  let phone; // the customer's phone (a second browser context)
  let oldID;
  let nextID;
  let broadcastID;

  const api = async (method, p, token, body) => {
    const res = await fetch(server.baseURL + p, { method, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const data = res.status === 204 ? {} : await res.json();
    assert.ok(res.ok, `${method} ${p}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };
  const until = async (what, fn, ms = 20_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      assert.ok(Date.now() < end, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    owner = (await api('POST', '/api/v1/auth/login', '', { email: OWNER, password: PASSWORD })).token;
    oldID = (await api('GET', '/api/v1/sessions', owner)).items.find((s) => s.title === DEMO_TITLE).id;
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    tomorrow.setUTCHours(12, 0, 0, 0); // 20:00 in China
    nextID = (await api('POST', '/api/v1/sessions', owner, { title: TOMORROW_TITLE, scheduled_at: tomorrow.toISOString(),
      description: '春季新品首发，直播间专享优惠' })).id;
    const ctxA = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } });
    const ctxB = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    ctxA.setDefaultTimeout(15_000);
    ctxB.setDefaultTimeout(15_000);
    operator = await ctxA.newPage();
    phone = await ctxB.newPage();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  const guarded = async (page, name, fn) => {
    try {
      await fn();
    } catch (err) {
      await save(page, `${name}-FAILED`).catch(() => {});
      server.printLog();
      throw err;
    }
  };

  it('a viewer of an earlier live becomes a tagged customer', { timeout: 60_000 }, async () => {
    await guarded(phone, 'reach-phone-first-visit', async () => {
      await phone.goto(`${server.baseURL}/live/s/${oldID}`);
      await phone.locator('[data-testid=nickname-form]').waitFor({ state: 'visible' });
      await phone.fill('[data-testid=nickname-input]', NICK);
      await phone.click('[data-testid=nickname-submit]');
      await phone.locator('[data-testid=nickname-form]').waitFor({ state: 'hidden' });
      const customer = await until('the viewer to become a customer', async () =>
        (await api('GET', `/api/v1/customers?q=${encodeURIComponent(NICK)}`, owner)).items[0]);
      await api('POST', `/api/v1/customers/${customer.id}/tags`, owner, { tags: [TAG] });
      // Two more customers of the segment without a viewer account: unreachable in-app.
      for (const [name, ph] of [['王女士', '13800138011'], ['李先生', '13800138012']]) {
        await api('POST', '/api/v1/customers', owner, { name, phone: ph, tags: [TAG] });
      }
      await api('POST', '/api/v1/segments', owner, { name: '老粉 · 看过直播', rule: `tag:${TAG}` });
    });
  });

  it('the operator builds a broadcast for tomorrow\'s live and sends it now', { timeout: 90_000 }, async () => {
    const page = operator;
    const errors = watchErrors(page);
    await guarded(page, 'reach-operator', async () => {
      await page.goto(`${server.baseURL}/console/login`);
      await page.fill('input[name=email]', OWNER);
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([page.waitForURL((u) => u.pathname === '/console' || u.pathname === '/console/'), page.click('button[type=submit]')]);
      await Promise.all([page.waitForURL(/\/console\/reach$/), page.click('[data-testid=nav] a[href="/console/reach"]')]);
      await page.locator('[data-testid=reach-empty]').waitFor();
      await noLeakedKeys(page, 'reach list (empty)');
      await screenshot(page, 'reach-empty');

      await Promise.all([page.waitForURL(/\/console\/reach\/new$/), page.click('[data-testid=reach-new]')]);
      await page.fill('[data-testid=reach-name-input]', '明晚新品直播 · 老粉预告');
      await page.selectOption('[data-testid=reach-session]', String(nextID));
      await page.fill('#rf-coupon', '直播间专享满199减30');
      const row = page.locator('[data-testid=aud-row]').first();
      const segValue = await row.locator('select option', { hasText: '老粉 · 看过直播' }).getAttribute('value');
      await row.locator('select').selectOption(segValue);
      const text = row.locator('[data-testid=aud-text]');
      await text.fill('');
      await text.type('亲爱的');
      await row.locator('[data-var=name]').click();
      await text.type('，');
      await row.locator('[data-var=live_time]').click();
      await text.type(' 开播「');
      await row.locator('[data-var=live_title]').click();
      await text.type('」，');
      await row.locator('[data-var=coupon]').click();
      await text.type('，点这里预约进直播间：');
      await row.locator('[data-var=live_link]').click();
      assert.match(await text.inputValue(), /^亲爱的\{name\}，\{live_time\} 开播「\{live_title\}」，\{coupon\}，点这里预约进直播间：\{live_link\}$/);
      assert.ok(await page.locator('[data-testid=reach-poster]').isChecked(), 'posters are on by default');
      assert.ok(await page.locator('[data-testid=channel-in_app] input').isChecked(), 'in-app is the default channel');
      assert.ok(await page.locator('[data-testid=channel-sms] input').isDisabled(), 'an unconfigured SMS gateway cannot be picked');
      await page.locator('[data-testid=when-now] input').check();
      // The preview follows the form: three customers, one sample message.
      await until('the preview', async () => (await page.locator('[data-testid=preview-total] b').innerText().catch(() => '')) === '3');
      assert.match(await page.locator('[data-testid=preview-sample]').first().innerText(), /开播「明晚 8 点 · 春季新品发布」，直播间专享满199减30，点这里预约进直播间：http/);
      await noLeakedKeys(page, 'reach form');
      await screenshot(page, 'reach-form');

      await Promise.all([page.waitForURL(/\/console\/reach\/\d+$/), page.click('[data-testid=reach-submit]')]);
      broadcastID = page.url().match(/\/console\/reach\/(\d+)$/)[1];
      await until('the send to finish', async () => {
        await page.reload();
        return (await page.locator('[data-testid=reach-status]').getAttribute('data-status')) === 'sent';
      });
      assert.equal(await page.locator('[data-testid=funnel-recipients]').innerText(), '3');
      assert.equal(await page.locator('[data-testid=funnel-delivered]').innerText(), '1');
      assert.equal(await page.locator('[data-testid=count-unreachable]').innerText(), '2');
      assert.match(await page.locator('[data-testid=recipient-row][data-stage=unreachable]').first().innerText(), /未看过直播，没有观众账号/);
      await page.locator('[data-testid=reach-poster-img]').evaluate((img) => img.complete || new Promise((r) => { img.onload = r; img.onerror = r; }));
      assert.ok(await page.locator('[data-testid=reach-poster-img]').evaluate((img) => img.naturalWidth === 750), 'the poster preview is drawn');
      await noLeakedKeys(page, 'reach detail');
      await screenshot(page, 'reach-detail-sent');
      assert.deepEqual(errors, []);
    });
  });

  it('the customer opens the message on their phone and lands in tomorrow\'s room', { timeout: 90_000 }, async () => {
    const errors = watchErrors(phone);
    await guarded(phone, 'reach-phone', async () => {
      await phone.goto(`${server.baseURL}/live/s/${oldID}`);
      await phone.locator('[data-testid=bell-badge]').waitFor({ state: 'visible' });
      await phone.click('[data-testid=bell]');
      const sheet = phone.locator('[data-testid=notes-sheet]');
      await sheet.waitFor({ state: 'visible' });
      const note = sheet.locator('li').first();
      assert.match(await note.innerText(), new RegExp(`${TOMORROW_TITLE}[\\s\\S]*亲爱的${NICK}，\\d+月\\d+日 周. 20:00 开播`));
      await screenshot(phone, 'reach-phone-message');
      await Promise.all([phone.waitForURL(/\/live\/[0-9a-z]{8}$/), note.locator('a.note-link').click()]);
      // The landing made this phone a viewer of tomorrow's live through the broadcast's entry link.
      const me = await phone.evaluate((sid) => JSON.parse(localStorage.getItem('siyu.viewer.' + sid) || 'null'), nextID);
      assert.ok(me && me.token, 'the landing kept a viewer of tomorrow\'s live on the phone');
      assert.equal(me.nickname, NICK);
      await phone.locator('[data-testid=nickname-form]').waitFor({ state: 'hidden' });
      assert.ok((await pageText(phone)).includes(TOMORROW_TITLE));
      await screenshot(phone, 'reach-phone-room');
      assert.deepEqual(errors, []);
    });
  });

  it('the console shows the recipient clicked and came, through the broadcast\'s entry link', { timeout: 60_000 }, async () => {
    const page = operator;
    await guarded(page, 'reach-came', async () => {
      await until('the recipient to come', async () => {
        await page.goto(`${server.baseURL}/console/reach/${broadcastID}?status=came`);
        return (await page.locator('[data-testid=recipient-row][data-stage=came]').count()) === 1;
      });
      const row = page.locator('[data-testid=recipient-row][data-stage=came]');
      assert.match(await row.innerText(), new RegExp(`${NICK}[\\s\\S]*站内信[\\s\\S]*进入直播间`));
      assert.equal(await row.locator('[data-testid=clicked-at]').count(), 1);
      assert.equal(await row.locator('[data-testid=came-at]').count(), 1);
      for (const [k, v] of [['recipients', '3'], ['delivered', '1'], ['opened', '1'], ['clicked', '1'], ['came', '1']]) {
        assert.equal(await page.locator(`[data-testid=funnel-${k}]`).innerText(), v, `funnel ${k}`);
      }
      assert.equal(await page.locator('[data-testid=entry-viewers]').innerText(), '1');
      const code = await page.locator('[data-testid=entry-code]').innerText();
      await screenshot(page, 'reach-detail-came');

      // The live's own attribution: the broadcast entry link brought one viewer.
      await page.goto(`${server.baseURL}/console/live/${nextID}`);
      const entry = page.locator(`[data-testid=entry-row][data-code="${code}"]`);
      assert.match(await entry.innerText(), /一键触达[\s\S]*1/);
      await page.goto(`${server.baseURL}/console/reach`);
      assert.match(await page.locator('[data-testid=reach-row]').first().innerText(), /已发送[\s\S]*3[\s\S]*1[\s\S]*1[\s\S]*1[\s\S]*1/);
      await screenshot(page, 'reach-list');
      await page.goto(`${server.baseURL}/console/reach/${broadcastID}?lang=en`);
      await noLeakedKeys(page, 'reach detail (English)');
      await screenshot(page, 'reach-detail-en');
      await page.goto(`${server.baseURL}/console/reach/${broadcastID}/poster.png`);
      await screenshot(page, 'reach-poster');
    });
  });
});
