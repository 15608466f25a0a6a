// Merchant console administration: every navigation item opens, the demo owner adds
// a staff member, changes a rule setting, creates an API token and a webhook, and an
// agent is kept out of owner-only pages. Screenshots of the main pages land in
// web/tests/screenshots/ for a human to look at.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServerAndBrowser, stopServerAndBrowser, screenshot, withPage, pageText, login, watchErrors, noLeakedKeys,
  OWNER_EMAIL as OWNER, AGENT_EMAIL as AGENT } from './helpers.mjs';

describe('console administration', { timeout: 240_000 }, () => {
  let server;
  let browser;

  before(async () => { ({ server, browser } = await startServerAndBrowser()); });
  after(() => stopServerAndBrowser({ server, browser }));

  it('every navigation item opens with a heading', { timeout: 120_000 }, async () => {
    await withPage(browser, server, 'console-nav', async (page) => {
      const errors = watchErrors(page);
      await login(page, server.baseURL, OWNER);
      await screenshot(page, 'console-home');
      const hrefs = await page.$$eval('[data-testid=nav] a', (as) => as.map((a) => a.getAttribute('href')));
      for (const want of ['/console', '/console/live', '/console/commerce', '/console/marketing', '/console/customers',
        '/console/communities', '/console/content', '/console/inbox', '/console/ads', '/console/distribution',
        '/console/analytics', '/console/stores', '/console/staff', '/console/tokens', '/console/webhooks',
        '/console/audit', '/console/settings']) {
        assert.ok(hrefs.includes(want), `navigation should link ${want}; has ${hrefs.join(', ')}`);
      }
      for (const href of hrefs) {
        const res = await page.goto(server.baseURL + href);
        assert.ok(res.status() < 400, `${href} answered ${res.status()}`);
        const h1 = (await page.locator('h1').first().innerText()).trim();
        assert.ok(h1.length > 0, `${href} has an empty heading`);
        await noLeakedKeys(page, href);
        const name = href.replace(/^\/console\/?/, '') || 'home';
        if (['staff', 'settings', 'webhooks', 'audit', 'tokens', 'live'].includes(name)) {
          await screenshot(page, `console-${name}`);
        }
      }
      await page.goto(`${server.baseURL}/console/ads`);
      const notYet = await pageText(page);
      assert.ok(notYet.includes('此功能在当前版本中尚未开放'), 'a not-yet area says so plainly');
      assert.deepEqual(errors, [], 'no script errors or CSP violations');
    });
  });

  it('owner adds a staff member and changes their role inline', { timeout: 60_000 }, async () => {
    await withPage(browser, server, 'console-staff-create', async (page) => {
      await login(page, server.baseURL, OWNER);
      await page.goto(`${server.baseURL}/console/staff`);
      const form = page.locator('[data-testid=staff-form]');
      await form.locator('input[name=email]').fill('not-an-email');
      await form.locator('input[name=name]').fill('新同事 小林');
      await form.locator('input[name=password]').fill('initial-pass-1');
      await form.locator('button[type=submit]').click();
      await page.locator('.field-error').first().waitFor();
      assert.equal(await form.locator('input[name=name]').inputValue(), '新同事 小林', 'typed name is kept');
      await screenshot(page, 'console-staff-error');

      await form.locator('input[name=email]').fill('lin@demo.siyu');
      await form.locator('select[name=role]').selectOption('host');
      await form.locator('input[name=password]').fill('initial-pass-1');
      await Promise.all([page.waitForURL(/\/console\/staff$/), form.locator('button[type=submit]').click()]);
      await page.locator('[data-testid=flash]').waitFor();
      const row = page.locator('[data-testid=staff-row][data-email="lin@demo.siyu"]');
      await row.waitFor();
      assert.ok((await row.innerText()).includes('主播'), 'new row shows the host role');

      // Inline (htmx) role change: the row is swapped, the page is not reloaded.
      await page.evaluate(() => { window.noReload = true; });
      await row.locator('select[name=role]').selectOption('agent');
      await row.locator('form[action$="/role"] button').click();
      await page.waitForFunction(() => {
        const r = document.querySelector('[data-testid=staff-row][data-email="lin@demo.siyu"] select[name=role]');
        return r && r.value === 'agent' && r.querySelector('option[selected]')?.value === 'agent';
      });
      assert.equal(await page.evaluate(() => window.noReload), true, 'the role changed without a page load');
      await screenshot(page, 'console-staff-created');
    });
  });

  it('owner changes a rule setting, with a field error first', { timeout: 60_000 }, async () => {
    await withPage(browser, server, 'console-settings-edit', async (page) => {
      await login(page, server.baseURL, OWNER);
      await page.goto(`${server.baseURL}/console/settings`);
      const input = page.locator('input[name=order_expiry_minutes]');
      await input.fill('0');
      await page.locator('[data-testid=settings-form] button[type=submit]').click();
      await page.locator('.has-error .field-error').first().waitFor();
      assert.ok((await page.locator('.has-error').first().innerText()).includes('1'), 'range shown next to the field');
      await screenshot(page, 'console-settings-error');

      await page.locator('input[name=order_expiry_minutes]').fill('30');
      await Promise.all([page.waitForURL(/\/console\/settings$/), page.locator('[data-testid=settings-form] button[type=submit]').click()]);
      await page.locator('[data-testid=flash]').waitFor();
      assert.equal(await page.locator('input[name=order_expiry_minutes]').inputValue(), '30');
    });
  });

  it('owner creates an API token and a webhook, each secret shown once', { timeout: 60_000 }, async () => {
    await withPage(browser, server, 'console-secrets', async (page) => {
      await login(page, server.baseURL, OWNER);
      await page.goto(`${server.baseURL}/console/tokens`);
      await page.fill('[data-testid=token-form] input[name=name]', 'ERP 订单同步');
      await page.click('[data-testid=token-form] button[type=submit]');
      const plain = (await page.locator('[data-testid=token-plaintext]').innerText()).trim();
      assert.match(plain, /^sy_[0-9a-f]+$/);
      await screenshot(page, 'console-token-created');
      await page.goto(`${server.baseURL}/console/tokens`);
      assert.equal(await page.locator('[data-testid=token-plaintext]').count(), 0, 'plaintext is not shown again');
      assert.ok((await pageText(page)).includes('ERP 订单同步'));

      await page.goto(`${server.baseURL}/console/webhooks`);
      await page.fill('[data-testid=webhook-form] input[name=url]', 'https://hooks.example.com/siyu');
      await page.check('[data-testid=webhook-form] input[value="staff.created"]');
      await page.fill('[data-testid=webhook-form] input[name=description]', '同步到企业微信');
      await page.click('[data-testid=webhook-form] button[type=submit]');
      assert.match((await page.locator('[data-testid=webhook-secret]').innerText()).trim(), /^whsec_/);
      await screenshot(page, 'console-webhook-created');
      await page.click('[data-testid=webhook-created] a');
      await page.locator('[data-testid=deliveries]').waitFor();
      await Promise.all([page.waitForURL(/\/console\/webhooks\/\d+$/), page.click('form[action$="/test"] button')]);
      await page.locator('[data-testid=delivery-row]').first().waitFor();
      await screenshot(page, 'console-webhook-endpoint');
    });
  });

  it('agent does not see owner-only pages and is refused them', { timeout: 60_000 }, async () => {
    await withPage(browser, server, 'console-agent', async (page) => {
      await login(page, server.baseURL, AGENT);
      const hrefs = await page.$$eval('[data-testid=nav] a', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(!hrefs.includes('/console/audit') && !hrefs.includes('/console/webhooks'), `agent nav: ${hrefs.join(', ')}`);
      const res = await page.goto(`${server.baseURL}/console/audit`);
      assert.equal(res.status(), 403);
      await page.locator('[data-testid=error-page]').waitFor();
      await screenshot(page, 'console-agent-403');
      await page.goto(`${server.baseURL}/console/settings`);
      assert.equal(await page.locator('[data-testid=settings-form] button[type=submit]').count(), 0, 'no save button');
      assert.ok(await page.locator('input[name=order_expiry_minutes]').isDisabled());
    });
  });

  it('home in English', { timeout: 60_000 }, async () => {
    await withPage(browser, server, 'console-home-en', async (page) => {
      await login(page, server.baseURL, OWNER, { lang: 'en' });
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      const text = await pageText(page);
      assert.ok(text.includes('Welcome back') && text.includes('Demo Brand') && text.includes('Getting started'),
        `English home:\n${text.slice(0, 1500)}`);
      await screenshot(page, 'console-home-en');
      await page.goto(`${server.baseURL}/console/staff`);
      await screenshot(page, 'console-staff-en');
    }, { locale: 'en-US' });
  });
});
