// The studio's selling tools (带货工具), end to end: the host adds products to the
// showcase and pins one with the 3-2-1 countdown, launches a flash sale (once its route
// exists), a red envelope, a likes-milestone envelope and a password lottery from the
// studio UI; the API then holds exactly what was entered (yuan typed, fen stored).
// Viewers enter the lottery; the host sees the draw, the seed and the winners' delivery
// details. Errors show next to the form in the page's language. Screenshots in Chinese
// and English.
// Contract with internal/web: the data-testid selectors below.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { screenshotDir, apiLogin, svgServer } from './helpers.mjs';
import { liveSuite, HOST_EMAIL } from './live-helpers.mjs';

// Product photos for the screenshots, from a tiny local "CDN" (the studio's CSP allows
// http(s) images): a gradient with a simple shape per product.
const art = {
  coat: ['#c7a17a', '#7b5a3c', '<path d="M70 40h60l20 30-15 10v90H65V80L50 70z" fill="#f5ede3" opacity=".9"/>'],
  scarf: ['#f28b9b', '#b8324f', '<path d="M60 50h80v30H95v90H70V80H60z" fill="#fff" opacity=".85"/>'],
  cup: ['#7fb8e6', '#2f6ea8', '<rect x="70" y="55" width="60" height="100" rx="10" fill="#fff" opacity=".9"/><rect x="64" y="45" width="72" height="16" rx="6" fill="#e8eef5"/>'],
};
function photo(name) {
  const [a, b, shape] = art[name] || art.cup;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200"><defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs><rect width="200" height="200" fill="url(#g)"/>${shape}</svg>`;
}

describe('studio selling tools', { timeout: 300_000 }, () => {
  const s = liveSuite();
  const { newPage, guarded, login, callAPI } = s;
  // The whole page (checked for untranslated keys) and the tools card alone, larger.
  const screenshot = async (page, name) => {
    await s.screenshot(page, name);
    await page.locator('[data-testid=tools-card]').screenshot({ path: path.join(screenshotDir, `${name}-card.png`) });
  };
  let server;
  let photos;
  let host = ''; // the host's API token
  let sid = 0;
  const products = {};

  const api = (method, path, body) => callAPI(method, path, host, body);

  before(async () => {
    server = await s.start();
    photos = await svgServer(photo);
    host = await apiLogin(server.baseURL, HOST_EMAIL);
    // Products come from the owner (the host may not manage products); the host runs the show.
    products.coat = await s.ownerAPI('POST', '/api/v1/products', { name: '羊绒混纺双面大衣', images: [`${photos.url}/coat.svg`],
      skus: [{ name: '驼色 M', price: 59900, stock: 40 }, { name: '驼色 L', price: 59900, stock: 30 }, { name: '黑色 M', price: 62900, stock: 20 }] });
    products.scarf = await s.ownerAPI('POST', '/api/v1/products', { name: '桑蚕丝印花围巾', images: [`${photos.url}/scarf.svg`], price: 19900, stock: 200 });
    products.cup = await s.ownerAPI('POST', '/api/v1/products', { name: '316 不锈钢保温杯 500ml', images: [`${photos.url}/cup.svg`], price: 8900, stock: 500 });
    const live = await api('POST', '/api/v1/sessions', { title: '冬季上新 · 主播专场', scheduled_at: s.inFuture(3600_000) });
    sid = live.id;
    await api('POST', `/api/v1/sessions/${sid}/start`);
  });
  after(async () => { photos?.close(); await s.close(); });

  const studio = (lang = '') => `${server.baseURL}/console/live/${sid}/studio${lang ? '?lang=' + lang : ''}`;
  const tab = async (page, name) => {
    await page.click(`[data-testid=tab-${name}]`);
    await page.locator(`[data-panel=${name}]`).waitFor({ state: 'visible' });
  };
  const routeExists = async (path) => (await fetch(server.baseURL + path, { headers: { Authorization: `Bearer ${host}` } })).status !== 404;

  it('the host pins a product and launches a flash sale, red envelopes and a lottery', { timeout: 200_000 }, async () => {
    const page = await newPage('host', { viewport: { width: 1440, height: 1000 } });
    await guarded(page, 'studio-tools', async () => {
      await login(page, HOST_EMAIL);
      await page.goto(studio());
      await page.locator('[data-testid=conn][data-conn=open]').waitFor();
      const card = page.locator('[data-testid=tools-card]');
      assert.match(await card.locator('h2').innerText(), /带货工具/);

      // 商品橱窗: add two products from the catalog, move the scarf up, pin the coat with 3-2-1.
      const catalog = page.locator('[data-testid=catalog-item]');
      await catalog.first().waitFor();
      await catalog.filter({ hasText: '羊绒混纺双面大衣' }).locator('[data-testid=showcase-add]').click();
      await page.locator('[data-testid=showcase-item]').first().waitFor();
      await catalog.filter({ hasText: '桑蚕丝印花围巾' }).locator('[data-testid=showcase-add]').click();
      await page.locator('[data-testid=showcase-item]').nth(1).waitFor();
      await catalog.filter({ hasText: '保温杯' }).locator('[data-testid=showcase-add]').click();
      await page.locator('[data-testid=showcase-item]').nth(2).waitFor();
      const coatRow = page.locator(`[data-testid=showcase-item][data-product-id="${products.coat.id}"]`);
      await coatRow.locator('[data-testid=pin]').click();
      await coatRow.locator('[data-count]', { hasText: '3' }).waitFor({ timeout: 1_000 }); // the countdown shows first
      await screenshot(page, 'studio-tools-pin-countdown');
      await page.locator(`[data-testid=showcase-item][data-product-id="${products.coat.id}"][data-pinned=true]`).waitFor();
      await page.locator('[data-testid=tools-now-name]', { hasText: '羊绒混纺双面大衣' }).waitFor();
      let sc = await api('GET', `/api/v1/sessions/${sid}/showcase`);
      assert.deepEqual(sc.items.map((x) => x.product.id), [products.coat.id, products.scarf.id, products.cup.id]);
      assert.equal(sc.pinned?.id, products.coat.id, 'the coat is pinned');
      await screenshot(page, 'studio-tools-showcase');

      // 秒杀 (when the flash-sale routes exist): ¥399.9 typed → 39990 fen stored.
      if (await routeExists(`/api/v1/sessions/${sid}/flash-sales`)) {
        await tab(page, 'flash');
        const f = page.locator('[data-testid=flash-form]');
        await f.locator('select[name=product_id]').selectOption(String(products.coat.id));
        await f.locator('select[name=sku_id]').selectOption(String(products.coat.skus[1].id));
        await f.locator('input[name=price]').fill('399.9');
        await f.locator('input[name=stock]').fill('20');
        await f.locator('input[name=per_user_limit]').fill('2');
        await f.locator('[data-testid=flash-launch]').click();
        const row = page.locator('[data-testid=flash-row]').first();
        await row.waitFor();
        await row.locator('[data-testid=flash-price]', { hasText: '¥399.90' }).waitFor();
        const sales = (await api('GET', `/api/v1/sessions/${sid}/flash-sales`)).items;
        assert.equal(sales.length, 1);
        assert.equal(sales[0].product_id, products.coat.id);
        assert.equal(sales[0].sku_id, products.coat.skus[1].id);
        assert.equal(sales[0].price, 39990);
        assert.equal(sales[0].stock, 20);
        assert.equal(sales[0].per_user_limit, 2);
        // A viewer buys two: the studio's row follows from the room event, no reload.
        const buyer = await callAPI('POST', `/api/v1/sessions/${sid}/viewers`, '', { nickname: '抢购的小王' });
        await callAPI('POST', `/api/v1/flash-sales/${sales[0].id}/orders`, buyer.token, { quantity: 2 });
        await row.locator('[data-testid=flash-sold]', { hasText: '2' }).waitFor({ timeout: 5_000 });
        assert.equal(await row.locator('[data-testid=flash-left]').innerText(), '18');
        // A second sale starts after a 2-minute countdown; the host ends it early.
        await f.locator('select[name=product_id]').selectOption(String(products.cup.id));
        await f.locator('input[name=price]').fill('49');
        await f.locator('input[name=stock]').fill('100');
        await f.locator('[data-testid=flash-later]').check({ force: true });
        await f.locator('input[name=start_in]').fill('2');
        await f.locator('select[name=start_in_unit]').selectOption('60');
        await f.locator('[data-testid=flash-launch]').click();
        const later = page.locator('[data-testid=flash-row][data-status=scheduled]');
        await later.locator('.tl-until', { hasText: /0[12]:[0-5]\d 后开抢/ }).waitFor();
        const scheduled = (await api('GET', `/api/v1/sessions/${sid}/flash-sales`)).items.find((x) => x.status === 'scheduled');
        assert.equal(scheduled.price, 4900);
        const lead = new Date(scheduled.starts_at).getTime() - Date.now();
        assert.ok(lead > 100_000 && lead <= 121_000, `starts in about 2 minutes, got ${lead} ms`);
        await screenshot(page, 'studio-tools-flash');
        await later.locator('[data-testid=flash-end]').click();
        await page.locator(`[data-testid=flash-row][data-id="${scheduled.id}"][data-status=ended]`).waitFor();
        assert.equal((await api('GET', `/api/v1/flash-sales/${scheduled.id}`)).status, 'ended');
      } else {
        console.log('# flash-sale routes not on this server yet: the flash sale step was skipped');
      }

      // 红包: an amount with three decimals is refused next to the form, in Chinese.
      await tab(page, 'envelope');
      const ef = page.locator('[data-testid=envelope-form]');
      await ef.locator('input[name=total]').fill('88.888');
      await ef.locator('input[name=count]').fill('10');
      await ef.locator('[data-testid=envelope-send]').click();
      await ef.locator('[data-form-error]', { hasText: '最多两位小数' }).waitFor();
      // The server's own refusal (more shares than fen) also comes in Chinese.
      await ef.locator('input[name=total]').fill('0.05');
      await ef.locator('[data-testid=envelope-send]').click();
      await ef.locator('[data-form-error]', { hasText: '每个至少 0.01 元' }).waitFor();
      await ef.locator('input[name=total]').fill('88.88');
      await ef.locator('input[name=message]').fill('感谢大家捧场');
      await ef.locator('[data-testid=envelope-send]').click();
      await page.locator('[data-testid=envelope-row]').first().waitFor();
      await ef.locator('[data-form-error]').waitFor({ state: 'hidden' });
      const envs = (await api('GET', `/api/v1/sessions/${sid}/red-envelopes`)).items;
      assert.equal(envs.length, 1);
      assert.deepEqual([envs[0].total, envs[0].count, envs[0].mode, envs[0].condition, envs[0].message], [8888, 10, 'random', 'none', '感谢大家捧场']);
      assert.match(await page.locator('[data-testid=envelope-total]').first().innerText(), /¥88\.88/);
      // A grab comes with no room event: the open tab reads the list while the envelope is open.
      const grabber = await callAPI('POST', `/api/v1/sessions/${sid}/viewers`, '', { nickname: '手快的小林' });
      const grab = await callAPI('POST', `/api/v1/red-envelopes/${envs[0].id}/grab`, grabber.token);
      await page.locator('[data-testid=envelope-grabs]', { hasText: '1/10' }).waitFor({ timeout: 8_000 });
      await page.click('[data-testid=envelope-grabs-toggle]');
      await page.locator('.grab', { hasText: '手快的小林' }).waitFor();
      assert.match(await page.locator('.grab').first().innerText(), new RegExp(`¥${(grab.amount / 100).toFixed(2).replace(/\.00$/, '')}`));

      // A likes milestone: ¥66 in 6 equal shares for followers, at 10,000 likes.
      await ef.locator('[data-testid=envelope-milestone]').check({ force: true });
      await ef.locator('input[name=likes_milestone]').fill('10000');
      await ef.locator('input[name=total]').fill('66');
      await ef.locator('input[name=count]').fill('6');
      await ef.locator('input[name=mode][value=fixed]').check({ force: true });
      await ef.locator('input[name=condition][value=follow]').check({ force: true });
      await ef.locator('[data-testid=envelope-send]').click();
      await page.locator('[data-testid=rule-row]').first().waitFor();
      const rules = (await api('GET', `/api/v1/sessions/${sid}/red-envelope-rules`)).items;
      assert.deepEqual([rules[0].likes_milestone, rules[0].total, rules[0].count, rules[0].mode, rules[0].condition], [10000, 6600, 6, 'fixed', 'follow']);
      await screenshot(page, 'studio-tools-envelope');

      // 抽奖: the password condition without a password is refused in Chinese; then a
      // password lottery drawn 6 seconds after launch.
      await tab(page, 'lottery');
      const lf = page.locator('[data-testid=lottery-form]');
      await lf.locator('input[name=prize]').fill('桑蚕丝印花围巾 1 条');
      await lf.locator('input[name=winners]').fill('2');
      await lf.locator('[data-testid=lottery-cond-password]').check({ force: true });
      await lf.locator('[data-testid=lottery-launch]').click();
      await lf.locator('[data-form-error]', { hasText: '请填写参与口令' }).waitFor();
      await lf.locator('input[name=password]').fill('上新快乐');
      await lf.locator('input[name=draw_after]').fill('6');
      await lf.locator('[data-testid=lottery-launch]').click();
      const lrow = page.locator('[data-testid=lottery-row]').first();
      await lrow.waitFor();
      const lots = (await api('GET', `/api/v1/sessions/${sid}/lotteries`)).items;
      assert.equal(lots.length, 1);
      const lot = lots[0];
      assert.deepEqual([lot.prize, lot.winner_count, lot.condition, lot.status], ['桑蚕丝印花围巾 1 条', 2, 'password', 'open']);
      assert.equal(await lrow.locator('[data-testid=lottery-commitment]').innerText(), lot.commitment);

      // Two viewers enter with the password; the host watches the draw come in.
      const viewers = [];
      for (const nickname of ['小鹿爱穿搭', '阿杰']) {
        const v = await callAPI('POST', `/api/v1/sessions/${sid}/viewers`, '', { nickname });
        await callAPI('POST', `/api/v1/lotteries/${lot.id}/entries`, v.token, { password: '上新快乐' });
        viewers.push(v);
      }
      await lrow.locator('[data-testid=lottery-entrants]', { hasText: '2' }).waitFor({ timeout: 10_000 });
      await page.locator('[data-testid=lottery-row][data-status=drawn]').waitFor({ timeout: 20_000 });
      await page.locator('[data-testid=winner-row]').nth(1).waitFor();
      // One winner fills in the delivery details; a refresh shows them to the host.
      const prizes = (await callAPI('GET', '/api/v1/viewer/prizes', viewers[0].token)).items;
      await callAPI('PUT', `/api/v1/viewer/prizes/${prizes[0].id}/delivery`, viewers[0].token,
        { name: '陆晓', phone: '13800138000', address: '上海市静安区南京西路 1266 号 8 楼' });
      await page.locator('[data-testid=lottery-winners] button').click();
      await page.locator('[data-testid=winner-row]', { hasText: '南京西路 1266 号' }).waitFor();
      const drawn = await api('GET', `/api/v1/lotteries/${lot.id}`);
      assert.equal(await page.locator('[data-testid=lottery-seed]').innerText(), drawn.seed);
      const verify = await page.locator('[data-testid=lottery-verify]').getAttribute('href');
      assert.ok(verify.endsWith(`/api/v1/public/lotteries/${lot.commitment}`));
      assert.equal((await (await fetch(verify)).json()).seed, drawn.seed, 'the verify link answers the published lottery');
      await screenshot(page, 'studio-tools-lottery');

      // 拼团 and 助力 (when their routes exist): the scarf at ¥149 for groups of 3 within
      // 20 minutes; the cup at ¥59.9 once 3 friends helped within an hour.
      if (await routeExists(`/api/v1/sessions/${sid}/group-buys`)) {
        await tab(page, 'group');
        const gf = page.locator('[data-testid=group-form]');
        await gf.locator('select[name=product_id]').selectOption(String(products.scarf.id));
        await gf.locator('input[name=price]').fill('149');
        await gf.locator('input[name=group_size]').fill('3');
        await gf.locator('input[name=time_limit]').fill('20');
        await gf.locator('[data-testid=group-launch]').click();
        await page.locator('[data-testid=group-row]').first().waitFor();
        const g = (await api('GET', `/api/v1/sessions/${sid}/group-buys`)).items[0];
        assert.deepEqual([g.product_id, g.price, g.group_size, g.time_limit_seconds, g.status], [products.scarf.id, 14900, 3, 1200, 'open']);
        // A viewer starts a group; the host opens the groups and sees its leader.
        const leader = await callAPI('POST', `/api/v1/sessions/${sid}/viewers`, '', { nickname: '团长阿梅' });
        await callAPI('POST', `/api/v1/group-buys/${g.id}/groups`, leader.token, {});
        await page.locator('[data-testid=group-row]').first().getByRole('button', { name: '查看团' }).click();
        await page.locator('.grp', { hasText: '团长阿梅 的团' }).waitFor();
      }
      await screenshot(page, 'studio-tools-group');
      if (await routeExists(`/api/v1/sessions/${sid}/assists`)) {
        await tab(page, 'assist');
        const af = page.locator('[data-testid=assist-form]');
        await af.locator('select[name=product_id]').selectOption(String(products.cup.id));
        await af.locator('input[name=price]').fill('59.9');
        await af.locator('input[name=helpers_needed]').fill('3');
        await af.locator('[data-testid=assist-launch]').click();
        await page.locator('[data-testid=assist-row]').first().waitFor();
        const a = (await api('GET', `/api/v1/sessions/${sid}/assists`)).items[0];
        assert.deepEqual([a.product_id, a.price, a.helpers_needed, a.time_limit_seconds, a.status], [products.cup.id, 5990, 3, 3600, 'open']);
      }
      await screenshot(page, 'studio-tools-assist');
      // 优惠券 and 评论下单 (when their routes exist).
      if (await routeExists(`/api/v1/sessions/${sid}/coupons`)) {
        await tab(page, 'coupon');
        const cf = page.locator('[data-testid=coupon-form]');
        await cf.locator('input[name=discount]').fill('30');
        await cf.locator('input[name=min_spend]').fill('299');
        await cf.locator('input[name=quantity]').fill('50');
        await cf.locator('[data-testid=coupon-issue]').click();
        await page.locator('[data-testid=coupon-row]').first().waitFor();
        const c = (await api('GET', `/api/v1/sessions/${sid}/coupons`)).items[0];
        assert.deepEqual([c.name, c.discount, c.min_spend, c.quantity, c.product_id ?? null], ['直播间专享券', 3000, 29900, 50, null]);
      }
      await screenshot(page, 'studio-tools-coupon');
      if (await routeExists(`/api/v1/sessions/${sid}/comment-buys`)) {
        await tab(page, 'commentbuy');
        const bf = page.locator('[data-testid=commentbuy-form]');
        await bf.locator('select[name=product_id]').selectOption(String(products.scarf.id));
        await bf.locator('input[name=price]').fill('169');
        await bf.locator('[data-testid=commentbuy-start]').click();
        await page.locator('[data-testid=commentbuy-row]').first().waitFor();
        const b = (await api('GET', `/api/v1/sessions/${sid}/comment-buys`)).items[0];
        assert.deepEqual([b.keyword, b.product_id, b.price, b.status], ['+1', products.scarf.id, 16900, 'active']);
      }
      await screenshot(page, 'studio-tools-commentbuy');
      assert.deepEqual(page.errors, []);
    });
  });

  it('the panel speaks English', { timeout: 90_000 }, async () => {
    const page = await newPage('host-en'); // the console's usual 1280 × 800
    await guarded(page, 'studio-tools-en', async () => {
      await login(page, HOST_EMAIL);
      await page.goto(studio('en'));
      await page.locator('[data-testid=conn][data-conn=open]').waitFor();
      assert.match(await page.locator('[data-testid=tools-card] h2').innerText(), /Selling tools/);
      await page.locator('[data-testid=showcase-item][data-pinned=true]').waitFor();
      assert.match(await page.locator('[data-testid=pinned-badge]').innerText(), /On screen/);
      await screenshot(page, 'studio-tools-en-showcase');
      await tab(page, 'envelope');
      await page.locator('[data-testid=envelope-row]').first().waitFor();
      const ef = page.locator('[data-testid=envelope-form]');
      await ef.locator('input[name=total]').fill('abc');
      await ef.locator('[data-testid=envelope-send]').click();
      await ef.locator('[data-form-error]', { hasText: 'at most two decimals' }).waitFor();
      await screenshot(page, 'studio-tools-en-envelope');
      await tab(page, 'lottery');
      await page.locator('[data-testid=lottery-row][data-status=drawn]').waitFor();
      await screenshot(page, 'studio-tools-en-lottery');
      if (await routeExists(`/api/v1/sessions/${sid}/flash-sales`)) {
        await tab(page, 'flash');
        await screenshot(page, 'studio-tools-en-flash');
      }
      assert.deepEqual(page.errors, []);
    });
  });
});
