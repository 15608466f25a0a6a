// 客户导入导出 in the console: the demo owner uploads an Excel file (web/tests/fixtures/
// customers.xlsx) with good rows and malformed ones, reads the dry-run report with the
// row errors by column while no customer has changed, confirms, and finds the new
// customers with their tags through the API; then downloads an export, and uploads a
// file that is not a workbook at all and is told so. Screenshots land in
// web/tests/screenshots/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerAndBrowser, stopServerAndBrowser, screenshot, withPage, pageText, login, watchErrors, noLeakedKeys,
  callAPI, apiLogin, OWNER_EMAIL as OWNER } from './helpers.mjs';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'customers.xlsx');

// The refused file answers 422 on purpose (htmx swaps the upload card), which Chromium logs.
const allow = /status of 422/;

describe('customer import and export', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let token;

  const api = (method, p, body) => callAPI(server.baseURL, method, p, token, body);
  const tagged = async (tag) => (await api('GET', `/api/v1/customers?tag=${encodeURIComponent(tag)}&limit=200`)).items;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
    token = await apiLogin(server.baseURL, OWNER);
    // A customer the file names by phone: the import merges into them.
    await api('POST', '/api/v1/customers', { name: '林老客', phone: '13911119999', remark: '老客户' });
  });

  after(() => stopServerAndBrowser({ server, browser }));

  it('operator uploads an Excel file, reads the row errors, confirms, then exports', { timeout: 120_000 }, async () => {
    await withPage(browser, server, 'customer-import', async (page) => {
      const errors = watchErrors(page, { allow });
      await login(page, server.baseURL, OWNER);
      await page.goto(`${server.baseURL}/console/customers/import`);
      await page.locator('[data-testid=import-upload]').waitFor();
      await noLeakedKeys(page, 'import page');
      await screenshot(page, 'customer-import-page');

      // Upload: the dry-run report.
      await page.setInputFiles('[data-testid=import-file]', fixture);
      await Promise.all([page.waitForURL(/\/console\/customers\/import\/\d+$/), page.click('[data-testid=import-submit]')]);
      await page.locator('[data-testid=import-confirm-card]').waitFor();
      const text = await pageText(page);
      assert.match(text, /预检完成，客户数据尚未改变/);
      assert.match(text, /确认导入后将新建 2 位客户、合并 2 位/);
      assert.match(text, /有错误的 3 行将被跳过/);
      const count = async (k) => (await page.locator(`[data-testid=count-${k}]`).innerText()).trim();
      assert.deepEqual([await count('rows'), await count('new'), await count('merge'), await count('error')], ['7', '2', '2', '3']);
      // The unknown column is reported, not fatal.
      assert.equal(await page.locator('[data-testid=import-column][data-field=""]').innerText().then((s) => s.includes('城市')), true);
      // Row errors sit on their rows, highlighted, naming the column.
      const row = (n) => page.locator(`[data-testid=import-report-row][data-row="${n}"]`);
      assert.equal(await row(4).getAttribute('data-status'), 'error');
      assert.match(await row(4).getAttribute('class'), /imp-row-bad/);
      assert.match(await row(4).innerText(), /手机号[\s\S]*“139-abc”不是有效的手机号/);
      assert.match(await row(5).innerText(), /无法识别这位客户/);
      assert.match(await row(8).innerText(), /科学计数法/);
      assert.match(await row(6).innerText(), /与第 2 行是同一个人/);
      assert.match(await row(7).innerText(), /将合并到已有客户 #\d+/);
      await noLeakedKeys(page, 'report');
      await screenshot(page, 'customer-import-report');

      // Nothing changed yet.
      assert.equal((await tagged('直播导入')).length, 0, 'the dry run must not touch customers');

      // Confirm: the import runs and the page comes back with the result.
      await page.click('[data-testid=import-confirm]');
      await page.locator('[data-testid=import-done]').waitFor({ timeout: 30_000 });
      const done = await pageText(page);
      assert.match(done, /导入完成/);
      assert.match(done, /新建 2 位客户，合并 2 位。/);
      assert.match(done, /有错误的 3 行已跳过/);
      await screenshot(page, 'customer-import-done');

      const customers = await tagged('直播导入');
      assert.deepEqual(customers.map((c) => c.name).sort(), ['林老客', '王小美', '陈大力'].sort());
      const wang = customers.find((c) => c.name === '王小美');
      assert.deepEqual(wang.tags.map((t) => t.name).sort(), ['直播导入', '老客', '高意向'].sort());
      assert.equal(wang.phone, '13911112222');
      assert.match(customers.find((c) => c.name === '林老客').remark, /老客户[\s\S]*直播间复购/);
      assert.equal((await tagged('复购')).length, 1);

      // Export the imported customers as CSV from the export card.
      await page.goto(`${server.baseURL}/console/customers/import`);
      const form = page.locator('[data-testid=export-form]');
      await form.locator('select[name=tag]').selectOption('直播导入');
      await form.locator('input[name=format][value=csv]').check();
      const [download] = await Promise.all([page.waitForEvent('download'), form.locator('[data-testid=export-submit]').click()]);
      assert.match(download.suggestedFilename(), /^customers-\d{8}-\d{4}\.csv$/);
      const csv = readFileSync(await download.path(), 'utf8');
      assert.ok(csv.startsWith('\ufeff客户ID,姓名,手机'), 'CSV with a BOM for Excel');
      for (const want of ['王小美', '陈大力', '林老客', '13911112222']) assert.ok(csv.includes(want), `export holds ${want}`);
      assert.equal(csv.match(/^\d+,/gm).length, 3, 'the three tagged customers, one record each');
      const audit = await api('GET', '/api/v1/audit-log?limit=20');
      assert.ok(audit.items.some((e) => e.action === 'customer.export' && e.detail.includes('count=3')), 'the export is audited');
      assert.ok(audit.items.some((e) => e.action === 'customer.import'), 'the import is audited');

      // The recent imports list it as done.
      assert.match(await page.locator('[data-testid=import-recent]').innerText(), /customers\.xlsx[\s\S]*已导入/);
      assert.deepEqual(errors, [], 'no script errors or CSP violations');
    });
  });

  it('a file that is not a workbook gets a clear error', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'siyu-import-'));
    const bogus = path.join(dir, '客户名单.xlsx');
    writeFileSync(bogus, 'this is just text pretending to be Excel\n');
    await withPage(browser, server, 'customer-import-bad', async (page) => {
      const errors = watchErrors(page, { allow });
      await login(page, server.baseURL, OWNER);
      await page.goto(`${server.baseURL}/console/customers/import`);
      await page.setInputFiles('[data-testid=import-file]', bogus);
      await page.click('[data-testid=import-submit]');
      const err = page.locator('[data-testid=import-error]');
      await err.waitFor();
      assert.match(await err.innerText(), /这不是有效的 Excel \.xlsx 文件/);
      assert.match(page.url(), /\/console\/customers\/import$/, 'stays on the upload page');
      await screenshot(page, 'customer-import-bad-file');

      // The same page in English.
      await page.goto(`${server.baseURL}/console/customers/import?lang=en`);
      await page.setInputFiles('[data-testid=import-file]', bogus);
      await page.click('[data-testid=import-submit]');
      await err.waitFor();
      assert.match(await err.innerText(), /not a valid Excel \.xlsx file/);
      assert.deepEqual(errors, []);
    });
  });
});
