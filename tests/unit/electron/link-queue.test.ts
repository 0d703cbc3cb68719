import { describe, expect, it } from 'vitest';
import type { DialRequest } from '../../../electron/common/contract';
import { LinkQueue, isDialLink, pickDialLinks } from '../../../electron/main/link-queue';

function queue(): { links: LinkQueue; sent: DialRequest[] } {
  const sent: DialRequest[] = [];
  return { links: new LinkQueue((request) => sent.push(request)), sent };
}

describe('pickDialLinks', () => {
  it('keeps tel:, sip:, sips: and callto: entries from argv, in order', () => {
    const argv = [
      '/opt/Ringline/ringline',
      '--no-sandbox',
      '--original-process-start-time=1234',
      'tel:+15550123',
      '.',
      'SIP:alice@example.com',
      'sips:bob@example.com',
      'callto:carol',
      'https://example.com/tel:+1',
      'mailto:x@example.com',
      'telnet:host',
    ];
    expect(pickDialLinks(argv)).toEqual([
      'tel:+15550123',
      'SIP:alice@example.com',
      'sips:bob@example.com',
      'callto:carol',
    ]);
  });

  it('drops absurdly long entries', () => {
    expect(isDialLink(`tel:${'1'.repeat(252)}`)).toBe(true);
    expect(isDialLink(`tel:${'1'.repeat(253)}`)).toBe(false);
  });
});

describe('LinkQueue', () => {
  it('holds links until the renderer is ready, then flushes them in order', () => {
    const { links, sent } = queue();
    links.push('tel:1');
    links.push('sip:a@b');
    expect(sent).toEqual([]);
    links.rendererReady();
    expect(sent).toEqual([
      { kind: 'dial', target: 'tel:1' },
      { kind: 'dial', target: 'sip:a@b' },
    ]);
  });

  it('sends later links directly and does not resend flushed ones', () => {
    const { links, sent } = queue();
    links.push('tel:1');
    links.rendererReady();
    links.push('tel:2');
    links.rendererReady();
    expect(sent.map((request) => request.target)).toEqual(['tel:1', 'tel:2']);
  });

  it('queues again while the renderer reloads', () => {
    const { links, sent } = queue();
    links.rendererReady();
    links.rendererGone();
    links.push('tel:3');
    expect(sent).toEqual([]);
    links.rendererReady();
    expect(sent).toEqual([{ kind: 'dial', target: 'tel:3' }]);
  });

  it('ignores anything that is not a dial link', () => {
    const { links, sent } = queue();
    links.rendererReady();
    links.push('https://evil.example/');
    links.push('--inspect');
    expect(sent).toEqual([]);
  });

  it('keeps only the newest 16 while waiting', () => {
    const { links, sent } = queue();
    for (let n = 1; n <= 20; n += 1) links.push(`tel:${n}`);
    links.rendererReady();
    expect(sent.map((request) => request.target)).toEqual(
      Array.from({ length: 16 }, (_unused, index) => `tel:${index + 5}`),
    );
  });
});
