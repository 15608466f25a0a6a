// Merchant console: login (demo owner), wrong password, language switch.
// Contract with internal/web: selectors and URLs below are fixed; change them together.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServerAndBrowser, stopServerAndBrowser, screenshot, withPage, pageText, login, OWNER_EMAIL } from './helpers.mjs';

describe('console', { timeout: 120_000 }, () => {
  let server;
  let browser;

  before(async () => { ({ server, browser } = await startServerAndBrowser()); });
  after(() => stopServerAndBrowser({ server, browser }));

  it('owner signs in and sees the console home', { timeout: 60_000 }, async () => {
    await withPage(browser, server, 'console-home', async (page) => {
      await login(page, server.baseURL, OWNER_EMAIL);

      await page.locator('[data-testid=console-home]').waitFor({ state: 'visible' });
      assert.ok(await page.locator('[data-testid=console-home]').isVisible(), 'console-home is visible');
      const text = await pageText(page);
      assert.ok(text.includes('Demo Brand'), `page text should contain "Demo Brand", got:\n${text.slice(0, 2000)}`);
      await screenshot(page, 'console-home');
    });
  });

  it('wrong password shows an error and stays on the login page', { timeout: 60_000 }, async () => {
    await withPage(browser, server, 'login-error', async (page) => {
      await page.goto(`${server.baseURL}/console/login`);
      await page.fill('input[name=email]', OWNER_EMAIL);
      await page.fill('input[name=password]', 'not-the-password');
      await page.click('button[type=submit]');

      await page.locator('[data-testid=login-error]').waitFor({ state: 'visible' });
      const url = new URL(page.url());
      assert.equal(url.pathname.replace(/\/$/, ''), '/console/login', `should stay on the login page, got ${page.url()}`);
      assert.equal(await page.locator('[data-testid=console-home]').count(), 0, 'console-home must not show');
      await screenshot(page, 'login-error');
    });
  });

  it('login page speaks Chinese by default and English with ?lang=en', { timeout: 60_000 }, async () => {
    await withPage(browser, server, 'login-lang', async (page) => {
      await page.goto(`${server.baseURL}/console/login?lang=en`);
      const en = await pageText(page);
      assert.ok(en.includes('Sign in'), `?lang=en page should contain "Sign in", got:\n${en.slice(0, 2000)}`);
      await screenshot(page, 'login-en');
    });
    // A fresh context, so a language remembered from ?lang=en (cookie) does not leak in.
    await withPage(browser, server, 'login-zh', async (page) => {
      await page.goto(`${server.baseURL}/console/login`);
      const zh = await pageText(page);
      assert.ok(zh.includes('登录'), `default page should contain "登录", got:\n${zh.slice(0, 2000)}`);
      await screenshot(page, 'login-zh');
    });
  });
});
