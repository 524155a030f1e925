// Browser test of the Compliance Center in Debian's Chromium, driven by playwright-core, against a
// running devstack. Run by infrastructure/devstack's ConsoleBrowserTest (mvn verify), which seeds the
// tenant and passes what it made in the environment:
//   CONSOLE_URL, ADMIN_KEY, AUDITOR_KEY, SESSION_ID (an anchored session), SCREENSHOT_DIR
// Prints one line per check and "N passed, N failed" at the end; exits 1 if any check failed.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = name => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const CONSOLE_URL = env('CONSOLE_URL');
const ADMIN_KEY = env('ADMIN_KEY');
const AUDITOR_KEY = env('AUDITOR_KEY');
const SESSION_ID = env('SESSION_ID');
const SHOTS = env('SCREENSHOT_DIR');
const API = new URL(CONSOLE_URL).origin;
const NAV = ['Overview', 'Frameworks', 'Gap analysis', 'Applications', 'Sessions', 'Alerts', 'Review queue', 'Audit log', 'Evidence exports'];
const WRITE_ACTIONS = /^(Add remediation|Create remediation|Start export|Acknowledge|Resolve|Record review|Turn (on|off))$/;
mkdirSync(SHOTS, { recursive: true });

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack ?? e}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Whether this deployment's API has a route (the gateway answers 404 without an error body when not). */
async function available(path, key) {
  const response = await fetch(API + path, { headers: { 'X-API-Key': key } });
  const body = await response.json().catch(() => null);
  return !(response.status === 404 && !body?.error);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
context.setDefaultTimeout(15000);
const page = await context.newPage();
const consoleErrors = [];
page.on('pageerror', e => consoleErrors.push(String(e)));
const shot = name => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const nav = label => page.getByRole('navigation', { name: 'Compliance Center' }).getByRole('link', { name: label, exact: true });

async function signIn(key) {
  await page.goto(CONSOLE_URL);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await nav('Overview').waitFor();
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
}

await check('a wrong key is refused with the message next to the field, and nothing is stored', async () => {
  await page.goto(CONSOLE_URL);
  await page.getByLabel('API key').fill('vp_admin_' + 'x'.repeat(43));
  await page.getByRole('button', { name: 'Sign in' }).click();
  const error = page.locator('#apiKey-error');
  await error.waitFor();
  assert(/not valid/.test(await error.textContent()), await error.textContent());
  assert(await page.evaluate(() => sessionStorage.length) === 0, 'nothing kept for a refused key');
  await shot('sign-in');
});

await check('admin signs in: the nine pages by name, the role shown, the key only in session storage', async () => {
  await signIn(ADMIN_KEY);
  const labels = await page.getByRole('navigation', { name: 'Compliance Center' }).getByRole('link').allTextContents();
  assert(JSON.stringify(labels.map(l => l.trim())) === JSON.stringify(NAV), `navigation: ${labels}`);
  assert(/admin/i.test(await page.locator('.who').textContent()), 'role shown');
  assert(await page.evaluate(k => Object.values(sessionStorage).includes(k), ADMIN_KEY), 'key in session storage');
  assert(await page.evaluate(k => !Object.values(localStorage).includes(k) && document.cookie === '', ADMIN_KEY), 'not in local storage or a cookie');
  assert(!page.url().includes(ADMIN_KEY), 'never in the URL');
  await page.locator('section[data-application] .chart').first().waitFor();
  await shot('overview');
});

const livePosture = await available('/v1/gap-analysis/iso-42001', ADMIN_KEY);
console.log(`info the Compliance Center posture endpoints are ${livePosture ? 'available' : 'NOT available yet'} on this API`);

await check('Frameworks shows ISO/IEC 42001 with verdicts, or says the scorecard is not available', async () => {
  await nav('Frameworks').click();
  if (livePosture) {
    await page.locator('tr[data-control]').first().waitFor();
    const verdicts = await page.locator('tbody .verdict').allTextContents();
    assert(verdicts.length >= 15 && verdicts.every(v => ['covered', 'partial', 'gap'].includes(v.trim())), `verdicts: ${verdicts}`);
  } else {
    await page.locator('[data-state="not-available"]').waitFor();
  }
  await shot('frameworks');
});

await check('Gap analysis: an admin creates a remediation for a gap in place and it shows with its status', async () => {
  await nav('Gap analysis').click();
  if (!livePosture) {
    await page.locator('[data-state="not-available"]').waitFor();
    await shot('gap-analysis');
    return;
  }
  const finding = page.locator('section[data-finding]').filter({ has: page.getByRole('button', { name: 'Add remediation' }) }).first();
  await finding.waitFor();
  const gapId = await finding.locator('xpath=ancestor::article').getAttribute('data-gap');
  const app = await finding.getAttribute('data-finding');
  // located by its ids from here on: once its form opens, it no longer has the "Add remediation" button
  const section = page.locator(`article[data-gap="${gapId}"] section[data-finding="${app}"]`);
  await section.getByRole('button', { name: 'Add remediation' }).click();
  await section.getByLabel('Owner').fill('compliance-officer');
  await section.getByLabel('Due date').fill('2030-03-31');
  await section.getByRole('button', { name: 'Create remediation' }).click();
  const item = section.locator('li[data-remediation]').first();
  await item.waitFor();
  assert(/OPEN/.test(await item.textContent()) && /compliance-officer/.test(await item.textContent()), await item.textContent());
  await shot('gap-analysis');
});

await check('Applications: the score chart with its target line, bands per day and the records', async () => {
  await nav('Applications').click();
  await page.getByRole('link', { name: 'Loan review assistant' }).click();
  await page.locator('.chart canvas').first().waitFor();
  await page.getByRole('heading', { name: 'Bands per day' }).waitFor();
  assert(await page.getByText('Target 80').count() > 0, 'target line in the legend');
  await page.getByRole('heading', { name: 'Deployment records' }).waitFor();
  await shot('applications');
});

await check('Evidence exports: an API error is shown next to the field it names and starts nothing', async () => {
  await nav('Evidence exports').click();
  const before = await page.locator('tr[data-export]').count();
  await page.getByLabel('First day').fill('2026-01-10');
  await page.getByLabel('Last day').fill('2026-01-01');
  await page.getByRole('button', { name: 'Start export' }).click();
  const error = page.locator('#to-error');
  await error.waitFor();
  assert(/before/.test(await error.textContent()), await error.textContent());
  assert(await page.locator('tr[data-export]').count() === before, 'no export started');
});

let exportId;
await check('Evidence exports: start an export, watch it succeed, and the download link serves the ZIP', async () => {
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('First day').fill(new Date(Date.now() - 29 * 86400000).toISOString().slice(0, 10));
  await page.getByLabel('Last day').fill(today);
  await page.getByRole('button', { name: 'Start export' }).click();
  const row = page.locator('tr[data-export]').first();
  await row.waitFor();
  exportId = await row.getAttribute('data-export');
  await page.locator(`tr[data-export="${exportId}"][data-status="SUCCEEDED"]`).waitFor({ timeout: 90000 });
  await page.locator(`tr[data-export="${exportId}"]`).getByRole('button', { name: 'Get download link' }).click();
  const link = page.locator(`a[data-download="${exportId}"]`);
  await link.waitFor();
  const response = await fetch(await link.getAttribute('href'));
  const bytes = new Uint8Array(await response.arrayBuffer());
  assert(response.status === 200, `download answered ${response.status}`);
  assert(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes.length > 1000, `a ZIP of ${bytes.length} bytes`);
  await shot('exports');
});

await check('Gap analysis after the export: the remediation is still shown with its status', async () => {
  if (!livePosture) return;
  await nav('Gap analysis').click();
  await page.locator('li[data-remediation]').first().waitFor();
});

await check('Sessions: verify in this browser folds the audit path to the anchored root, step by step', async () => {
  await page.goto(`${CONSOLE_URL}#/sessions/${encodeURIComponent(SESSION_ID)}`);
  await page.getByRole('button', { name: 'Verify in this browser' }).click();
  await page.locator('[data-verification="verified"]').waitFor();
  const steps = await page.getByRole('list', { name: 'Verification steps' }).locator('li').allTextContents();
  assert(steps.some(s => /Leaf hash/.test(s) && /equals the receipt/.test(s)), steps.join('\n'));
  assert(steps.some(s => /^Step 1:/.test(s)), 'at least one audit path step: ' + steps.join('\n'));
  await shot('sessions-verified');
});

await check('Sessions: a tampered record fails the browser verification', async () => {
  const record = page.getByLabel('Canonical record (as stored)');
  const text = await record.inputValue();
  assert(text.includes('"APPROVED"'), 'the seeded session was approved');
  await record.fill(text.replace('"APPROVED"', '"DENIED"'));
  await page.getByRole('button', { name: 'Verify in this browser' }).click();
  const failedNotice = page.locator('[data-verification="failed"]');
  await failedNotice.waitFor();
  assert(/differs from the anchored root/.test(await failedNotice.textContent()), await failedNotice.textContent());
  assert(/differs from the receipt/.test(await page.getByRole('list', { name: 'Verification steps' }).textContent()), 'leaf hash differs');
  await shot('sessions-tampered');
});

await check('Sessions: explorer filters are kept in the URL, so a link reproduces the view', async () => {
  await page.goto(`${CONSOLE_URL}#/sessions?applicationId=loan-review&band=GOOD`);
  await page.reload();
  assert(await page.getByLabel('Application').inputValue() === 'loan-review', 'application filter from the URL');
  assert(await page.getByLabel('Band').inputValue() === 'GOOD', 'band filter from the URL');
  if (await available('/v1/sessions?limit=1', ADMIN_KEY)) await page.locator('table, [role="status"]').first().waitFor();
  else await page.locator('[data-state="not-available"]').waitFor();
  await page.getByLabel('Band').selectOption('');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(url => !url.hash.includes('band='));
  await shot('sessions');
});

await check('Alerts: an admin acknowledges, and resolving needs the corrective-action note', async () => {
  await nav('Alerts').click();
  const row = page.locator('tr[data-alert]').first();
  await row.waitFor();
  const id = await row.getAttribute('data-alert');
  const alert = page.locator(`tr[data-alert="${id}"]`);
  await alert.getByRole('button', { name: 'Acknowledge' }).click();
  await alert.getByRole('cell', { name: 'ACKNOWLEDGED', exact: true }).waitFor();
  await shot('alerts');
  await alert.getByRole('button', { name: 'Resolve' }).click();
  const error = alert.locator('#note-error');
  await error.waitFor();
  assert(/note/.test(await error.textContent()), await error.textContent());
  await alert.getByLabel(/Corrective action note/).fill('Credit officers now review every HIGH decision before it is sent');
  await alert.getByRole('button', { name: 'Resolve' }).click();
  await alert.getByRole('cell', { name: 'RESOLVED', exact: true }).waitFor();
});

await check('Review queue: an admin reviews a waiting session and it leaves the queue', async () => {
  await nav('Review queue').click();
  const first = page.locator('tr[data-session]').first();
  await first.waitFor();
  await shot('review-queue');
  const sessionId = await first.getAttribute('data-session');
  await first.getByRole('link', { name: 'Review session' }).click();
  await page.getByLabel('Reviewer').fill('credit-officer-7');
  await page.getByLabel('Outcome').selectOption('APPROVED');
  await page.getByRole('button', { name: 'Record review' }).click();
  await page.getByText('Review recorded.').waitFor();
  await page.getByText('by credit-officer-7').waitFor();
  await nav('Review queue').click();
  await page.locator('tr[data-session]').first().waitFor();
  assert(await page.locator(`tr[data-session="${sessionId}"]`).count() === 0, `${sessionId} left the queue`);
});

await check('Audit log: the entries, and the hash chain checks intact', async () => {
  await nav('Audit log').click();
  await page.getByRole('cell', { name: 'alert.resolve' }).first().waitFor();
  await page.getByRole('button', { name: 'Check the hash chain' }).click();
  await page.locator('[data-chain="intact"]').waitFor();
  await shot('audit-log');
});

await check('Evidence exports: an admin switches the quarterly export off and on again', async () => {
  await nav('Evidence exports').click();
  const setting = page.locator('[data-setting="quarterlyExport"]');
  await setting.getByRole('button', { name: 'Turn off' }).click();
  await setting.getByText('off', { exact: true }).waitFor();
  await setting.getByRole('button', { name: 'Turn on' }).click();
  await setting.getByText('on', { exact: true }).waitFor();
});

await check('sign out forgets the key', async () => {
  await signOut();
  assert(await page.evaluate(() => sessionStorage.length) === 0, 'session storage emptied');
  await page.reload();
  await page.getByLabel('API key').waitFor();
});

await check('auditor signs in with the keyboard alone: every page, and no write action anywhere', async () => {
  await page.goto(CONSOLE_URL);
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement?.id) === 'apiKey', 'the first Tab reaches the API key field');
  await page.keyboard.type(AUDITOR_KEY);
  await page.keyboard.press('Enter');
  await nav('Overview').waitFor();
  assert(/auditor/i.test(await page.locator('.who').textContent()), 'role shown');
  for (const label of NAV) {
    await nav(label).click();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(200);
    const buttons = (await page.getByRole('button').allTextContents()).map(b => b.trim());
    const writes = buttons.filter(b => WRITE_ACTIONS.test(b));
    assert(writes.length === 0, `${label} offers ${writes} to an auditor`);
  }
  await nav('Evidence exports').click();
  await page.locator(`tr[data-export="${exportId}"]`).getByRole('button', { name: 'Get download link' }).click();
  await page.locator(`a[data-download="${exportId}"]`).waitFor();
  await shot('auditor-exports');
});

await check('no script error on any page', async () => {
  assert(consoleErrors.length === 0, consoleErrors.join('\n'));
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
