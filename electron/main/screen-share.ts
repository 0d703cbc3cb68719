/**
 * Screen and window sharing on the desktop. Chromium's `getDisplayMedia()` has no picker inside
 * Electron: main answers it from `session.setDisplayMediaRequestHandler`. So the renderer first asks
 * for the list (`desktopCapturer.getSources`), shows its own picker, names the chosen source, and only
 * then calls `getDisplayMedia()`, which main grants with exactly that source, once.
 *
 * The page is untrusted: it can only choose among the sources main listed for it last, a choice is
 * used once and goes stale after {@link CHOICE_TTL_MS}, and without a fresh choice a capture request is
 * refused. Everything here is plain TypeScript over an injected lister; `index.ts` passes Electron's
 * `desktopCapturer`.
 */
import type { ScreenShareSource } from '../common/contract';

/** The part of an Electron `DesktopCapturerSource` this needs. */
export interface CaptureSource {
  id: string;
  name: string;
  thumbnail: { isEmpty(): boolean; toDataURL(): string };
}

/** `desktopCapturer.getSources`, narrowed to what is used. */
export interface CaptureSourceLister {
  getSources(options: {
    types: ('screen' | 'window')[];
    thumbnailSize: { width: number; height: number };
  }): Promise<CaptureSource[]>;
}

/** How long a choice stays good: the renderer calls `getDisplayMedia()` right after choosing. */
export const CHOICE_TTL_MS = 10_000;

export const THUMBNAIL_SIZE = { width: 320, height: 180 } as const;

/** What `setDisplayMediaRequestHandler`'s callback takes as `video`. */
export interface GrantedSource {
  id: string;
  name: string;
}

export class ScreenSharePicker {
  private offered = new Map<string, CaptureSource>();
  private choice: { source: CaptureSource; at: number } | undefined;

  constructor(
    private readonly lister: CaptureSourceLister,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Lists screens and windows; this list replaces the previous one as what may be chosen. */
  async sources(): Promise<ScreenShareSource[]> {
    const found = await this.lister.getSources({
      types: ['screen', 'window'],
      thumbnailSize: { ...THUMBNAIL_SIZE },
    });
    this.offered = new Map(found.map((source) => [source.id, source]));
    this.choice = undefined;
    return found.map((source) => ({
      id: source.id,
      name: source.name,
      kind: source.id.startsWith('screen:') ? 'screen' : 'window',
      thumbnail: source.thumbnail.isEmpty() ? '' : source.thumbnail.toDataURL(),
    }));
  }

  /** Remembers the user's choice for the next capture request; refuses an id main did not offer. */
  choose(sourceId: string): void {
    const source = this.offered.get(sourceId);
    if (!source) throw new Error(`screen share: ${sourceId} is not one of the sources offered`);
    this.choice = { source, at: this.now() };
  }

  /**
   * For the display-media request handler: the fresh choice, used up by this call; undefined (refuse
   * the request) when there is none or it is stale.
   */
  take(): GrantedSource | undefined {
    const choice = this.choice;
    this.choice = undefined;
    if (!choice || this.now() - choice.at > CHOICE_TTL_MS) return undefined;
    return { id: choice.source.id, name: choice.source.name };
  }
}
