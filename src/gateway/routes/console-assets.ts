/**
 * Serves the built web console (vite output) at `/`. The folder is read into memory once at
 * start-up (a few hundred kB), so no request path ever reaches the filesystem. Hashed files
 * under assets/ never change and are cached for a year; index.html is revalidated each time.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

interface Asset {
  readonly body: Buffer;
  readonly gzipped: Buffer | undefined;
  readonly contentType: string;
  readonly cacheControl: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Everything the page loads comes from this server (the console must work offline). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "img-src 'self' data: blob:",
  // uPlot and Preact set element styles from script.
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function registerConsoleRoutes(app: FastifyInstance, consoleDir: string): void {
  const assets = loadAssets(consoleDir);
  const index = assets.get('/index.html');
  if (index === undefined) throw new Error(`no index.html in ${consoleDir}: run npm run build`);
  app.get('/', (req, reply) => send(req, reply, index));
  for (const [path, asset] of assets) {
    if (path !== '/index.html') app.get(path, (req, reply) => send(req, reply, asset));
  }
}

function send(req: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  reply
    .header('content-type', asset.contentType)
    .header('cache-control', asset.cacheControl)
    .header('x-content-type-options', 'nosniff')
    .header('vary', 'accept-encoding');
  if (asset.contentType.startsWith('text/html'))
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  if (asset.gzipped !== undefined && acceptsGzip)
    return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  return reply.send(asset.body);
}

function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of listFiles(root)) {
    const urlPath = `/${relative(root, file).split(sep).join('/')}`;
    const contentType = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    const body = readFileSync(file);
    const compressible = /^(text\/|application\/json|image\/svg)/.test(contentType);
    assets.set(urlPath, {
      body,
      gzipped: compressible && body.length > 1024 ? gzipSync(body) : undefined,
      contentType,
      cacheControl: urlPath.startsWith('/assets/') ? IMMUTABLE : 'no-cache',
    });
  }
  return assets;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
