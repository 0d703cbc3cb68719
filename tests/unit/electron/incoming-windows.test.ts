import { describe, expect, it } from 'vitest';
import type { PhoneCommand, RingingCall } from '../../../electron/common/contract';
import {
  IncomingWindows,
  incomingPageUrl,
  type IncomingWindowHandle,
} from '../../../electron/main/incoming-windows';

const bob: RingingCall = { callId: 'c1', displayName: 'Bob', number: '+12015550123' };
const carol: RingingCall = { callId: 'c2', displayName: 'Carol', number: '1003' };

describe('incomingPageUrl', () => {
  it('puts the caller in the query of incoming.html, encoded', () => {
    expect(incomingPageUrl('app://ringline', bob, 'en')).toBe(
      'app://ringline/incoming.html?callId=c1&name=Bob&number=%2B12015550123&lang=en',
    );
    expect(incomingPageUrl('http://localhost:5173/', bob, 'zh-CN')).toBe(
      'http://localhost:5173/incoming.html?callId=c1&name=Bob&number=%2B12015550123&lang=zh-CN',
    );
  });

  it('keeps a hostile display name inside its parameter', () => {
    const url = new URL(
      incomingPageUrl(
        'app://ringline',
        { callId: 'c&x=1', displayName: '<img src=x>&lang=xx#/../', number: '' },
        'en',
      ),
    );
    expect(url.pathname).toBe('/incoming.html');
    expect(url.hash).toBe('');
    expect(url.searchParams.get('callId')).toBe('c&x=1');
    expect(url.searchParams.get('name')).toBe('<img src=x>&lang=xx#/../');
    expect(url.searchParams.getAll('lang')).toEqual(['en']);
  });
});

describe('IncomingWindows', () => {
  function setup() {
    const opened: {
      url: string;
      slot: number;
      closed: boolean;
      handle: IncomingWindowHandle;
      fireClosed(): void;
    }[] = [];
    const commands: PhoneCommand[] = [];
    let nextId = 100;
    const windows = new IncomingWindows({
      pageBase: 'app://ringline',
      sendCommand: (command) => commands.push(command),
      create: (url, slot) => {
        let closedListener = (): void => undefined;
        const record = {
          url,
          slot,
          closed: false,
          handle: {
            webContentsId: nextId++,
            close: () => {
              record.closed = true;
              closedListener();
            },
            onClosed: (listener: () => void) => {
              closedListener = listener;
            },
          },
          fireClosed: () => closedListener(),
        };
        opened.push(record);
        return record.handle;
      },
    });
    return { windows, opened, commands };
  }

  it('opens one window per ringing call, stacked, and knows which call each is for', () => {
    const { windows, opened } = setup();
    windows.open(bob, 'en');
    windows.open(bob, 'en');
    windows.open(carol, 'zh-CN');
    expect(opened.map((w) => [w.slot, new URL(w.url).searchParams.get('callId')])).toEqual([
      [0, 'c1'],
      [1, 'c2'],
    ]);
    expect(windows.callIdOf(100)).toBe('c1');
    expect(windows.callIdOf(101)).toBe('c2');
    expect(windows.callIdOf(1)).toBeNull();
  });

  it('forwards Answer / Decline / Busy to the phone and closes the window', () => {
    const { windows, opened, commands } = setup();
    windows.open(bob, 'en');
    windows.open(carol, 'en');
    windows.open({ ...carol, callId: 'c3' }, 'en');
    windows.act({ callId: 'c1', action: 'answer' });
    windows.act({ callId: 'c2', action: 'decline' });
    windows.act({ callId: 'c3', action: 'busy' });
    expect(commands).toEqual([
      { kind: 'answer', callId: 'c1' },
      { kind: 'decline', callId: 'c2', statusCode: 603 },
      { kind: 'decline', callId: 'c3', statusCode: 486 },
    ]);
    expect(opened.map((w) => w.closed)).toEqual([true, true, true]);
    expect(windows.callIdOf(100)).toBeNull();
  });

  it('ignores an action for a call without a window (it stopped ringing meanwhile)', () => {
    const { windows, commands } = setup();
    windows.act({ callId: 'c1', action: 'answer' });
    expect(commands).toEqual([]);
  });

  it('closes the window when the call stops ringing, and forgets windows the user closed', () => {
    const { windows, opened } = setup();
    windows.open(bob, 'en');
    windows.close('c1');
    windows.close('c1');
    expect(opened[0]?.closed).toBe(true);
    windows.open(carol, 'en');
    opened[1]?.fireClosed();
    expect(windows.callIdOf(101)).toBeNull();
    windows.open(carol, 'en');
    expect(opened).toHaveLength(3);
  });

  it('closes all of them on quit', () => {
    const { windows, opened } = setup();
    windows.open(bob, 'en');
    windows.open(carol, 'en');
    windows.closeAll();
    expect(opened.every((w) => w.closed)).toBe(true);
  });
});
