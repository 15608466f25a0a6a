// 数据分析 end to end: the owner keeps the live dashboard open while viewers join the
// room (real WebSockets, from a page of the site), comment, like, open products and
// buy; the dashboard's online and order figures follow within seconds without a
// reload. The session ends, the report's figures match what the viewers did, every
// chart is drawn, the one-click tag tags the buyers and the Excel export answers.
// Screenshots of the dashboard and the report in Chinese and English.
// Contract with internal/web: the data-testid selectors below.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { liveSuite, OWNER_EMAIL } from './live-helpers.mjs';
import { payOrder, noLeakedKeys } from './helpers.mjs';

describe('analytics: live dashboard and post-live report', { timeout: 400_000 }, () => {
  const s = liveSuite();
  const { newPage, guarded, ownerAPI, login } = s;
  let server;
  let sid = 0;
  let course = null; // virtual, plenty of stock
  let box = null; // virtual, one left: sells out
  const viewers = []; // {nickname, token}
  let owner = null; // the owner's page with the dashboard
  let crowd = null; // a page of the site holding the viewers' WebSockets
  let joinedAt = 0;

  // Screenshots also check that no catalog key leaked untranslated.
  const shot = async (page, name) => {
    await noLeakedKeys(page, name);
    return s.screenshot(page, name);
  };
  const viewerAPI = (i, method, path, body) => s.callAPI(method, path, viewers[i].token, body);

  before(async () => {
    server = await s.start();
    course = await ownerAPI('POST', '/api/v1/products', { name: '私域运营实战课', price: 19900, stock: 100, virtual: true });
    box = await ownerAPI('POST', '/api/v1/products', { name: '限量礼盒', price: 5900, stock: 1, virtual: true });
    sid = (await ownerAPI('POST', '/api/v1/sessions', { title: '双十二私域增长专场' })).id;
    for (const p of [course, box]) await ownerAPI('POST', `/api/v1/sessions/${sid}/showcase`, { product_id: p.id });
    const link = await ownerAPI('POST', `/api/v1/sessions/${sid}/entries`, { channel: 'community', label: '老客福利群' });
    await ownerAPI('POST', `/api/v1/sessions/${sid}/start`);
    for (const [i, nickname] of ['林小鹿', '阿May', '橙子不酸', '王姐'].entries()) {
      const body = { nickname };
      if (i < 2) body.entry = link.code;
      viewers.push({ nickname, token: (await s.callAPI('POST', `/api/v1/sessions/${sid}/viewers`, '', body)).token });
    }
  });
  after(() => s.close());

  // Opens the viewers' sockets in the crowd page and waits for each welcome.
  async function joinAll() {
    await crowd.goto(`${server.baseURL}/console/login`);
    await crowd.evaluate(async ({ sid, tokens }) => {
      window.sockets = [];
      await Promise.all(tokens.map((tok) => new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}/api/v1/sessions/${sid}/ws?token=${encodeURIComponent(tok)}`);
        const welcome = (m) => m && (m.type === 'welcome' || (m.type === 'batch' && (m.events || []).some((e) => e.type === 'welcome')));
        ws.onmessage = (ev) => { try { if (welcome(JSON.parse(ev.data))) resolve(); } catch { /* not JSON */ } };
        ws.onerror = () => reject(new Error('socket failed'));
        window.sockets.push(ws);
      })));
    }, { sid, tokens: viewers.map((v) => v.token) });
  }
  const send = (i, msg) => crowd.evaluate(({ i, msg }) => window.sockets[i].send(JSON.stringify(msg)), { i, msg });

  // Places an order as viewer i and, when pay is set, pays it on the sandbox cashier.
  async function buy(i, product, quantity, pay) {
    const o = await viewerAPI(i, 'POST', `/api/v1/sessions/${sid}/orders`, { lines: [{ product_id: product.id, quantity }] });
    if (pay) await payOrder(server.baseURL, viewers[i].token, o.id);
    return o;
  }
  const figure = (page, id) => page.locator(`[data-testid=${id}]`).first().innerText();

  it('the dashboard follows viewers and orders every second without a reload', { timeout: 180_000 }, async () => {
    owner = await newPage('owner');
    crowd = await newPage('crowd');
    await guarded(owner, 'analytics-live', async () => {
      await login(owner, OWNER_EMAIL);
      await owner.goto(`${server.baseURL}/console/analytics`);
      await owner.locator(`[data-testid=live-session][data-id="${sid}"]`).waitFor();
      await shot(owner, 'analytics-list-live-zh');
      await owner.click(`[data-testid=live-session][data-id="${sid}"]`);
      await owner.waitForURL(new RegExp(`/console/analytics/sessions/${sid}/live$`));
      await owner.locator('[data-testid=pulse][data-state=ok]').waitFor({ timeout: 5_000 });
      await owner.evaluate(() => { window.notReloaded = true; });
      assert.equal(await owner.locator('[data-testid=kpi-online] [data-k=online]').innerText(), '0');

      // Four viewers join: the online tile shows them within a few seconds.
      let t0 = Date.now();
      await joinAll();
      joinedAt = Date.now();
      await owner.waitForFunction(() => document.querySelector('[data-testid=kpi-online] [data-k=online]').textContent === '4', null, { timeout: 5_000 });
      const lag = Date.now() - t0;
      await owner.waitForFunction(() => document.querySelector('[data-testid=kpi-viewers] [data-k=viewers]').textContent === '4', null, { timeout: 5_000 });

      // They talk, like and look at products.
      await send(0, { type: 'comment', text: '这个课适合新手吗？' });
      await send(1, { type: 'comment', text: '上链接！' });
      await send(2, { type: 'like', count: 12 });
      await viewerAPI(0, 'POST', '/api/v1/viewer/events', { events: [{ type: 'product_view', product_id: course.id }, { type: 'checkout', product_id: course.id }] });
      await viewerAPI(1, 'POST', '/api/v1/viewer/events', { events: [{ type: 'product_view', product_id: box.id }] });
      await viewerAPI(3, 'POST', '/api/v1/viewer/events', { events: [{ type: 'product_view', product_id: course.id }, { type: 'product_leave', product_id: course.id, ms: 48000 }] });

      // Three orders, two paid: orders and GMV follow within a few seconds.
      t0 = Date.now();
      await buy(0, course, 2, true); // ¥398 paid
      await buy(1, box, 1, true); // ¥59 paid, the box sells out
      await buy(2, course, 1, false); // ¥199 left unpaid
      await owner.waitForFunction(() => document.querySelector('[data-testid=live-orders]').textContent === '3', null, { timeout: 5_000 });
      await owner.waitForFunction(() => document.querySelector('[data-testid=live-paid]').textContent === '¥457.00', null, { timeout: 5_000 });
      const orderLag = Date.now() - t0;
      assert.equal(await figure(owner, 'live-gmv'), '¥656.00');
      await owner.waitForFunction(() => document.querySelector('[data-testid=kpi-comments] [data-k=comments]').textContent === '2', null, { timeout: 5_000 });
      assert.ok(await owner.evaluate(() => window.notReloaded === true), 'the page was never reloaded');
      process.stdout.write(`# dashboard: online shown ${lag} ms after the joins, orders ${orderLag} ms after the payments\n`);

      // The charts are drawn and the top products list the course first.
      for (const id of ['chart-online', 'chart-trend', 'chart-channels']) {
        await owner.locator(`[data-testid=${id}] canvas`).first().waitFor({ timeout: 5_000 });
      }
      await owner.locator('[data-testid=top-products] tbody tr').nth(1).waitFor({ timeout: 5_000 });
      assert.match(await owner.locator('[data-testid=top-products] tbody tr').first().innerText(), /私域运营实战课/);

      // Let the viewers watch past a minute (the funnel's "stayed" stage), so the
      // charts and the report have a second minute to show.
      await owner.waitForTimeout(Math.max(0, joinedAt + 64_000 - Date.now()));
      await send(3, { type: 'comment', text: '已经预约下一场了' });
      await owner.waitForTimeout(1_500);
      await shot(owner, 'analytics-dashboard-zh');
      await owner.goto(`${server.baseURL}/console/analytics/sessions/${sid}/live?lang=en`);
      await owner.locator('[data-testid=pulse][data-state=ok]').waitFor({ timeout: 5_000 });
      await owner.locator('[data-testid=chart-trend] canvas').first().waitFor();
      await owner.waitForTimeout(2_500);
      assert.match(await owner.locator('[data-testid=kpi-online]').innerText(), /Online now/);
      await shot(owner, 'analytics-dashboard-en');
      assert.deepEqual([...owner.errors, ...crowd.errors], []);
    });
  });

  it('the report matches the show, draws its charts and tags the buyers', { timeout: 120_000 }, async () => {
    await guarded(owner, 'analytics-report', async () => {
      await crowd.evaluate(() => window.sockets.forEach((ws) => ws.close()));
      await owner.goto(`${server.baseURL}/console/analytics/sessions/${sid}/live?lang=zh-CN`);
      await ownerAPI('POST', `/api/v1/sessions/${sid}/end`);
      await owner.locator('[data-testid=ended-banner]').waitFor({ state: 'visible', timeout: 5_000 });

      // The CRM links the buyers to customer profiles within seconds: reload until
      // the converted group counts both.
      await owner.click('[data-testid=tab-report]');
      await owner.waitForURL(new RegExp(`/sessions/${sid}/report$`));
      for (let i = 0; ; i++) {
        if ((await owner.locator('[data-testid=group-converted] [data-testid=group-count]').innerText()) === '2') break;
        assert.ok(i < 40, 'the report never counted 2 converted customers');
        await owner.waitForTimeout(500);
        await owner.reload();
      }
      assert.equal(await figure(owner, 'kpi-viewers-num'), '4');
      assert.equal(await figure(owner, 'kpi-orders-num'), '3');
      assert.equal(await figure(owner, 'kpi-gmv-num'), '¥656.00');
      assert.equal(await figure(owner, 'kpi-paid-num'), '¥457.00');
      const stages = await owner.$$eval('[data-testid=stage]', (rows) => rows.map((r) => [r.dataset.stage, r.querySelector('[data-testid=stage-count]').textContent]));
      assert.deepEqual(stages, [['entered', '4'], ['stayed', '4'], ['viewed_product', '4'], ['checkout', '3'], ['paid', '2']]);
      const reasons = await owner.$$eval('[data-testid=product-row]', (rows) => Object.fromEntries(rows.map((r) =>
        [r.querySelector('.aprod').textContent, [...r.querySelectorAll('[data-testid=reason]')].map((b) => b.textContent)])));
      assert.deepEqual(reasons['限量礼盒'], [], 'the one who opened the box bought it');
      assert.equal(reasons['私域运营实战课'].length, 1, 'a viewer looked at the course for 48 s and left');
      assert.match(await owner.locator('[data-testid=attr-channels] [data-channel=community]').innerText(), /社群\s+2\s+2\s+2/);

      for (const id of ['funnel', 'audience', 'distribution', 'retention', 'engagement', 'attribution']) {
        await owner.locator(`[data-testid=chart-${id}] canvas`).first().waitFor({ timeout: 5_000 });
      }
      await owner.waitForTimeout(800); // chart animations
      await shot(owner, 'analytics-report-zh');

      // One click tags both buyers.
      const group = owner.locator('[data-testid=group-converted]');
      const tag = await group.locator('[data-testid=tag-input]').inputValue();
      assert.equal(tag, `直播${sid}已成交`);
      await group.locator('[data-testid=tag-submit]').click();
      await owner.locator('[data-testid=group-converted] [data-testid=tag-result]').waitFor();
      assert.match(await owner.locator('[data-testid=group-converted] [data-testid=tag-result]').innerText(), /已为 2 位客户打上标签/);
      const tagged = await ownerAPI('GET', `/api/v1/customers?tag=${encodeURIComponent(tag)}`);
      assert.deepEqual(tagged.items.map((c) => c.name).sort(), ['林小鹿', '阿May'].sort());
      assert.match(await owner.locator('[data-testid=group-converted] [data-testid=followup]').getAttribute('href'), new RegExp(`followup=${sid}`));

      // The Excel export answers with a workbook.
      const xlsx = await owner.request.get(`${server.baseURL}/console/analytics/sessions/${sid}/report.xlsx`);
      assert.equal(xlsx.status(), 200);
      assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
      assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK');

      await owner.goto(`${server.baseURL}/console/analytics/sessions/${sid}/report?lang=en`);
      await owner.locator('[data-testid=chart-retention] canvas').first().waitFor();
      await owner.waitForTimeout(800);
      assert.match(await owner.locator('h1').innerText(), /双十二私域增长专场/);
      await shot(owner, 'analytics-report-en');

      // The list now shows the session ended, with the report's figures.
      await owner.goto(`${server.baseURL}/console/analytics?lang=zh-CN`);
      const row = owner.locator(`[data-testid=ended-row][data-id="${sid}"]`);
      assert.equal(await row.locator('[data-testid=row-orders]').innerText(), '3');
      assert.equal(await row.locator('[data-testid=row-gmv]').innerText(), '¥656.00');
      await owner.locator('[data-testid=chart-trend] canvas').first().waitFor();
      await owner.waitForTimeout(600);
      await shot(owner, 'analytics-list-zh');
      assert.deepEqual(owner.errors, []);
    });
  });
});
