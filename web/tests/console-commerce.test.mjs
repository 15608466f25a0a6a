// 商品与订单 in the console: the demo owner publishes a product with two SKUs (a price
// error first, shown next to the field), finds it in the list, then handles orders a
// viewer placed and paid through the API: ships one, refunds the other after the
// confirmation. Screenshots in Chinese and English land in web/tests/screenshots/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServerAndBrowser, stopServerAndBrowser, screenshot, withPage, pageText, login, watchErrors, noLeakedKeys,
  callAPI, apiLogin, payOrder, svgServer, OWNER_EMAIL as OWNER, DEMO_TITLE } from './helpers.mjs';

// Product pictures as a merchant's CDN would serve them: a coat on a gradient per colour.
const colours = { camel: ['#c8a27a', '#8a6440'], black: ['#4b5563', '#111827'], pearl: ['#f4efe6', '#cdbfa8'] };
function picture(name) {
  const [a, b] = colours[name] || ['#dde3ea', '#9aa8c0'];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs>
      <rect width="400" height="400" fill="url(#g)"/>
      <path d="M150 90 L200 120 L250 90 L320 130 L300 190 L270 180 L270 330 L130 330 L130 180 L100 190 L80 130 Z" fill="rgba(255,255,255,.28)"/></svg>`;
}

// A form sent back with its errors answers 422, which Chromium logs; that one is expected.
const allow = /status of 422/;

describe('console commerce', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let pics;
  let picURL;
  let productID;
  const orders = {};

  // The JSON API with any token, asserting success.
  const api = (method, p, token, body) => callAPI(server.baseURL, method, p, token, body);

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
    pics = await svgServer(picture);
    picURL = (name) => `${pics.url}/${name}.svg`;
  });

  after(async () => {
    await stopServerAndBrowser({ server, browser });
    pics?.close();
  });

  it('owner publishes a product with two SKUs and finds it in the list', { timeout: 90_000 }, async () => {
    await withPage(browser, server, 'commerce-product', async (page) => {
      const errors = watchErrors(page, { allow });
      await login(page, server.baseURL, OWNER);
      await page.click('[data-testid=nav] a[href="/console/commerce"]');
      await page.locator('[data-testid=product-table]').waitFor();
      assert.ok((await pageText(page)).includes('羊绒混纺大衣'), 'the demo products are listed');
      await noLeakedKeys(page, 'product list');
      await screenshot(page, 'commerce-products');

      await Promise.all([page.waitForURL(/\/products\/new$/), page.click('[data-testid=product-new]')]);
      const form = page.locator('[data-testid=product-form]');
      await form.locator('input[name=name]').fill('羊毛混纺双面呢大衣');
      await form.locator('textarea[name=description]').fill('70% 羊毛 30% 羊绒，落肩廓形，主播身高 165 穿 M 码。');
      await form.locator('textarea[name=images]').fill(`${picURL('camel')}\n${picURL('black')}`);
      const rows = form.locator('[data-testid=sku-row]');
      await rows.nth(0).locator('input[name=sku_name]').fill('驼色 M');
      await rows.nth(0).locator('input[name=sku_price]').fill('899.995');
      await rows.nth(0).locator('input[name=sku_stock]').fill('30');
      await form.locator('[data-testid=sku-add]').click();
      assert.equal(await rows.count(), 2, 'one more SKU row');
      await rows.nth(1).locator('input[name=sku_name]').fill('黑色 L');
      await rows.nth(1).locator('input[name=sku_price]').fill('929.9');
      await rows.nth(1).locator('input[name=sku_stock]').fill('12');
      await form.locator('[data-testid=product-save]').click();

      // The price with three decimals comes back next to its cell; the rest is kept.
      await page.locator('.sku-price.has-error .field-error').waitFor();
      assert.match(await page.locator('.sku-price.has-error .field-error').innerText(), /两位小数/);
      assert.equal(await form.locator('input[name=name]').inputValue(), '羊毛混纺双面呢大衣');
      assert.equal(await rows.nth(1).locator('input[name=sku_price]').inputValue(), '929.9');
      await screenshot(page, 'commerce-product-error');

      await rows.nth(0).locator('input[name=sku_price]').fill('899.90');
      await Promise.all([page.waitForURL(/\/console\/commerce\/products\/\d+$/), form.locator('[data-testid=product-save]').click()]);
      productID = page.url().match(/\/products\/(\d+)$/)[1];
      assert.match(await page.locator('[data-testid=flash]').innerText(), /已发布商品「羊毛混纺双面呢大衣」/);
      assert.equal(await rows.nth(0).locator('input[name=sku_price]').inputValue(), '899.90');
      assert.equal(await rows.nth(1).locator('input[name=sku_price]').inputValue(), '929.90');
      await page.waitForFunction(() => [...document.querySelectorAll('.pimages img')].every((i) => i.complete && i.naturalWidth > 0));
      await noLeakedKeys(page, 'product page');
      await screenshot(page, 'commerce-product-edit');

      await page.goto(`${server.baseURL}/console/commerce`);
      await page.fill('[data-testid=product-search] input[name=q]', '双面呢');
      await Promise.all([page.waitForURL(/q=/), page.click('[data-testid=product-search] button')]);
      const row = page.locator(`[data-testid=product-row][data-id="${productID}"]`);
      await row.waitFor();
      assert.equal(await page.locator('[data-testid=product-row]').count(), 1, 'the search finds only the new product');
      assert.equal((await row.locator('[data-testid=product-price]').innerText()).replace(/\s+/g, ' '), '¥899.90 – ¥929.90');
      assert.equal((await row.locator('[data-testid=product-stock]').innerText()).trim(), '42');
      await page.waitForFunction(() => [...document.querySelectorAll('.pthumb img')].every((i) => i.complete && i.naturalWidth > 0));
      await screenshot(page, 'commerce-products-search');
      assert.deepEqual(errors, [], 'no script errors or CSP violations');
    });
  });

  it('orders a viewer paid through the API are shipped and refunded', { timeout: 90_000 }, async () => {
    assert.ok(productID, 'the product test ran first');
    const owner = await apiLogin(server.baseURL, OWNER);
    const sessions = await api('GET', '/api/v1/sessions', owner);
    const session = sessions.items.find((s) => s.title === DEMO_TITLE);
    assert.ok(session, 'the demo session exists');
    await api('POST', `/api/v1/sessions/${session.id}/showcase`, owner, { product_id: Number(productID) });
    const product = await api('GET', `/api/v1/products/${productID}`, owner);
    const address = { name: '王小美', phone: '13800138000', province: '上海市', city: '上海市', district: '静安区', detail: '南京西路 1266 号 12 楼' };
    for (const [who, sku, qty] of [['小美', product.skus[0].id, 1], ['阿杰', product.skus[1].id, 2]]) {
      const viewer = (await api('POST', `/api/v1/sessions/${session.id}/viewers`, '', { nickname: who })).token;
      const order = await api('POST', `/api/v1/sessions/${session.id}/orders`, viewer,
        { lines: [{ product_id: Number(productID), sku_id: sku, quantity: qty }], address });
      await payOrder(server.baseURL, viewer, order.id);
      orders[who] = order.id;
    }

    await withPage(browser, server, 'commerce-orders', async (page) => {
      const errors = watchErrors(page, { allow });
      await login(page, server.baseURL, OWNER);
      await page.goto(`${server.baseURL}/console/commerce/orders`);
      const first = page.locator(`[data-testid=order-row][data-id="${orders['小美']}"]`);
      const second = page.locator(`[data-testid=order-row][data-id="${orders['阿杰']}"]`);
      await first.waitFor();
      assert.match(await first.innerText(), /小美[\s\S]*¥899\.90[\s\S]*待发货/);
      assert.match(await second.innerText(), /黑色 L × 2[\s\S]*阿杰[\s\S]*¥1,859\.80/);
      const ids = await page.$$eval('[data-testid=order-row]', (rs) => rs.map((r) => Number(r.dataset.id)));
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
      await page.selectOption('#o-session', String(session.id));
      await Promise.all([page.waitForURL(/session=/), page.click('[data-testid=session-filter] button')]);
      await first.waitFor();
      await noLeakedKeys(page, 'order list');
      await screenshot(page, 'commerce-orders');

      // Ship the first: carrier from the suggestions, waybill number.
      await Promise.all([page.waitForURL(/\/orders\/\d+#ship$/), first.locator('[data-testid=order-ship-link]').click()]);
      await page.locator('[data-testid=ship-form]').waitFor();
      assert.match(await page.locator('[data-testid=order-address]').innerText(), /南京西路 1266 号/);
      assert.equal((await page.locator('[data-testid=buyer-nickname]').innerText()).trim(), '小美');
      await screenshot(page, 'commerce-order-paid');
      await page.fill('#sh-carrier', '顺丰速运');
      await page.fill('#sh-no', 'SF1234567890');
      await Promise.all([page.waitForURL(/\/orders\/\d+$/), page.click('[data-testid=ship-submit]')]);
      assert.match(await page.locator('[data-testid=flash]').innerText(), /已发货/);
      assert.equal(await page.locator('[data-testid=order-status]').first().getAttribute('data-status'), 'shipped');
      assert.match(await page.locator('[data-testid=order-shipping]').innerText(), /SF1234567890/);
      assert.match(await page.locator('[data-testid=order-log]').innerText(), /商家发货[\s\S]*顺丰速运 SF1234567890/);
      await noLeakedKeys(page, 'shipped order');
      await screenshot(page, 'commerce-order-shipped');

      // Refund the second, after the confirmation.
      await page.goto(`${server.baseURL}/console/commerce/orders/${orders['阿杰']}`);
      await page.fill('#rf-reason', '买家拍错尺码，未发货');
      await Promise.all([page.waitForURL(/\/orders\/\d+$/), page.click('[data-testid=refund-submit]')]);
      assert.ok(page.dialogs.some((m) => m.includes('¥1,859.80') && m.includes('不可撤销')), `confirmation asked: ${page.dialogs}`);
      await page.locator('[data-testid=flash]').waitFor();
      assert.equal(await page.locator('[data-testid=order-status]').first().getAttribute('data-status'), 'refunded');
      assert.match(await page.locator('[data-testid=order-log]').innerText(), /买家拍错尺码/);
      await screenshot(page, 'commerce-order-refunded');
      const after = await api('GET', `/api/v1/products/${productID}`, owner);
      assert.equal(after.skus[1].stock, 12, 'the refunded units are back in stock');
      assert.deepEqual(errors, [], 'no script errors or CSP violations');
    });
  });

  it('the same pages in English', { timeout: 60_000 }, async () => {
    await withPage(browser, server, 'commerce-en', async (page) => {
      const errors = watchErrors(page, { allow });
      await login(page, server.baseURL, OWNER, { lang: 'en' });
      await page.goto(`${server.baseURL}/console/commerce`);
      assert.match(await pageText(page), /New product[\s\S]*On sale/);
      await noLeakedKeys(page, 'English product list');
      await screenshot(page, 'commerce-products-en');
      await page.goto(`${server.baseURL}/console/commerce/products/${productID}`);
      await page.locator('[data-testid=sku-table]').waitFor();
      await screenshot(page, 'commerce-product-edit-en');
      await page.goto(`${server.baseURL}/console/commerce/orders`);
      assert.match(await pageText(page), /Shipped[\s\S]*Refunded/);
      await screenshot(page, 'commerce-orders-en');
      await page.goto(`${server.baseURL}/console/commerce/orders/${orders['小美']}`);
      assert.match(await pageText(page), /Order #\d+[\s\S]*History/);
      await noLeakedKeys(page, 'English order');
      await screenshot(page, 'commerce-order-en');
      assert.deepEqual(errors, [], 'no script errors or CSP violations');
    }, { locale: 'en-US' });
  });
});
