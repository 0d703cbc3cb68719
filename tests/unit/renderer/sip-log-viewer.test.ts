import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, h, nextTick, type App } from 'vue';
import SipLogViewer from '../../../renderer/src/components/SipLogViewer.vue';
import { HOST_KEY } from '../../../renderer/src/host/host';
import { createWebHost } from '../../../renderer/src/host/web-host';
import { WebStorage } from '../../../renderer/src/host/web-storage';
import { createAppI18n } from '../../../renderer/src/i18n';
import { en } from '../../../renderer/src/i18n/en';
import type { CapturedSipMessage } from '../../../renderer/src/sip/sip-capture';
import { useSipLogStore } from '../../../renderer/src/stores/sip-log';

const mounted: { app: App; root: HTMLElement; storage: WebStorage }[] = [];

afterEach(async () => {
  for (const { app, root, storage } of mounted.splice(0)) {
    app.unmount();
    root.remove();
    await storage.delete();
  }
});

let n = 0;
function message(method: string): CapturedSipMessage {
  n += 1;
  const text = [
    `${method} sip:${n}@pbx.example.com SIP/2.0`,
    `Call-ID: call-${n % 40}`,
    `CSeq: ${n} ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return { id: `a#${n}`, accountId: 'a', direction: n % 2 ? 'sent' : 'received', at: Date.now(), text };
}

async function mountViewer() {
  const storage = new WebStorage(`ringline-test-${crypto.randomUUID()}`);
  const root = document.createElement('div');
  root.style.width = '800px';
  document.body.append(root);
  const pinia = createPinia();
  const app = createApp({ render: () => h(SipLogViewer) });
  app.provide(HOST_KEY, createWebHost(storage));
  app.use(pinia);
  app.use(createAppI18n('en', en));
  const log = app.runWithContext(() => useSipLogStore(pinia));
  for (let i = 0; i < 2500; i++) log.add(message(i % 4 === 0 ? 'INVITE' : 'OPTIONS'));
  app.mount(root);
  mounted.push({ app, root, storage });
  await nextTick();
  return { root, log };
}

const rows = (root: HTMLElement) => root.querySelectorAll('.sip-log-list li');
const shownText = (root: HTMLElement) =>
  [...root.querySelectorAll('p.hint')]
    .map((p) => p.textContent ?? '')
    .find((text) => /messages shown/.test(text));

function select(root: HTMLElement, label: string): HTMLSelectElement {
  const found = [...root.querySelectorAll('label')].find((l) => l.textContent?.trim().startsWith(label));
  const control = found?.querySelector('select');
  if (!control) throw new Error(`no select labelled ${label}`);
  return control;
}

function button(root: HTMLElement, name: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === name);
  if (!found) throw new Error(`no button named ${name}`);
  return found;
}

describe('SipLogViewer', () => {
  it('keeps only the rows on screen in the page, however many messages the log holds', async () => {
    const { root } = await mountViewer();
    await vi.waitFor(() => expect(rows(root).length).toBeGreaterThan(0));
    expect(shownText(root)).toBe('2000 of 2000 messages shown');
    expect(rows(root).length).toBeLessThan(60);
    expect(root.querySelector('.sip-log-list')?.getAttribute('aria-label')).toBe('SIP messages');
    expect(rows(root)[0]?.getAttribute('aria-setsize')).toBe('2000');
    // Newest last, and scrolled to it.
    await vi.waitFor(() =>
      expect(root.querySelector('.sip-log-list')?.textContent).toContain('sip:2500@pbx'),
    );
  });

  it('filters by method, opens a message to its full text, and pauses without losing messages', async () => {
    const { root, log } = await mountViewer();
    const method = select(root, 'Method');
    expect([...method.options].map((o) => o.value)).toEqual(['', 'INVITE', 'OPTIONS']);
    method.value = 'INVITE';
    method.dispatchEvent(new Event('change'));
    await vi.waitFor(() => expect(shownText(root)).toBe('500 of 2000 messages shown'));
    await vi.waitFor(() => expect(rows(root).length).toBeGreaterThan(0));
    expect([...rows(root)].every((row) => row.textContent?.includes('INVITE sip:'))).toBe(true);

    const summary = root.querySelector<HTMLButtonElement>('.sip-log-summary');
    summary?.click();
    await nextTick();
    expect(summary?.getAttribute('aria-expanded')).toBe('true');
    expect(root.querySelector('.sip-log-detail pre')?.textContent).toMatch(
      /^INVITE sip:\d+@pbx\.example\.com SIP\/2\.0\r\nCall-ID: /,
    );

    button(root, 'Pause').click();
    log.add(message('INVITE'));
    await nextTick();
    expect(shownText(root)).toBe('500 of 2000 messages shown');
    expect(root.textContent).toContain('Paused: 1 new messages are kept but not shown.');
    button(root, 'Resume').click();
    await nextTick();
    // One more INVITE is in, the oldest message (an INVITE as well) went: still 500 of the 2,000 kept.
    expect(log.stats).toMatchObject({ size: 2000, capacity: 2000, dropped: 501 });
    expect(shownText(root)).toBe('500 of 2000 messages shown');
  });
});
