import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveRendererFile, serveRendererFile } from '../../../electron/main/renderer-files';

const CSP = "default-src 'self'";

describe('resolveRendererFile', () => {
  const root = join(tmpdir(), 'ringline-renderer');

  it('maps / and /index.html to index.html', () => {
    for (const url of [
      'app://ringline',
      'app://ringline/',
      'app://ringline/index.html',
      'app://ringline/index.html?x#/dial',
    ]) {
      expect(resolveRendererFile(root, url), url).toEqual({
        kind: 'file',
        path: join(root, 'index.html'),
        contentType: 'text/html; charset=utf-8',
      });
    }
  });

  it('maps the incoming-call page, ignoring its query', () => {
    expect(resolveRendererFile(root, 'app://ringline/incoming.html?callId=c1&name=Bob&lang=en')).toEqual({
      kind: 'file',
      path: join(root, 'incoming.html'),
      contentType: 'text/html; charset=utf-8',
    });
  });

  it('maps nested assets with their content type', () => {
    expect(resolveRendererFile(root, 'app://ringline/assets/index-Abc123.js')).toEqual({
      kind: 'file',
      path: join(root, 'assets', 'index-Abc123.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveRendererFile(root, 'app://ringline/assets/ring%20tone.ogg')).toMatchObject({
      path: join(root, 'assets', 'ring tone.ogg'),
      contentType: 'audio/ogg',
    });
  });

  it('stays inside the root when the URL parser resolves literal dot segments', () => {
    for (const url of [
      'app://ringline/../secret.js',
      'app://ringline/assets/../../secret.js',
      'app://ringline/%2e%2e/secret.js',
    ]) {
      expect(resolveRendererFile(root, url), url).toMatchObject({
        kind: 'file',
        path: join(root, 'secret.js'),
      });
    }
  });

  it('refuses traversal the URL parser leaves encoded', () => {
    for (const url of [
      'app://ringline/assets/%2E%2E%2F%2E%2E%2Fsecret.js',
      'app://ringline/..%2fsecret.js',
      'app://ringline/..%5csecret.js',
      'app://ringline/assets\\..\\..\\secret.js',
      'app://ringline/C:%5CWindows%5Cwin.ini',
      'app://ringline/index.html%00.js',
      'app://ringline//etc/passwd.js',
      'app://ringline/%2Fetc%2Fpasswd.js',
      'app://ringline/.env.json',
      'app://ringline/%E0%A4%A.js',
    ]) {
      expect(resolveRendererFile(root, url), url).toEqual({ kind: 'not-found' });
    }
  });

  it('refuses other hosts, schemes and unknown file types', () => {
    for (const url of [
      'app://other/index.html',
      'file:///index.html',
      'https://ringline/index.html',
      'app://ringline/main.ts',
      'app://ringline/assets/index.js.map',
      'app://ringline/assets',
      'not a url',
    ]) {
      expect(resolveRendererFile(root, url), url).toEqual({ kind: 'not-found' });
    }
  });
});

describe('serveRendererFile', () => {
  let root: string;

  beforeEach(async () => {
    const base = await mkdtemp(join(tmpdir(), 'ringline-serve-'));
    root = join(base, 'renderer');
    await mkdir(join(root, 'assets', 'dir.js'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Ringline</title>');
    await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(base, 'secret.js'), 'secret');
  });

  afterEach(async () => {
    await rm(join(root, '..'), { recursive: true, force: true });
  });

  it('serves a file with its type, the CSP and nosniff', async () => {
    const response = await serveRendererFile(root, new Request('app://ringline/index.html'), CSP);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Ringline</title>');
  });

  it('answers HEAD without a body', async () => {
    const response = await serveRendererFile(
      root,
      new Request('app://ringline/assets/app.js', { method: 'HEAD' }),
      CSP,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('404s missing files, directories and escapes, still with the CSP', async () => {
    for (const url of [
      'app://ringline/nope.js',
      'app://ringline/assets/dir.js',
      'app://ringline/../secret.js',
    ]) {
      const response = await serveRendererFile(root, new Request(url), CSP);
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy')).toBe(CSP);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await serveRendererFile(
      root,
      new Request('app://ringline/index.html', { method: 'POST', body: 'x' }),
      CSP,
    );
    expect(response.status).toBe(405);
  });
});
