import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { registerConsoleRoutes } from './console-assets.js';

function builtConsole(): string {
  const dir = mkdtempSync(join(tmpdir(), 'voxfleet-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), `console.log(${'1+'.repeat(2000)}1);`);
  writeFileSync(join(dir, 'assets', 'index-AbC123.css'), 'body{}');
  return dir;
}

test('index.html at / revalidates and carries a self-only CSP; hashed assets are immutable', async (t) => {
  const dir = builtConsole();
  const app = Fastify();
  t.after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  registerConsoleRoutes(app, dir);

  const index = await app.inject({ url: '/' });
  assert.equal(index.statusCode, 200);
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(index.headers['cache-control'], 'no-cache');
  assert.match(String(index.headers['content-security-policy']), /default-src 'self'/);

  const css = await app.inject({ url: '/assets/index-AbC123.css' });
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');

  const js = await app.inject({
    url: '/assets/index-AbC123.js',
    headers: { 'accept-encoding': 'gzip, br' },
  });
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(js.headers['content-encoding'], 'gzip');
  assert.match(gunzipSync(js.rawPayload).toString(), /^console\.log\(1\+1/);

  assert.equal((await app.inject({ url: '/assets/../index.html' })).statusCode, 404);
  assert.equal((await app.inject({ url: '/assets/missing.js' })).statusCode, 404);
});
