// The popup, used as a person would: type a URL, connect, send from the form,
// and see the state, the URL, the counters and the echoed message change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, until, artifactPath } from './harness.mjs';

const text = (page, id) => page.$eval(`#${id}`, (el) => el.textContent);

test('the popup connects, shows open, the URL and counters that follow a sent message', { timeout: 60_000 }, async (t) => {
  const { server, env } = await setup(t);
  const page = await env.page('popup.html');
  const url = `${server.url}?tag=popup`;

  assert.equal(await text(page, 'state'), 'idle');
  await page.type('#urlInput', url);
  await page.click('#connectButton');
  await until('state open in the popup', async () => (await text(page, 'state')) === 'open');
  assert.equal(await text(page, 'url'), url);
  assert.equal(await text(page, 'sent'), '0');
  assert.equal(await text(page, 'connects'), '1');

  await page.type('#messageInput', 'hello from the popup');
  await page.click('#sendButton');
  await until('sent 1, received 1', async () =>
    (await text(page, 'sent')) === '1' && (await text(page, 'received')) === '1');
  await until('the echo in the list', async () =>
    (await page.$$eval('#messages li', (items) => items.map((i) => i.textContent))).includes('hello from the popup'));
  assert.equal(await page.$eval('#messageInput', (el) => el.value), '', 'the form is cleared');

  const stats = await server.stats('popup');
  assert.deepEqual(stats.perConnection[0].lastTexts, ['hello from the popup']);

  // A bad URL is refused with its kind shown, and the connection is untouched.
  await page.click('#closeButton');
  await until('closed', async () => (await text(page, 'state')) === 'closed');
  await page.$eval('#urlInput', (el) => { el.value = 'ws://example.com/ws'; });
  await page.click('#connectButton');
  await until('the problem shown', async () => (await text(page, 'problem')).startsWith('insecure_url'));

  await page.$eval('#urlInput', (el) => { el.value = ''; });
  await page.type('#urlInput', url);
  await page.click('#connectButton');
  await until('open again', async () => (await text(page, 'state')) === 'open');
  await until('problem cleared', async () => page.$eval('#problem', (el) => el.hidden));
  const shot = artifactPath('popup.png');
  await page.screenshot({ path: shot });
  t.diagnostic(`screenshot: ${shot}`);
});
