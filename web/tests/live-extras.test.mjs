// Live rooms, the rest of the show: reminders of a reservation, the gift drawer, phone
// verification, on-mic requests, announcements, followers-only chat, co-streaming, an
// interrupted stream, and the discovery page in English.
// Contract with internal/web: the data-testid selectors below.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pageText, apiLogin } from './helpers.mjs';
import { liveSuite, OWNER_EMAIL, PHONE } from './live-helpers.mjs';

describe('live room extras', { timeout: 300_000 }, () => {
  const s = liveSuite();
  const { newPage, screenshot, guarded, login, say, callAPI } = s;
  let server;

  before(async () => { server = await s.start(); });
  after(() => s.close());

  it('reminders, phone verification, on-mic, announcements and co-streaming', { timeout: 180_000 }, async () => {
    const api = callAPI;
    const token = await apiLogin(server.baseURL, OWNER_EMAIL);
    const at = s.inFuture(3 * 3600_000);
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
      await login(host, OWNER_EMAIL);
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
      const other = s.watch(await host.context().newPage(), 'other studio');
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
      for (const x of ['Discover lives', 'This hour', 'This week', 'Starting soon']) assert.ok(text.includes(x), `English discovery shows ${x}`);
      await page.click('[data-testid=tab-week]');
      await page.locator('#rank-week').waitFor({ state: 'visible' });
      await screenshot(page, 'live-discover-en');
      assert.deepEqual(page.errors, []);
    });
  });

  it('a prize link opened on a device that did not enter explains where to claim it', { timeout: 60_000 }, async () => {
    const page = await newPage('prize', { viewport: PHONE, mobile: true });
    await guarded(page, 'prize', async () => {
      await page.goto(`${server.baseURL}/live/prizes/1`);
      await page.locator('[data-testid=prize-device]').waitFor({ state: 'visible' });
      assert.ok((await pageText(page)).includes('请在参与抽奖的设备上领取'));
      assert.equal(await page.locator('[data-testid=prize-form]').isVisible(), false);
      await screenshot(page, 'live-prize-other-device');
      assert.deepEqual(page.errors, []);
    });
  });
});
