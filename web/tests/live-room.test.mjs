// Live rooms end to end: the demo host starts the demo live from the studio, viewers
// in separate browser contexts join from an entry link and interact, the host moderates.
// Also the console live pages, the preview reservation and the discovery page.
// Contract with internal/web: the data-testid selectors below.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshot, pageText } from './helpers.mjs';

const HOST_EMAIL = 'host@demo.siyu';
const PASSWORD = 'siyu-demo';
const DEMO_TITLE = '秋冬新品首发 · 直播专场';
const PHONE = { width: 390, height: 844 };

describe('live rooms', { timeout: 300_000 }, () => {
  let server;
  let browser;
  const contexts = [];
  let sessionId = '';
  let entryCode = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  // A fresh context per person: own cookies and localStorage, China time and language.
  async function newPage(name, { viewport = { width: 1280, height: 800 }, mobile = false } = {}) {
    const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport,
      isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1 });
    ctx.setDefaultTimeout(15_000);
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.errors = [];
    page.on('pageerror', (err) => page.errors.push(`${name}: ${err.message}`));
    page.on('console', (msg) => {
      // A WebSocket closed by a kick or ban is expected; script and CSP errors are not.
      if (msg.type() === 'error' && !/WebSocket|Failed to load resource/.test(msg.text())) page.errors.push(`${name}: ${msg.text()}`);
    });
    page.on('dialog', (d) => d.accept());
    return page;
  }

  async function guarded(page, name, fn) {
    try {
      return await fn();
    } catch (err) {
      await screenshot(page, `${name}-FAILED`).catch(() => {});
      server.printLog();
      throw err;
    }
  }

  async function login(page, email) {
    await page.goto(`${server.baseURL}/console/login`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/console'), page.click('button[type=submit]')]);
  }

  async function join(page, nickname) {
    await page.goto(`${server.baseURL}/live/${entryCode}`);
    await page.locator('[data-testid=nickname-form]').waitFor({ state: 'visible' });
    await page.fill('[data-testid=nickname-input]', nickname);
    await page.click('[data-testid=nickname-submit]');
    await page.locator('[data-testid=nickname-form]').waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.getElementById('room').dataset.state === 'live');
  }

  async function say(page, text) {
    await page.fill('[data-testid=comment-input]', text);
    await page.click('[data-testid=comment-send]');
  }

  const comments = (page) => page.locator('[data-testid=comments]');

  it('console lists the demo live and shows its settings and entry links', { timeout: 90_000 }, async () => {
    const page = await newPage('console');
    await guarded(page, 'console-live', async () => {
      await login(page, HOST_EMAIL);
      await page.goto(`${server.baseURL}/console/live`);
      const row = page.locator('[data-testid=live-row]', { hasText: DEMO_TITLE });
      if ((await row.count()) === 0) {
        // Without the demo seed's live, create it as a merchant would.
        await page.goto(`${server.baseURL}/console/live/new`);
        await page.fill('#lv-title', DEMO_TITLE);
        await Promise.all([page.waitForURL(/\/console\/live\/\d+$/), page.click('[data-testid=live-create]')]);
        await page.selectOption('#en-channel', 'community');
        await page.fill('#en-label', '老客福利群');
        await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=entry-create]')]);
        await page.fill('#lv-banned', '微信');
        await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=banned-save]')]);
        await page.goto(`${server.baseURL}/console/live`);
      }
      assert.match(await row.first().innerText(), /预告中/);
      await screenshot(page, 'console-live-list');
      await Promise.all([page.waitForURL(/\/console\/live\/\d+$/), row.first().locator('a.session-cell').click()]);
      sessionId = page.url().match(/\/console\/live\/(\d+)$/)[1];
      entryCode = await page.locator('[data-testid=entry-row]').first().getAttribute('data-code');
      assert.ok(entryCode, 'the demo live has an entry link');
      const text = await pageText(page);
      for (const s of ['基本信息', '直播脚本', '屏蔽词', '直播入口链接', '预约人数', '开始直播']) {
        assert.ok(text.includes(s), `detail page shows ${s}`);
      }
      await screenshot(page, 'console-live-detail');
      await page.goto(`${server.baseURL}/console/live/gifts`);
      assert.ok((await pageText(page)).includes('跑车'));
      await screenshot(page, 'console-live-gifts');
      assert.deepEqual(page.errors, []);
    });
  });

  it('a viewer reserves on the preview page', { timeout: 60_000 }, async () => {
    const page = await newPage('preview', { viewport: PHONE, mobile: true });
    await guarded(page, 'live-preview', async () => {
      await page.goto(`${server.baseURL}/live/s/${sessionId}/preview`);
      const count = Number(await page.locator('[data-testid=reservation-count]').innerText());
      assert.match(await page.locator('[data-testid=preview-title]').innerText(), /秋冬新品首发/);
      await page.click('[data-testid=reserve]');
      await page.fill('[data-testid=nickname-input]', '预约的小王');
      await page.click('[data-testid=nickname-submit]');
      await page.locator('[data-testid=reserve]', { hasText: '已预约' }).waitFor();
      assert.equal(Number(await page.locator('[data-testid=reservation-count]').innerText()), count + 1);
      await screenshot(page, 'live-preview');
      await page.reload();
      await page.locator('[data-testid=reserve]', { hasText: '已预约' }).waitFor();
      assert.deepEqual(page.errors, []);
    });
  });

  it('the host runs the show; viewers comment, like, gift; moderation holds', { timeout: 180_000 }, async () => {
    const host = await newPage('host');
    const a = await newPage('viewer-a', { viewport: PHONE, mobile: true });
    const b = await newPage('viewer-b', { viewport: PHONE, mobile: true });
    await guarded(host, 'live-studio', async () => {
      await login(host, HOST_EMAIL);
      await host.goto(`${server.baseURL}/console/live/${sessionId}/studio`);
      await Promise.all([host.waitForURL(/\/studio$/), host.click('[data-testid=live-start]')]);
      await host.locator('[data-testid=status-badge][data-status=live]').first().waitFor();
      await host.locator('[data-testid=conn][data-conn=open]').waitFor();

      await join(a, '小美');
      await join(b, '阿杰');
      await host.locator('[data-testid=prompt][data-kind=welcome]', { hasText: '欢迎 小美 进入直播间' }).waitFor();
      await host.locator('[data-testid=stat-online]', { hasText: '2' }).waitFor();

      // A comment reaches the other viewer within a second.
      const t0 = Date.now();
      await say(a, '主播好美');
      await comments(b).getByText('主播好美').waitFor({ timeout: 1_000 });
      assert.ok(Date.now() - t0 <= 1_000, `comment took ${Date.now() - t0} ms`);
      await host.locator('[data-testid=studio-comment]', { hasText: '主播好美' }).waitFor();

      // Taps aggregate into likes the host sees.
      for (let i = 0; i < 6; i++) await b.click('[data-testid=like]');
      await host.waitForFunction(() => Number(document.querySelector('[data-testid=stat-likes]').textContent.replace(/,/g, '')) >= 6);

      // A gift: the host is prompted to thank the giver by name (a big one: red envelope).
      await a.click('[data-testid=gift-open]');
      await a.locator('[data-testid=gift-item][data-gift-name="跑车"]').click();
      await a.click('[data-testid=gift-send]');
      await host.locator('[data-testid=prompt][data-kind=thank_gift]', { hasText: '感谢 小美 送出的 跑车' }).waitFor();
      await host.locator('[data-testid=prompt][data-kind=suggest_red_envelope]').waitFor();
      await comments(b).getByText('跑车').waitFor();

      // A banned word reaches nobody but its sender; the studio shows it flagged.
      await say(b, '加我微信');
      await comments(b).getByText('加我微信').waitFor();
      await say(b, '这件大衣有M码吗');
      await comments(a).getByText('这件大衣有M码吗').waitFor();
      assert.equal(await comments(a).getByText('加我微信').count(), 0, 'viewer A must not see the banned comment');
      await host.locator('[data-testid=studio-comment]', { hasText: '加我微信' }).locator('[data-testid=banned-flag]').waitFor({ timeout: 10_000 });

      await a.click('[data-testid=follow]');
      await screenshot(a, 'live-viewer');
      await host.goto(`${server.baseURL}/discover`);
      await host.locator('[data-testid=discover-live] [data-testid=dc-item]', { hasText: DEMO_TITLE }).waitFor();
      await screenshot(host, 'live-discover');
      await host.goto(`${server.baseURL}/console/live/${sessionId}/studio`);
      await host.locator('[data-testid=conn][data-conn=open]').waitFor();
      await say(b, '主播讲讲尺码');
      const bComment = host.locator('[data-testid=studio-comment]', { hasText: '主播讲讲尺码' });
      await bComment.waitFor();
      await screenshot(host, 'live-studio');

      // Mute A: A's next comment is refused with a visible notice, nobody sees it.
      const aComment = host.locator('[data-testid=studio-comment]', { hasText: '主播好美' });
      await aComment.hover();
      await aComment.locator('[data-testid=mod-mute5]').click();
      await aComment.locator('[data-testid=sanction-flag]').waitFor();
      await a.locator('[data-testid=room-notice]', { hasText: '禁言' }).waitFor();
      await say(a, '我还能说话吗');
      await a.locator('[data-testid=room-notice]', { hasText: '禁言' }).waitFor();
      await screenshot(a, 'live-viewer-muted');
      await b.waitForTimeout(800);
      assert.equal(await comments(b).getByText('我还能说话吗').count(), 0, 'a muted comment reaches nobody');

      // Kick B: B's page says so.
      await bComment.hover();
      await bComment.locator('[data-testid=mod-kick]').click();
      await b.locator('[data-testid=room-state]', { hasText: '你已被移出直播间' }).waitFor();
      await screenshot(b, 'live-viewer-kicked');

      // Ban A: A's page says so, and a reload is refused.
      await aComment.hover();
      await aComment.locator('[data-testid=mod-ban]').click();
      await a.locator('[data-testid=room-state]', { hasText: '你已被拉黑' }).waitFor();
      await a.reload();
      await a.locator('[data-testid=room-state]', { hasText: '你已被拉黑' }).waitFor();
      await screenshot(a, 'live-viewer-banned');

      // A kicked viewer may come back; the end of the show reaches them.
      await b.reload();
      await b.waitForFunction(() => document.getElementById('room').dataset.state === 'live');
      await Promise.all([host.waitForURL(/\/studio$/), host.click('[data-testid=live-end]')]);
      await b.locator('[data-testid=room-state]', { hasText: '直播已结束' }).waitFor();
      await screenshot(b, 'live-viewer-ended');
      assert.deepEqual([...host.errors, ...a.errors, ...b.errors], []);
    });
  });

  it('discovery lists rankings and upcoming shows, in English too', { timeout: 60_000 }, async () => {
    const page = await newPage('discover', { viewport: PHONE, mobile: true });
    await guarded(page, 'discover', async () => {
      await page.goto(`${server.baseURL}/discover?lang=en`);
      const text = await pageText(page);
      for (const s of ['Discover lives', 'This hour', 'This week', 'Starting soon']) assert.ok(text.includes(s), `English discovery shows ${s}`);
      await page.click('[data-testid=tab-week]');
      await page.locator('#rank-week').waitFor({ state: 'visible' });
      await screenshot(page, 'live-discover-en');
      assert.deepEqual(page.errors, []);
    });
  });
});
