// Live rooms end to end: the demo host starts the demo live from the studio, viewers
// in separate browser contexts join from an entry link and interact, the host and an
// English-speaking moderator run the room, the show ends and a late visitor reserves the
// brand's next show. Also the console live pages and the preview reservation.
// Contract with internal/web: the data-testid selectors below.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pageText } from './helpers.mjs';
import { liveSuite, HOST_EMAIL, OWNER_EMAIL, DEMO_TITLE, PHONE } from './live-helpers.mjs';

describe('live rooms', { timeout: 300_000 }, () => {
  const s = liveSuite();
  const { newPage, screenshot, guarded, login, say, ownerAPI } = s;
  let server;
  let sessionId = '';
  let entryCode = '';
  let reserved = 0; // the demo live's reservations after the preview test
  let nextId = 0; // the brand's next show, scheduled while the demo live runs

  before(async () => { server = await s.start(); });
  after(() => s.close());

  const comments = (page) => page.locator('[data-testid=comments]');

  const join = (page, nickname) => s.join(page, `${server.baseURL}/live/${entryCode}`, nickname);

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
      for (const x of ['基本信息', '直播脚本', '屏蔽词', '直播入口链接', '预约人数', '开始直播']) {
        assert.ok(text.includes(x), `detail page shows ${x}`);
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
      reserved = count + 1;
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
    // The owner moderates the same room in English: prompts come worded from their fields.
    const mod = await newPage('moderator-en');
    // The studio reads the comment list once each time it opens; banned-word comments
    // come on the socket, so it never polls. Reads are counted per page load.
    const commentReads = [0];
    host.on('framenavigated', (f) => { if (f === host.mainFrame()) commentReads.push(0); });
    host.on('request', (req) => { if (/\/api\/v1\/sessions\/\d+\/comments/.test(req.url())) commentReads[commentReads.length - 1]++; });
    await guarded(host, 'live-studio', async () => {
      await login(host, HOST_EMAIL);
      // The session list shows the reservation made on the preview page.
      await host.goto(`${server.baseURL}/console/live`);
      const row = host.locator(`[data-testid=live-row][data-id="${sessionId}"]`);
      assert.equal(Number(await row.locator('[data-testid=row-reservations]').innerText()), reserved);
      await screenshot(host, 'console-live-list-reserved');
      await host.goto(`${server.baseURL}/console/live/${sessionId}/studio`);
      await Promise.all([host.waitForURL(/\/studio$/), host.click('[data-testid=live-start]')]);
      await host.locator('[data-testid=status-badge][data-status=live]').first().waitFor();
      await host.locator('[data-testid=conn][data-conn=open]').waitFor();
      await login(mod, OWNER_EMAIL);
      await mod.goto(`${server.baseURL}/console/live/${sessionId}/studio?lang=en`);
      await mod.locator('[data-testid=conn][data-conn=open]').waitFor();

      await join(a, '小美');
      await join(b, '阿杰');
      await host.locator('[data-testid=prompt][data-kind=welcome]', { hasText: '欢迎 小美 进入直播间' }).waitFor();
      await mod.locator('[data-testid=prompt][data-kind=welcome]', { hasText: 'Welcome 小美 to the live!' }).waitFor();
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
      await host.locator('[data-testid=prompt][data-kind=suggest_red_envelope]', { hasText: '小美 送出了大额礼物 跑车（¥520）' }).waitFor();
      await mod.locator('[data-testid=prompt][data-kind=thank_gift]', { hasText: 'Thank 小美 for the 跑车' }).waitFor();
      await mod.locator('[data-testid=prompt][data-kind=suggest_red_envelope]', { hasText: '小美 sent a big gift (跑车, ¥520)' }).waitFor();
      await comments(b).getByText('跑车').waitFor();

      // A banned word reaches nobody but its sender; the studio shows it flagged.
      await say(b, '加我微信');
      await comments(b).getByText('加我微信').waitFor();
      await say(b, '这件大衣有M码吗');
      await comments(a).getByText('这件大衣有M码吗').waitFor();
      assert.equal(await comments(a).getByText('加我微信').count(), 0, 'viewer A must not see the banned comment');
      // The studio has it at once, flagged, from the socket (as fast as A's ordinary comment).
      await host.locator('[data-testid=studio-comment]', { hasText: '加我微信' }).locator('[data-testid=banned-flag]').waitFor({ timeout: 1_000 });
      await mod.locator('[data-testid=studio-comment]', { hasText: '加我微信' }).locator('[data-testid=banned-flag]').waitFor({ timeout: 1_000 });

      await a.click('[data-testid=follow]');
      await comments(b).getByText('关注了主播').waitFor();
      await say(b, '主播讲讲尺码');
      const bComment = host.locator('[data-testid=studio-comment]', { hasText: '主播讲讲尺码' });
      await bComment.waitFor();
      await screenshot(a, 'live-viewer');
      await screenshot(host, 'live-studio');
      await screenshot(mod, 'live-studio-en');

      // The room is on the discovery page while it is live, with its two viewers.
      const disc = await host.context().newPage();
      await disc.goto(`${server.baseURL}/discover`);
      const item = disc.locator('[data-testid=discover-live] [data-testid=dc-item]', { hasText: DEMO_TITLE });
      await item.waitFor();
      assert.match(await item.locator('[data-testid=dc-online]').innerText(), /^\s*2 人在看\s*$/);
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

      // A kicked viewer may come back; the end of the show reaches them with its final
      // figures and the brand's next show, which they reserve on the spot.
      await b.reload();
      await b.waitForFunction(() => document.getElementById('room').dataset.state === 'live');
      const next = await ownerAPI('POST', '/api/v1/sessions', { title: '下周二 · 羊绒专场', scheduled_at: s.inFuture(5 * 86400_000) });
      nextId = next.id;
      await Promise.all([host.waitForURL(/\/studio$/), host.click('[data-testid=live-end]')]);
      await b.locator('[data-testid=room-state]', { hasText: '直播已结束' }).waitFor();
      const figures = b.locator('[data-testid=room-state] [data-testid=final-stats]');
      await figures.waitFor();
      assert.match(await figures.innerText(), /累计观看[\s\S]*点赞[\s\S]*最高在线/);
      const nextCard = b.locator('[data-testid=next-show]', { hasText: '下周二 · 羊绒专场' });
      await nextCard.waitFor();
      await screenshot(b, 'live-viewer-ended');
      await nextCard.locator('[data-testid=next-reserve]').click();
      await nextCard.locator('[data-testid=next-reserve]', { hasText: '已预约' }).waitFor();
      assert.equal((await ownerAPI('GET', `/api/v1/sessions/${nextId}`)).reservations, 1);
      // The audit log names the live actions (the owner reads it in English).
      await mod.goto(`${server.baseURL}/console/audit`);
      const audit = await pageText(mod);
      for (const x of ['Live started', 'Live ended', 'session.start']) assert.ok(audit.includes(x), `the audit log shows ${x}`);
      await screenshot(mod, 'console-audit-live-en');
      assert.ok(Math.max(...commentReads) <= 1, `the studio read the comment list more than once per page load: ${commentReads}`);
      assert.deepEqual([...host.errors, ...mod.errors, ...a.errors, ...b.errors], []);
    });
  });

  it('a visitor after the end sees how it went and reserves the next show', { timeout: 60_000 }, async () => {
    const page = await newPage('late-visitor', { viewport: PHONE, mobile: true });
    await guarded(page, 'live-late', async () => {
      await page.goto(`${server.baseURL}/live/s/${sessionId}`);
      await page.locator('[data-testid=room-state]', { hasText: '直播已结束' }).waitFor();
      assert.equal(await page.locator('[data-testid=nickname-form]').isVisible(), false, 'nobody is asked to join an ended show');
      const figures = page.locator('[data-testid=room-state] [data-testid=final-stats]');
      await figures.waitFor();
      const nums = (await figures.locator('b').allInnerTexts()).map((x) => Number(x.replace(/,/g, '')));
      assert.ok(nums[0] >= 2 && nums[1] >= 6 && nums[2] >= 2, `final figures: ${nums}`);
      await page.locator('[data-testid=next-show]', { hasText: '下周二 · 羊绒专场' }).waitFor();
      await screenshot(page, 'live-viewer-ended-late');

      // The ended show's preview page says the same.
      await page.goto(`${server.baseURL}/live/s/${sessionId}/preview`);
      await page.locator('[data-testid=final-stats]').waitFor();
      await page.locator('[data-testid=next-show]', { hasText: '下周二 · 羊绒专场' }).waitFor();
      await screenshot(page, 'live-preview-ended');

      // 预约下一场 leads to the next show's preview, where the visitor reserves.
      await page.goto(`${server.baseURL}/live/s/${sessionId}`);
      await Promise.all([page.waitForURL(new RegExp(`/live/s/${nextId}/preview$`)),
        page.locator('[data-testid=next-show] [data-testid=next-reserve]').click()]);
      await page.click('[data-testid=reserve]');
      await page.fill('[data-testid=nickname-input]', '错过直播的小周');
      await page.click('[data-testid=nickname-submit]');
      await page.locator('[data-testid=reserve]', { hasText: '已预约' }).waitFor();
      assert.equal(Number(await page.locator('[data-testid=reservation-count]').innerText()), 2);
      assert.deepEqual(page.errors, []);
    });
  });
});
