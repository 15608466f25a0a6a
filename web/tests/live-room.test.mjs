// Live rooms end to end: the demo host starts the demo live from the studio, viewers
// in separate browser contexts join from an entry link and interact, the host moderates.
// Also the console live pages, the preview reservation and the discovery page.
// Contract with internal/web: the data-testid selectors below.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer, chromiumPath, screenshot as save, pageText } from './helpers.mjs';

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
    // helpers.mjs's flags plus three that keep timers running in every viewer's window:
    // several headless windows overlap, and Chromium throttles the occluded ones.
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--headless', '--no-sandbox',
      '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows',
      '--disable-renderer-backgrounding'] });
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

  // Full-page screenshots from the top, so the console's sticky bars stay in place.
  // Every screenshotted page is also checked for catalog keys that leaked untranslated.
  async function screenshot(page, name) {
    await page.evaluate(() => window.scrollTo(0, 0)).catch(() => {});
    const leaked = (await pageText(page)).match(/\b(?:live|pub|js|err|flash)\.[a-z_]+(?:\.[a-z_]+)*\b/g);
    assert.equal(leaked, null, `${name} shows untranslated catalog keys: ${leaked}`);
    return save(page, name);
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
      await page.locator('[data-testid=gift-row][data-name="跑车"]').waitFor();
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
      await comments(b).getByText('关注了主播').waitFor();
      await say(b, '主播讲讲尺码');
      const bComment = host.locator('[data-testid=studio-comment]', { hasText: '主播讲讲尺码' });
      await bComment.waitFor();
      await screenshot(a, 'live-viewer');
      await screenshot(host, 'live-studio');

      // The room is on the discovery page while it is live.
      const disc = await host.context().newPage();
      await disc.goto(`${server.baseURL}/discover`);
      await disc.locator('[data-testid=discover-live] [data-testid=dc-item]', { hasText: DEMO_TITLE }).waitFor();
      await screenshot(disc, 'live-discover');
      await disc.close();

      // Mute A: A's next comment is refused with a visible notice, nobody sees it.
      const aComment = host.locator('[data-testid=studio-comment]', { hasText: '主播好美' });
      await aComment.hover();
      await aComment.locator('[data-testid=mod-mute5]').click();
      await aComment.locator('[data-testid=sanction-flag]').waitFor();
      await a.locator('[data-testid=room-notice]', { hasText: '禁言' }).waitFor();
      await say(a, '我还能说话吗');
      await a.locator('[data-testid=room-notice]', { hasText: '禁言' }).waitFor();
      await a.locator('#toast').waitFor({ state: 'hidden' });
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

  it('reminders, phone verification, on-mic, announcements and co-streaming', { timeout: 180_000 }, async () => {
    const api = async (method, path, token, body) => {
      const res = await fetch(server.baseURL + path, { method, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body) });
      const data = res.status === 204 ? {} : await res.json();
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
      return data;
    };
    const { token } = await api('POST', '/api/v1/auth/login', undefined, { email: 'owner@demo.siyu', password: PASSWORD });
    const at = new Date(Date.now() + 3 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const x = await api('POST', '/api/v1/sessions', token, { title: '周末宠粉专场', scheduled_at: at });
    const y = await api('POST', '/api/v1/sessions', token, { title: '新品连麦直播', scheduled_at: at });

    const host = await newPage('owner-studio');
    const c = await newPage('viewer-c', { viewport: PHONE, mobile: true });
    await guarded(c, 'live-extras', async () => {
      // Reserve on the preview, then the start reminds the reserver in the room (bell).
      await c.goto(`${server.baseURL}/live/s/${x.id}/preview`);
      await c.click('[data-testid=reserve]');
      await c.fill('[data-testid=nickname-input]', '追直播的丽丽');
      await c.click('[data-testid=nickname-submit]');
      await c.locator('[data-testid=reserve]', { hasText: '已预约' }).waitFor();
      await api('POST', `/api/v1/sessions/${x.id}/start`, token);
      await api('POST', `/api/v1/sessions/${y.id}/start`, token);
      await c.goto(`${server.baseURL}/live/s/${x.id}`);
      await c.waitForFunction(() => document.getElementById('room').dataset.state === 'live');
      await c.locator('[data-testid=bell-badge]').waitFor({ timeout: 20_000 });
      await c.click('[data-testid=bell]');
      await c.locator('[data-testid=notes-sheet] li').first().waitFor();
      await c.waitForTimeout(300); // the sheet slides in
      await screenshot(c, 'live-viewer-notifications');
      await c.click('[data-testid=notes-sheet] [data-close]');
      await c.locator('[data-testid=bell-badge]').waitFor({ state: 'hidden' });

      // The gift drawer.
      await c.click('[data-testid=gift-open]');
      await c.locator('[data-testid=gift-item]').first().click();
      await c.waitForTimeout(300);
      await screenshot(c, 'live-viewer-gifts');
      await c.click('[data-testid=gift-drawer] [data-close]');

      // Phone verification with the code from the sandbox SMS outbox.
      await c.click('[data-testid=me]');
      await c.fill('[data-testid=phone-input]', '13800138000');
      await c.click('[data-testid=phone-send]');
      let code = '';
      for (let i = 0; i < 20 && !code; i++) {
        const sms = await api('GET', '/api/v1/sandbox/sms?phone=13800138000', token);
        const m = (sms.items || []).map((n) => (n.body || '').match(/\d{6}/)).find(Boolean);
        if (m) code = m[0];
        else await c.waitForTimeout(250);
      }
      assert.ok(code, 'the sandbox outbox has the code');
      await c.fill('[data-testid=code-input]', code);
      await c.locator('#toast').waitFor({ state: 'hidden' });
      await screenshot(c, 'live-viewer-phone');
      await c.click('[data-testid=phone-verify]');
      await c.locator('[data-me-tag]', { hasText: '已验证手机' }).waitFor();
      await c.locator('#toast').waitFor({ state: 'hidden' });
      await screenshot(c, 'live-viewer-me');
      await c.click('[data-testid=me-sheet] [data-close]');

      // 上麦: the viewer asks, the host approves in the studio, the viewer is told.
      await login(host, 'owner@demo.siyu');
      await host.goto(`${server.baseURL}/console/live/${x.id}/studio`);
      await host.locator('[data-testid=conn][data-conn=open]').waitFor();
      await c.click('[data-testid=mic]');
      await host.locator('[data-testid=mic-row]', { hasText: '追直播的丽丽' }).waitFor();
      await host.click('[data-testid=mic-approve]');
      await c.locator('#toast', { hasText: '主播同意了你的上麦申请' }).waitFor();

      // A pinned announcement reaches the room.
      await host.fill('#st-ann', '新公告：满 199 包邮，今晚 9 点抽奖');
      await host.click('[data-testid=announce-pin]');
      await c.locator('[data-testid=announcement]', { hasText: '满 199 包邮' }).waitFor();

      // Followers-only chat: a viewer who does not follow is told how to comment.
      await host.locator('[data-followers]').check();
      await host.locator('#toast', { hasText: '已保存' }).waitFor();
      await c.waitForTimeout(300);
      await say(c, '我能评论吗');
      await c.locator('[data-testid=room-notice]', { hasText: '关注后就能发言' }).waitFor();
      await host.locator('[data-followers]').uncheck();

      // Co-streaming: invite the brand's other live, accept there, both rooms pair up.
      const other = await host.context().newPage();
      other.errors = [];
      other.on('pageerror', (err) => other.errors.push(`other studio: ${err.message}`));
      await other.goto(`${server.baseURL}/console/live/${y.id}/studio`);
      await other.locator('[data-testid=conn][data-conn=open]').waitFor();
      await host.selectOption('#st-partner', String(y.id));
      await host.click('[data-testid=costream-invite]');
      await other.locator('[data-testid=costream-accept]').click();
      await host.locator('[data-partner-pane]').waitFor({ state: 'visible' });
      await other.locator('[data-partner-pane]').waitFor({ state: 'visible' });
      await c.locator('[data-pair]').waitFor({ state: 'visible' });
      await screenshot(host, 'live-studio-costream');
      await screenshot(c, 'live-viewer-costream');

      // An interrupted stream: viewers see that the host stepped away, then the show again.
      await api('POST', `/api/v1/sessions/${x.id}/interrupt`, token);
      await c.locator('[data-testid=room-state]', { hasText: '主播暂时离开' }).waitFor();
      await screenshot(c, 'live-viewer-interrupted');
      await api('POST', `/api/v1/sessions/${x.id}/resume`, token);
      await c.locator('[data-testid=room-state]').waitFor({ state: 'hidden' });
      assert.deepEqual([...host.errors, ...c.errors, ...other.errors], []);
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
