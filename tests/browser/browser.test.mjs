// Browser tests: a person registers, signs in and sees the home page in
// headless Chromium (Debian's), through real nginx and the FastCGI app.
// Prints "ok - ..." / "not ok - ..." lines; screenshots go to
// tests/artifacts/.
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const artifacts = join(root, 'tests', 'artifacts');
mkdirSync(artifacts, { recursive: true });
let passed = 0, failed = 0;
const axeSource = readFileSync(join(import.meta.dirname, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

function check(cond, what, detail = '') {
  if (cond) { passed++; console.log(`ok - ${what}`); }
  else {
    failed++;
    console.log(`not ok - ${what}`);
    if (detail) String(detail).split('\n').slice(0, 10).forEach((l) => console.log(`#   ${l}`));
  }
}

// Runs axe-core's WCAG 2 A/AA rules on the page (evaluated over the
// DevTools protocol, which the page's CSP does not govern).
async function audit(p, name) {
  await p.evaluate(axeSource);
  const found = await p.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} x ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
  check(found.length === 0, `${name} passes axe-core WCAG 2 A/AA checks`, found.join('\n'));
}

// The six-digit TOTP code (RFC 6238, SHA-1, 30 s) of a base32 secret.
function totp(secret, at = Date.now() / 1000) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret) bits += abc.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const mac = createHmac('sha1', key).update(msg).digest();
  const off = mac[19] & 15;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

async function startSecura() {
  const dir = mkdtempSync(join(tmpdir(), 'secura-browser-'));
  const port = await freePort();
  const log = join(dir, 'run.log');
  const proc = spawn('sh', ['-c', `exec "${root}/tools/run.sh" >"${log}" 2>&1`], {
    env: { ...process.env, SECURA_DATA: dir, SECURA_PORT: String(port) },
    detached: true,
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(`${base}/health`)).ok) return { proc, base, log, dir }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Secura did not start:\n${readFileSync(log, 'utf8')}`);
}

const secura = await startSecura();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  // Problems a person would not see but we must: CSP violations, script
  // errors, and any stylesheet, image or icon that fails to load.
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document') problems.push(`${r.status()} ${r.url()}`);
  });

  await page.goto(`${secura.base}/`);
  check(page.url().startsWith(`${secura.base}/login`), 'an anonymous visitor lands on the sign-in page', page.url());
  await audit(page, 'the sign-in page');
  await page.getByRole('link', { name: 'Create an account' }).click();

  // A weak password is refused with a message next to the field.
  await page.getByLabel('Work email').fill('amelie.dubois@example.org');
  await page.getByLabel('Full name').fill('Amélie Dubois');
  await page.getByLabel('Department (optional)').fill('Ventes');
  await page.getByLabel('Password', { exact: true }).fill('password1234');
  await page.getByLabel('Repeat the password').fill('password1234');
  await page.getByRole('button', { name: 'Create account' }).click();
  const pwField = page.getByLabel('Password', { exact: true });
  check(await pwField.getAttribute('aria-invalid') === 'true', 'weak password marks the field invalid');
  check(await page.locator('#password-error').isVisible(), 'the field error is shown beside the field');
  check(await page.getByLabel('Work email').inputValue() === 'amelie.dubois@example.org',
    'the form keeps what was typed');
  await page.screenshot({ path: join(artifacts, 'register-error.png'), fullPage: true });
  await audit(page, 'the registration form with errors');

  // Register for real, with the keyboard for the last step.
  const pw = 'Seven bridges over the Rhine';
  await pwField.fill(pw);
  await page.getByLabel('Repeat the password').fill(pw);
  await page.getByLabel('Repeat the password').press('Enter');
  await page.waitForURL(`${secura.base}/login`);
  check((await page.locator('.flash').textContent()).includes('Your account is ready'),
    'registration confirms and leads to sign-in');

  await page.getByLabel('Email').fill('amelie.dubois@example.org');
  await page.getByLabel('Password').fill(pw);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${secura.base}/`);
  const h1 = await page.locator('h1').textContent();
  check(h1.includes('Amélie Dubois'), 'the home page greets the new person by name', h1);
  check((await page.locator('.lead').textContent()).includes('employee'), 'new accounts are employees');
  await page.screenshot({ path: join(artifacts, 'home.png'), fullPage: true });
  await audit(page, 'the home page');
  check(problems.length === 0, 'no CSP violations, script errors or missing resources', problems.join('\n'));

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${secura.base}/login`);
  check((await page.locator('.flash').textContent()).includes('signed out'), 'signing out confirms');
  await page.goto(`${secura.base}/profile`);
  check(page.url().includes('/login?next=%2Fprofile'), 'after sign-out pages ask to sign in again', page.url());

  // An employee reports an incident with a file through the form.
  await page.goto(`${secura.base}/login`);
  await page.getByLabel('Email').fill('amelie.dubois@example.org');
  await page.getByLabel('Password').fill(pw);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${secura.base}/`);
  await page.getByRole('link', { name: 'Report', exact: true }).click();
  await audit(page, 'the report form');
  await page.getByLabel('What happened, in a few words').fill('Fake invoice with a macro attachment');
  await page.getByLabel('Category', { exact: true }).selectOption('phishing');
  await page.getByLabel('Description', { exact: true }).fill('The mail came from *accounts@supp1ier.example* and asked to enable macros.');
  await page.getByLabel('Personal data may be involved').check();
  await page.getByLabel('Credentials (passwords, keys, tokens)').check();
  await page.getByLabel(/Evidence files/).setInputFiles({
    name: 'invoice-mail.txt', mimeType: 'text/plain',
    buffer: Buffer.from('From: accounts@supp1ier.example\nSubject: Invoice 4411\n'),
  });
  await page.getByRole('button', { name: 'Send report' }).click();
  await page.waitForURL(/\/incidents\/\d+\/submitted$/);
  const ref = (await page.locator('strong.ref').textContent()).trim();
  check(/^INC-\d{4}-\d{4}$/.test(ref), 'the confirmation page shows the reference', ref);
  await page.screenshot({ path: join(artifacts, 'incident-submitted.png'), fullPage: true });
  await audit(page, 'the confirmation page');
  await page.getByRole('link', { name: `Open ${ref}` }).click();
  check(await page.getByRole('link', { name: 'invoice-mail.txt' }).isVisible(), 'the evidence file is listed');
  check((await page.locator('.md strong, .md em').count()) > 0, 'the description is rendered as markdown');

  // An analyst triages it.
  const made = spawnSync(`${root}/build/secura`, ['user', 'add', '--email', 'ana@example.org', '--role', 'analyst',
    '--name', 'Ana Lyst', '--password-stdin'], { env: { ...process.env, SECURA_DATA: secura.dir }, input: `${pw}\n` });
  check(made.status === 0, 'an analyst account is created with the CLI', made.stderr);
  const team = await browser.newContext();
  const ap = await team.newPage();
  ap.on('pageerror', (e) => problems.push(e.message));
  await ap.goto(`${secura.base}/login`);
  await ap.getByLabel('Email').fill('ana@example.org');
  await ap.getByLabel('Password').fill(pw);
  await ap.getByRole('button', { name: 'Sign in' }).click();
  await ap.waitForURL(`${secura.base}/`);
  await ap.getByRole('link', { name: 'Incidents', exact: true }).click();
  await audit(ap, 'the incident list');
  await ap.screenshot({ path: join(artifacts, 'incidents.png'), fullPage: true });
  await ap.getByRole('link', { name: ref }).click();
  // The reporter's page stays open: its badge must change live.
  const badgeBefore = (await page.locator('#unread-count').textContent()).trim();
  await ap.getByLabel('Move to').selectOption('triage');
  await ap.getByRole('button', { name: 'Change status' }).click();
  await ap.waitForURL(/\/incidents\/\d+$/);
  check((await ap.locator('.flash').textContent()).includes(`${ref} is now triage`), 'the analyst moves it to triage');
  const live = await page.waitForFunction((b) => document.getElementById('unread-count').textContent.trim() !== b,
    badgeBefore, { timeout: 5000 }).then(() => true, () => false);
  check(live && (await page.locator('#unread-count').textContent()).trim() === String(Number(badgeBefore) + 1),
    "the reporter's unread badge updates live when the analyst acts", badgeBefore);
  check(await page.locator('.toast', { hasText: `${ref} is now triage` }).isVisible(),
    '... with a toast linking to the incident');
  await page.screenshot({ path: join(artifacts, 'live-notification.png') });
  check((await ap.locator('.badges .status').textContent()).trim() === 'triage', 'the page shows the new status');
  await ap.getByRole('button', { name: 'Take this incident' }).click();
  await ap.waitForURL(/\/incidents\/\d+$/);
  check((await ap.locator('.flash').textContent()).includes('Assigned to ana@example.org'), 'the analyst takes it');
  await ap.screenshot({ path: join(artifacts, 'incident-analyst.png'), fullPage: true });
  await audit(ap, 'the incident page (analyst view)');
  // Intelligence: the suggestion is accepted and a playbook step ticked
  // with the keyboard only.
  check((await ap.locator('#suggest-category').textContent()).includes('Phishing'),
    'the analyst sees the suggested category');
  check(await ap.getByRole('link', { name: 'accounts@supp1ier.example' }).first().isVisible(),
    '... and the indicator found in the text evidence');
  await ap.getByRole('button', { name: 'Accept category' }).focus();
  await ap.keyboard.press('Enter');
  const accepted = await ap.locator('.flash', { hasText: 'Suggestion accepted' })
    .waitFor({ timeout: 5000 }).then(() => true, () => false);
  check(accepted, 'accepting the suggestion works from the keyboard');
  await ap.locator('#step-1').focus();
  await ap.keyboard.press('Space');
  await ap.getByRole('button', { name: 'Save checklist' }).focus();
  await ap.keyboard.press('Enter');
  const saved = await ap.locator('.flash', { hasText: 'Checklist saved' })
    .waitFor({ timeout: 5000 }).then(() => true, () => false);
  check(saved && await ap.locator('#step-1').isChecked(), 'a playbook step is ticked from the keyboard');
  await ap.locator('#in-h').scrollIntoViewIfNeeded();
  await ap.screenshot({ path: join(artifacts, 'incident-intelligence.png'), fullPage: true });
  await page.reload();
  check((await page.locator('.badges .status').textContent()).trim() === 'triage', 'the reporter sees the new status');
  check(problems.length === 0, 'no CSP violations, script errors or missing resources on incident pages', problems.join('\n'));

  // Alerts: three days of demo events with attacks; the worker folds their
  // findings; the analyst acknowledges one and makes it an incident.
  check(spawnSync(`${root}/build/secura`, ['demo', '--count', '1', '--events', '6000'],
    { env: { ...process.env, SECURA_DATA: secura.dir, SECURA_MODELS: join(root, 'data', 'models'), SECURA_RULES: join(root, 'data', 'rules') } }).status === 0,
  'demo security events are added');
  let listed = 0;
  for (let i = 0; i < 50 && !listed; i++) {
    await ap.goto(`${secura.base}/alerts`);
    listed = await ap.locator('table.data tbody tr').count();
    if (!listed) await new Promise((r) => setTimeout(r, 300));
  }
  check(listed > 0, 'the worker folds the findings into alerts', listed);
  await audit(ap, 'the alert list');
  await ap.screenshot({ path: join(artifacts, 'alerts.png'), fullPage: true });
  // The list takes in new alerts as they are raised (live.js on /events):
  // another day of demo events, and the count changes without a reload.
  const before = await ap.locator('#alert-list .count').textContent();
  check(spawnSync(`${root}/build/secura`, ['demo', '--count', '1', '--events', '3000', '--seed', '99'],
    { env: { ...process.env, SECURA_DATA: secura.dir, SECURA_MODELS: join(root, 'data', 'models'), SECURA_RULES: join(root, 'data', 'rules') } }).status === 0,
  'more demo security events are added');
  const listLive = await ap.waitForFunction((b) => {
    const e = document.querySelector('#alert-list .count');
    return e && e.textContent !== b;
  }, before, { timeout: 30000 }).then(() => true, () => false);
  check(listLive, 'the alert list takes in new alerts without a reload', before);
  await ap.locator('table.data tbody tr a').first().click();
  await ap.waitForURL(/\/alerts\/\d+$/);
  await audit(ap, 'an alert');
  await ap.getByLabel('Status', { exact: true }).selectOption('acknowledged');
  await ap.getByRole('button', { name: 'Save' }).focus();
  await ap.keyboard.press('Enter');
  await ap.waitForURL(/\/alerts\/\d+$/);
  check((await ap.locator('.flash').textContent()).includes('acknowledged'), 'the analyst acknowledges it from the keyboard');
  await ap.getByLabel('Reason', { exact: true }).fill('the scanner we run on Tuesdays');
  await ap.getByRole('button', { name: 'Suppress similar' }).click();
  await ap.waitForURL(/\/alerts\/\d+$/);
  check((await ap.locator('.flash').textContent()).includes('suppressed for 24 hours'), 'and suppresses similar ones');
  await ap.getByRole('button', { name: 'Promote to incident' }).click();
  await ap.waitForURL(/\/incidents\/\d+$/);
  check((await ap.locator('.flash').textContent()).includes('made from the alert'), 'and makes it an incident');
  check(await ap.locator('#alerts a').count() === 1, 'the incident lists its alert');
  await ap.screenshot({ path: join(artifacts, 'alert-promoted.png'), fullPage: true });
  check(problems.length === 0, 'no CSP violations, script errors or missing resources on alert pages', problems.join('\n'));
  // The graphs: the analyst looks at the sign-ins around the file server,
  // drawn by Graphviz, then the topology, the threat map and the people.
  await ap.getByRole('link', { name: 'Graphs' }).click();
  await ap.waitForURL(/\/graph\/paths$/);
  await ap.getByLabel('Host').fill('files01');
  await ap.getByLabel('Host').press('Enter');
  await ap.waitForURL(/host=files01/);
  check(await ap.getByRole('img', { name: 'Sign-ins around files01' }).isVisible(), 'the sign-ins around a host are drawn');
  check(await ap.locator('table.data tbody tr').count() > 0, '... beside the table of the same edges');
  await audit(ap, 'the attack paths page');
  await ap.screenshot({ path: join(artifacts, 'graph-paths.png'), fullPage: true });
  for (const [link, img] of [['Network topology', 'Subnets and the flows between them'],
    ['Threat map', 'Where events came from']]) {
    await ap.getByRole('link', { name: link }).click();
    check(await ap.getByRole('img', { name: img }).isVisible(), `the ${link.toLowerCase()} is drawn`);
    await audit(ap, `the ${link.toLowerCase()} page`);
  }
  await ap.getByRole('link', { name: "People's behaviour" }).click();
  await audit(ap, "the people's behaviour page");
  check(problems.length === 0, 'no CSP violations, script errors or missing resources on graph pages', problems.join('\n'));
  await team.close();

  // A manager looks at the dashboards over a year of demo incidents.
  const env = { ...process.env, SECURA_DATA: secura.dir };
  check(spawnSync(`${root}/build/secura`, ['demo', '--count', '400'], { env }).status === 0, 'demo incidents are added');
  check(spawnSync(`${root}/build/secura`, ['user', 'add', '--email', 'mia@example.org', '--role', 'manager',
    '--name', 'Mia Nager', '--password-stdin'], { env, input: `${pw}\n` }).status === 0, 'a manager account is created');
  const mgmt = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const mp = await mgmt.newPage();
  mp.on('pageerror', (e) => problems.push(e.message));
  mp.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) problems.push(m.text());
  });
  await mp.goto(`${secura.base}/login`);
  await mp.getByLabel('Email').fill('mia@example.org');
  await mp.getByLabel('Password').fill(pw);
  await mp.getByRole('button', { name: 'Sign in' }).click();
  await mp.waitForURL(`${secura.base}/`);
  await mp.getByRole('link', { name: 'Dashboards' }).click();
  await mp.waitForURL(/\/metrics$/);
  check(await mp.getByRole('img', { name: 'Open incidents by status' }).isVisible(), 'the operational dashboard shows its charts');
  await mp.screenshot({ path: join(artifacts, 'dashboard-operational.png'), fullPage: true });
  await audit(mp, 'the operational dashboard');
  await mp.getByRole('link', { name: 'Executive dashboard' }).click();
  await mp.getByLabel('Period', { exact: true }).selectOption('365');
  await mp.getByRole('button', { name: 'Show' }).click();
  await mp.waitForURL(/period=365/);
  check(await mp.getByRole('img', { name: 'Incidents per week' }).isVisible(), 'the executive dashboard shows weekly bars');
  check(await mp.getByRole('img', { name: 'When incidents are reported' }).isVisible(), '... and the weekday x hour heatmap');
  await mp.screenshot({ path: join(artifacts, 'dashboard-executive.png'), fullPage: true });
  await audit(mp, 'the executive dashboard');
  await mp.getByRole('link', { name: 'Reports' }).click();
  await audit(mp, 'the reports page');
  const [download] = await Promise.all([
    mp.waitForEvent('download'),
    mp.getByRole('button', { name: 'Executive summary' }).click(),
  ]);
  check(download.suggestedFilename().startsWith('secura-executive-'), 'the executive summary downloads as a PDF');
  check(problems.length === 0, 'no CSP violations or script errors on dashboards', problems.join('\n'));

  // The manager sets up a second factor, then signs in with it.
  await mp.goto(`${secura.base}/profile`);
  await mp.getByRole('link', { name: 'Set up or change your second factor' }).click();
  await mp.getByRole('button', { name: 'Set up an authenticator' }).click();
  await mp.waitForURL(/\/account\/2fa$/);
  check(await mp.getByRole('img', { name: 'QR code of the authenticator set-up address' }).isVisible(),
    'setting up shows a QR code');
  const secret = (await mp.locator('code.secret').textContent()).trim();
  await mp.screenshot({ path: join(artifacts, 'second-factor-setup.png'), fullPage: true });
  await audit(mp, 'the second factor set-up page');
  await mp.getByLabel('Code from the app').fill(totp(secret));
  await mp.getByLabel('Code from the app').press('Enter');
  const codes = await mp.locator('ul.codes code').allTextContents();
  check(codes.length === 10, 'a first code turns it on and shows ten recovery codes', codes.join(' '));
  await audit(mp, 'the recovery codes page');
  await mp.getByRole('button', { name: 'Sign out' }).click();
  await mp.waitForURL(`${secura.base}/login`);
  await mp.getByLabel('Email').fill('mia@example.org');
  await mp.getByLabel('Password').fill(pw);
  await mp.getByRole('button', { name: 'Sign in' }).click();
  await mp.waitForURL(/\/login\/2fa/);
  check(await mp.getByLabel('Code').isVisible(), 'signing in then asks for a code');
  await mp.screenshot({ path: join(artifacts, 'second-factor-code.png'), fullPage: true });
  await audit(mp, 'the second factor code form');
  await mp.getByLabel('Code').fill(codes[0]);
  await mp.getByRole('button', { name: 'Continue' }).click();
  await mp.waitForURL(`${secura.base}/`);
  check((await mp.locator('.flash').textContent()).includes('recovery code'), 'a recovery code signs in, and says so');
  check(problems.length === 0, 'no CSP violations or script errors on the second factor pages', problems.join('\n'));
  await mgmt.close();

  // An employee applies to join the security team with a CV; an admin
  // approves, and the employee is an analyst on their next page.
  for (const [email, role] of [['eve@example.org', 'employee'], ['ada@example.org', 'admin']])
    check(spawnSync(`${root}/build/secura`, ['user', 'add', '--email', email, '--role', role, '--password-stdin'],
      { env, input: `${pw}\n` }).status === 0, `an ${role} account is created`);
  const joining = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const ep = await joining.newPage(), ap2 = await joining.newPage();
  for (const p of [ep, ap2]) p.on('pageerror', (e) => problems.push(e.message));
  async function signIn(p, email) {
    await p.goto(`${secura.base}/login`);
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill(pw);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`${secura.base}/`);
  }
  await signIn(ep, 'eve@example.org');
  await ep.locator('details.menu.end summary').click();
  await ep.getByRole('link', { name: 'Join the security team' }).click();
  await ep.getByLabel('Why you want to join').fill('I handled the phishing reports in my department for two years.');
  await ep.getByLabel('threat hunting').check();
  await ep.getByLabel(/Supporting documents/).setInputFiles({
    name: 'cv.pdf', mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nxref\n0 2\n0000000000 65535 f \n'
      + '0000000009 00000 n \ntrailer << /Size 2 /Root 1 0 R >>\nstartxref\n52\n%%EOF\n'),
  });
  await audit(ep, 'the application form');
  await ep.getByRole('button', { name: 'Send application' }).click();
  await ep.waitForURL(`${secura.base}/team/apply`);
  check((await ep.locator('.flash').textContent()).includes('application was sent'), 'the application is sent');
  check(await ep.getByText('waiting for a decision').isVisible(), 'and waits for a decision');
  await ep.screenshot({ path: join(artifacts, 'team-apply.png'), fullPage: true });
  await joining.clearCookies();
  await signIn(ap2, 'ada@example.org');
  await ap2.locator('summary', { hasText: 'Security team' }).click();
  await ap2.getByRole('link', { name: /Applications/ }).click();
  await ap2.getByRole('link', { name: 'eve@example.org' }).click();
  check(await ap2.getByRole('link', { name: 'cv.pdf' }).isVisible(), 'the admin sees the CV');
  await audit(ap2, 'an application under review');
  await ap2.screenshot({ path: join(artifacts, 'team-application.png'), fullPage: true });
  await ap2.getByRole('button', { name: 'Approve' }).click();
  check(await ap2.locator('dd .tag.ok', { hasText: 'approved' }).isVisible(), 'the admin approves');
  await joining.clearCookies();
  await signIn(ep, 'eve@example.org');
  check(await ep.getByRole('link', { name: 'Incidents', exact: true }).isVisible(), 'the applicant is now on the team');
  check(problems.length === 0, 'no CSP violations or script errors while joining the team', problems.join('\n'));
  await joining.close();

  // Chat: two signed-in browsers; what one sends appears in the other's
  // open conversation without a reload.
  const c1 = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const c2 = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p1 = await c1.newPage(), p2 = await c2.newPage();
  for (const p of [p1, p2]) p.on('pageerror', (e) => problems.push(e.message));
  await signIn(p1, 'ada@example.org');
  await signIn(p2, 'eve@example.org');
  await p2.getByRole('link', { name: /^Chat/ }).click();
  await p2.getByRole('link', { name: 'ada@example.org' }).click();
  await p2.getByRole('textbox', { name: /^Message/ }).fill('Hello Ada, first day on the team!');
  await p2.getByRole('button', { name: 'Send' }).click();
  await p2.waitForURL(/\/chat\/rooms\/\d+/);
  const roomUrl = p2.url().split('#')[0];
  await p1.goto(roomUrl);
  check(await p1.getByText('first day on the team').isVisible(), 'the other person reads the message');
  await audit(p1, 'a chat conversation');
  await p1.waitForTimeout(300);
  await p2.getByRole('textbox', { name: /^Message/ }).fill('Is there a **playbook** for phishing?');
  await p2.getByRole('button', { name: 'Send' }).click();
  const t0 = Date.now();
  await p1.locator('#chat-messages strong', { hasText: 'playbook' }).waitFor({ timeout: 10000 });
  check(true, `a message appears live in the other browser (${Date.now() - t0} ms)`);
  await p1.screenshot({ path: join(artifacts, 'chat-room.png'), fullPage: true });
  await p1.goto(`${secura.base}/chat`);
  await audit(p1, 'the chat page');

  // The help panel on any page: a question in one's own words, answered
  // with its sources; the source opens at its section.
  await p1.locator('summary', { hasText: 'Help' }).click();
  await p1.getByLabel('Ask Secura').fill('how long do we have to tell the authority about a data breach?');
  await p1.getByLabel('Ask Secura').press('Enter');
  await p1.waitForURL(`${secura.base}/assistant`);
  check(await p1.getByText(/within 72 hours/).first().isVisible(), 'the assistant answers from the help');
  await audit(p1, 'an answer of the assistant');
  await p1.screenshot({ path: join(artifacts, 'assistant.png'), fullPage: true });
  await p1.locator('ol.sources a').first().click();
  await p1.waitForURL(/\/help\/gdpr#/);
  check(await p1.locator('h2#the-72-hour-deadline').isVisible(), 'its source opens at the section');
  await audit(p1, 'a help article');

  // Dark pages (the system's setting) pass the same checks.
  const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
  const dp = await dark.newPage();
  dp.on('pageerror', (e) => problems.push(e.message));
  await signIn(dp, 'ada@example.org');
  for (const [path, name] of [['/', 'home'], ['/incidents?status=open', 'incident list'], ['/metrics', 'dashboard'],
    ['/metrics/executive', 'executive dashboard'], ['/alerts', 'alert list'], ['/chat', 'chat'],
    ['/admin/applications?status=any', 'applications'], ['/help/gdpr', 'help article'], ['/profile', 'profile']]) {
    await dp.goto(`${secura.base}${path}`);
    await audit(dp, `the ${name} in dark mode`);
  }
  await dp.goto(`${secura.base}/metrics/executive`);
  await dp.screenshot({ path: join(artifacts, 'dark-executive.png'), fullPage: true });
  await dark.close();
  check(problems.length === 0, 'no CSP violations or script errors in the chat', problems.join('\n'));
  await c1.close();
  await c2.close();
} catch (e) {
  check(false, 'browser scenario raised', e.stack);
} finally {
  await browser.close();
  try { process.kill(-secura.proc.pid, 'SIGTERM'); } catch { /* gone */ }
}
console.log(`# ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
