import { describe, expect, it } from 'vitest';
import {
  CHOICE_TTL_MS,
  ScreenSharePicker,
  THUMBNAIL_SIZE,
  type CaptureSource,
  type CaptureSourceLister,
} from '../../../electron/main/screen-share';

function source(id: string, name: string, thumbnail = `data:image/png;base64,${name}`): CaptureSource {
  return { id, name, thumbnail: { isEmpty: () => thumbnail === '', toDataURL: () => thumbnail } };
}

/** Stands in for `desktopCapturer` (an OS service), returning what a desktop would list. */
class ListedSources implements CaptureSourceLister {
  readonly requests: Parameters<CaptureSourceLister['getSources']>[0][] = [];
  constructor(public listing: CaptureSource[]) {}
  async getSources(options: Parameters<CaptureSourceLister['getSources']>[0]): Promise<CaptureSource[]> {
    this.requests.push(options);
    return this.listing;
  }
}

describe('ScreenSharePicker', () => {
  const desktop = [source('screen:0:0', 'Entire screen'), source('window:42:0', 'Editor', '')];

  it('lists screens and windows with their kind and thumbnail', async () => {
    const lister = new ListedSources(desktop);
    const picker = new ScreenSharePicker(lister);
    expect(await picker.sources()).toEqual([
      {
        id: 'screen:0:0',
        name: 'Entire screen',
        kind: 'screen',
        thumbnail: 'data:image/png;base64,Entire screen',
      },
      { id: 'window:42:0', name: 'Editor', kind: 'window', thumbnail: '' },
    ]);
    expect(lister.requests).toEqual([{ types: ['screen', 'window'], thumbnailSize: { ...THUMBNAIL_SIZE } }]);
  });

  it('grants the chosen source once', async () => {
    const picker = new ScreenSharePicker(new ListedSources(desktop));
    await picker.sources();
    picker.choose('window:42:0');
    expect(picker.take()).toEqual({ id: 'window:42:0', name: 'Editor' });
    expect(picker.take()).toBeUndefined();
  });

  it('refuses a source it did not offer, and one from an older list', async () => {
    const lister = new ListedSources(desktop);
    const picker = new ScreenSharePicker(lister);
    expect(() => picker.choose('screen:0:0')).toThrow(/not one of the sources offered/);
    await picker.sources();
    expect(() => picker.choose('window:7:0')).toThrow(/window:7:0 is not one of the sources offered/);
    lister.listing = [source('screen:1:0', 'Second screen')];
    await picker.sources();
    expect(() => picker.choose('screen:0:0')).toThrow(/not one of the sources offered/);
    expect(picker.take()).toBeUndefined();
  });

  it('refuses a capture request without a choice or with a stale one', async () => {
    let now = 1_000;
    const picker = new ScreenSharePicker(new ListedSources(desktop), () => now);
    await picker.sources();
    expect(picker.take()).toBeUndefined();
    picker.choose('screen:0:0');
    now += CHOICE_TTL_MS + 1;
    expect(picker.take()).toBeUndefined();
  });

  it('a new listing drops a choice not yet used', async () => {
    const picker = new ScreenSharePicker(new ListedSources(desktop));
    await picker.sources();
    picker.choose('screen:0:0');
    await picker.sources();
    expect(picker.take()).toBeUndefined();
  });
});
