import { describe, expect, it } from 'vitest';
import { LinkQueue, MAX_QUEUED_LINKS } from '../../../electron/main/link-queue';

function queue(): { links: LinkQueue; sent: string[] } {
  const sent: string[] = [];
  return { links: new LinkQueue((link) => sent.push(link)), sent };
}

describe('LinkQueue', () => {
  it('holds links until the renderer is ready, then flushes them in order', () => {
    const { links, sent } = queue();
    links.push('tel:1');
    links.push('sip:a@b');
    expect(links.hasPending).toBe(true);
    expect(sent).toEqual([]);
    links.rendererReady();
    expect(sent).toEqual(['tel:1', 'sip:a@b']);
    expect(links.hasPending).toBe(false);
  });

  it('sends later links directly and does not resend flushed ones', () => {
    const { links, sent } = queue();
    links.push('tel:1');
    links.rendererReady();
    links.push('tel:2');
    links.rendererReady();
    expect(sent).toEqual(['tel:1', 'tel:2']);
  });

  it('queues again while the renderer reloads', () => {
    const { links, sent } = queue();
    links.rendererReady();
    links.rendererGone();
    links.push('tel:3');
    expect(sent).toEqual([]);
    links.rendererReady();
    expect(sent).toEqual(['tel:3']);
  });

  it('passes every link on, bad ones too: the parser reports why it is refused', () => {
    const { links, sent } = queue();
    links.rendererReady();
    links.push('tel:%0d%0a');
    expect(sent).toEqual(['tel:%0d%0a']);
  });

  it(`keeps only the newest ${MAX_QUEUED_LINKS} while waiting`, () => {
    const { links, sent } = queue();
    for (let n = 1; n <= MAX_QUEUED_LINKS + 4; n += 1) links.push(`tel:${n}`);
    links.rendererReady();
    expect(sent).toEqual(Array.from({ length: MAX_QUEUED_LINKS }, (_unused, index) => `tel:${index + 5}`));
  });
});
