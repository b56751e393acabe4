import { chromium } from 'playwright-core';
import fs from 'fs';
const cfg = JSON.parse(fs.readFileSync('/tmp/x/shot3.json'));
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'] });
async function shot(session, path, file) {
  const ctx = await b.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.addCookies([{ name: 'secura_session', value: session, domain: '127.0.0.1', path: '/' }]);
  const p = await ctx.newPage();
  await p.goto(`http://127.0.0.1:${cfg.port}${path}`);
  await p.screenshot({ path: file, fullPage: true });
  await ctx.close();
}
await shot(cfg.session, '/sessions', '/tmp/x/s-sessions.png');
await shot(cfg.session, `/admin/users/${cfg.uid}`, '/tmp/x/s-user.png');
await shot(cfg.owed, '/incidents', '/tmp/x/s-owed.png');
await b.close();
