import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  CSP_DIRECTIVES,
  contentSecurityPolicy,
  isPermissionGranted,
  isTrustedUrl,
  originOf,
  trustedOrigins,
  type PermissionQuery,
} from '../../../electron/main/security';

const prod = trustedOrigins();
const dev = trustedOrigins('http://localhost:5173/');

describe('originOf', () => {
  it('gives our custom scheme a tuple origin, unlike URL.origin', () => {
    expect(new URL('app://ringline/index.html').origin).toBe('null');
    expect(originOf('app://ringline/index.html')).toBe('app://ringline');
    expect(originOf('APP://Ringline/x')).toBe('app://ringline');
  });

  it('keeps the port and drops path, query and hash', () => {
    expect(originOf('http://localhost:5173/src/main.ts?x=1#y')).toBe('http://localhost:5173');
  });

  it('has no origin for host-less or malformed URLs', () => {
    for (const url of ['file:///etc/passwd', 'data:text/html,hi', 'about:blank', 'not a url', '']) {
      expect(originOf(url)).toBeNull();
    }
  });
});

describe('trusted origins', () => {
  it('trusts only app://ringline in production', () => {
    expect(prod).toEqual([APP_ORIGIN]);
    expect(isTrustedUrl('app://ringline/index.html', prod)).toBe(true);
    expect(isTrustedUrl('http://localhost:5173/', prod)).toBe(false);
  });

  it('adds the dev server origin when given', () => {
    expect(dev).toEqual([APP_ORIGIN, 'http://localhost:5173']);
    expect(isTrustedUrl('http://localhost:5173/index.html', dev)).toBe(true);
  });

  it('ignores an unparseable dev server URL', () => {
    expect(trustedOrigins('garbage')).toEqual([APP_ORIGIN]);
  });

  it('refuses look-alikes', () => {
    for (const url of [
      'app://ringline.evil.example/index.html',
      'app://evil/index.html',
      'https://ringline/index.html',
      'http://localhost:5174/',
      'https://localhost:5173/',
      'file:///index.html',
      'app://user@evil/',
    ]) {
      expect(isTrustedUrl(url, dev), url).toBe(false);
    }
  });
});

describe('isPermissionGranted', () => {
  const mic: PermissionQuery = {
    permission: 'media',
    requestingUrl: 'app://ringline/index.html',
    isMainFrame: true,
    mediaTypes: ['audio'],
  };

  it('grants microphone and camera to our top frame', () => {
    expect(isPermissionGranted(mic, prod)).toBe(true);
    expect(isPermissionGranted({ ...mic, mediaTypes: ['audio', 'video'] }, prod)).toBe(true);
    expect(isPermissionGranted({ ...mic, requestingUrl: 'app://ringline' }, prod)).toBe(true);
    expect(isPermissionGranted({ ...mic, requestingUrl: 'http://localhost:5173/' }, dev)).toBe(true);
  });

  it('refuses every other permission, even to us', () => {
    for (const permission of [
      'notifications',
      'geolocation',
      'display-capture',
      'clipboard-read',
      'openExternal',
    ]) {
      expect(isPermissionGranted({ ...mic, permission }, prod), permission).toBe(false);
    }
  });

  it('lets our own top frame write (never read) the clipboard, for the copy buttons', () => {
    const write: PermissionQuery = { ...mic, permission: 'clipboard-sanitized-write', mediaTypes: [] };
    expect(isPermissionGranted(write, prod)).toBe(true);
    expect(isPermissionGranted({ ...write, requestingUrl: 'https://evil.example/' }, prod)).toBe(false);
    expect(isPermissionGranted({ ...write, isMainFrame: false }, prod)).toBe(false);
    expect(isPermissionGranted({ ...write, permission: 'clipboard-read' }, prod)).toBe(false);
  });

  it('refuses media to other origins, sub frames, and without known device types', () => {
    expect(isPermissionGranted({ ...mic, requestingUrl: 'https://evil.example/' }, prod)).toBe(false);
    expect(isPermissionGranted({ ...mic, requestingUrl: 'http://localhost:5173/' }, prod)).toBe(false);
    expect(isPermissionGranted({ ...mic, isMainFrame: false }, prod)).toBe(false);
    expect(isPermissionGranted({ ...mic, mediaTypes: [] }, prod)).toBe(false);
    expect(isPermissionGranted({ ...mic, mediaTypes: ['audio', 'unknown'] }, prod)).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  const directives = new Map(
    contentSecurityPolicy()
      .split('; ')
      .map((part) => {
        const [name = '', ...sources] = part.split(' ');
        return [name, sources] as const;
      }),
  );

  it('renders every directive once', () => {
    expect([...directives.keys()].sort()).toEqual(Object.keys(CSP_DIRECTIVES).sort());
  });

  it('allows scripts only from our origin', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|unsafe-inline|https?:/);
  });

  it('lets SIP reach any wss: server but nothing in clear', () => {
    expect(directives.get('connect-src')).toEqual(["'self'", 'wss:']);
  });

  it('has the media, image and lock-down directives', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('media-src')).toEqual(["'self'", 'blob:', 'mediastream:']);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
    for (const name of ['object-src', 'base-uri', 'frame-ancestors', 'form-action']) {
      expect(directives.get(name), name).toEqual(["'none'"]);
    }
  });
});
