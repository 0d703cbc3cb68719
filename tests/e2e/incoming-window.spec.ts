import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { expectNoAxeViolations } from './axe';
import { expect, test } from './fixtures';
import { expectFitsWidth } from './layout';

/**
 * The desktop's small incoming-call window (renderer/incoming.html, 360 x 128, shown where the OS has
 * no notification buttons), from the desktop build that `tests/run-e2e.sh` makes, in real Chromium.
 * Without Electron there is no preload bridge: the page renders and lays out exactly as on the desktop,
 * and its buttons' wiring is covered by tests/unit/renderer/incoming-page.test.ts.
 */
const BUILD = join(import.meta.dirname, '../../out/renderer');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

let server: Server;
let origin = '';

test.beforeAll(async () => {
  server = createServer((request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    readFile(join(BUILD, path))
      .then((body) =>
        response
          .writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' })
          .end(body),
      )
      .catch(() => response.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

for (const [lang, names] of [
  ['en', ['Answer', 'Decline', 'Busy']],
  ['zh-CN', ['接听', '拒接', '忙线']],
] as const) {
  test(`the incoming-call window (${lang}): Answer, Decline and Busy fit its 360 x 128 px, axe-clean`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ viewport: { width: 360, height: 128 } });
    try {
      const page = await context.newPage();
      await page.goto(
        `${origin}/incoming.html?callId=c1&name=${encodeURIComponent('Bob Example')}&number=1002&lang=${lang}`,
      );
      const window = page.getByRole('alertdialog');
      for (const name of names) {
        const button = window.getByRole('button', { name, exact: true });
        await expect(button).toBeVisible();
        // Inside the frameless window, top to bottom too: nothing can be scrolled to there.
        const box = await button.boundingBox();
        expect(box && box.y >= 0 && box.y + box.height <= 128, `${name} inside the window`).toBe(true);
      }
      await expect(window.getByRole('button', { name: names[2] })).toHaveAccessibleDescription(/486/);
      await expectFitsWidth(page, `incoming-call window (${lang})`);
      await expectNoAxeViolations(page, `incoming-call window (${lang})`);
    } finally {
      await context.close();
    }
  });
}
