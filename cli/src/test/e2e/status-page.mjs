// StatusPageIT's browser: opens `quorate serve`'s page in Debian's Chromium (headless, driven by
// playwright-core, which never downloads a browser) and reports what the page shows, in two
// phases separated by a line "next {json}" on stdin, during which the IT makes a member fail, hands
// a lock to its waiter and has the leader resign. The json says what the page must then show:
// {"holders": [tokens held], "leaders": ["<election>: <candidate> · epoch <token>"]}.
// Usage: node status-page.mjs URL SCREENSHOT_DIR
// Prints one line per phase: "PHASE <name> <json>"; on any failure "ERROR <message>" and exits 1.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const [url, shots] = process.argv.slice(2);
const WAIT = { timeout: 30000 };
const profile = mkdtempSync(join(tmpdir(), 'quorate-chromium-'));
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function observe(page) {
  return page.evaluate(() => ({
    health: document.getElementById('health').textContent,
    banner: getComputedStyle(document.getElementById('banner')).backgroundColor,
    clusters: [...document.querySelectorAll('.cluster')].map(c => c.textContent),
    hosts: [...document.querySelectorAll('.host')].map(h => ({
      host: h.dataset.host,
      members: [...h.querySelectorAll('.member')].map(m => ({
        member: m.dataset.member, state: m.className.replace('member ', ''), text: m.textContent,
      })),
    })),
    fences: [...document.querySelectorAll('#fences li')].map(li => li.textContent),
    locksSummary: document.getElementById('locks-summary')?.textContent ?? null,
    locks: [...document.querySelectorAll('.lock')].map(l => ({
      resource: l.dataset.resource,
      rows: [...l.querySelectorAll('tr')].slice(1)
        .map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent)),
    })),
    elections: [...document.querySelectorAll('#elections li')].map(li => li.textContent),
  }));
}

let browser;
try {
  // A fresh, empty profile directory every run (Playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] || await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('health').textContent === 'HEALTHY', null, WAIT);
  await page.screenshot({ path: join(shots, 'status-page-healthy.png') });
  console.log('PHASE healthy ' + JSON.stringify(await observe(page)));

  const next = await lines.next();
  if (next.done || !next.value.startsWith('next ')) {
    throw new Error('expected "next {json}" on stdin, got ' + JSON.stringify(next.value));
  }
  const expected = JSON.parse(next.value.slice('next '.length));
  // No reload: the page must pick the failover up by itself.
  await page.waitForFunction(({ holders, leaders }) => {
    const c = document.querySelector('[data-member="shop/db-c"]');
    const held = [...document.querySelectorAll('.lock tr')]
      .map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent))
      .filter(cells => cells[0] === 'holder').map(cells => cells[3]);
    const led = [...document.querySelectorAll('#elections li')].map(li => li.textContent);
    return document.getElementById('health').textContent === 'DEGRADED'
      && c && c.classList.contains('down')
      && document.getElementById('fences').textContent.includes('off db-c')
      && holders.every(token => held.includes(token))
      && leaders.every(leader => led.some(text => text.startsWith(leader)));
  }, expected, WAIT);
  await page.screenshot({ path: join(shots, 'status-page-failover.png') });
  console.log('PHASE failover ' + JSON.stringify(await observe(page)));
} catch (e) {
  console.log('ERROR ' + String(e && e.stack || e).replace(/\n/g, ' | '));
  process.exitCode = 1;
} finally {
  if (browser) {
    await browser.close();
  }
  rmSync(profile, { recursive: true, force: true });
  process.exit(process.exitCode || 0);
}
