/**
 * A real HTTP server on 127.0.0.1, port 0, serving a model mirror folder in the registry layout:
 * `GET /<name>/<version>/<path>` -> `<root>/<name>/<path>`, plus `/raw/<name>/<path>` as a redirect
 * target. A per-request behaviour lets a test corrupt, fail, cut or stall any transfer.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type Behavior =
  | 'serve'
  /** Same length, one byte inverted in the middle. */
  | 'corrupt'
  | 'error-500'
  | 'not-found'
  /** Sends the headers and half the body, then destroys the socket. */
  | 'die-midway'
  /** Never answers. */
  | 'stall-headers'
  /** Sends the headers and half the body, then goes silent. */
  | 'stall-body'
  /** 302 to /raw/<name>/<path>. */
  | 'redirect';

export interface RequestInfo {
  /** `<name>/<path>` of the file asked for. */
  readonly file: string;
  /** 1 for the first request for this file, 2 for the second... */
  readonly attempt: number;
}

export interface ModelServer {
  readonly url: string;
  /** Every request path, in order. */
  readonly requests: string[];
  setBehavior(fn: (req: RequestInfo) => Behavior): void;
  /** Resolves when a request for a file whose path ends with `suffix` has arrived. */
  waitForRequest(suffix: string): Promise<void>;
  close(): Promise<void>;
}

export async function startModelServer(root: string): Promise<ModelServer> {
  let behavior: (req: RequestInfo) => Behavior = () => 'serve';
  const attempts = new Map<string, number>();
  const requests: string[] = [];
  const waiters: { suffix: string; resolve: () => void }[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const parts = path.split('/').filter((s) => s !== '');
    let file: string;
    let chosen: Behavior;
    if (parts[0] === 'raw') {
      file = parts.slice(1).join('/');
      chosen = 'serve';
    } else {
      file = [parts[0], ...parts.slice(2)].join('/');
      const attempt = (attempts.get(file) ?? 0) + 1;
      attempts.set(file, attempt);
      chosen = behavior({ file, attempt });
    }
    for (const w of waiters.filter((x) => file.endsWith(x.suffix))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    const abs = join(root, ...file.split('/'));
    const size = await stat(abs).then(
      (s) => (s.isFile() ? s.size : undefined),
      () => undefined,
    );
    if (chosen === 'not-found' || size === undefined)
      return void res.writeHead(404).end('not found');
    switch (chosen) {
      case 'error-500':
        return void res.writeHead(500).end('boom');
      case 'redirect':
        return void res.writeHead(302, { location: `/raw/${file}` }).end();
      case 'stall-headers':
        return;
      case 'corrupt': {
        const body = await readFile(abs);
        const mid = Math.floor(body.length / 2);
        body[mid] = (body[mid] ?? 0) ^ 0xff;
        return void res.writeHead(200, { 'content-length': body.length }).end(body);
      }
      case 'die-midway':
      case 'stall-body': {
        const body = await readFile(abs);
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
          if (chosen === 'die-midway') res.socket?.destroy();
        });
        return;
      }
      case 'serve':
        res.writeHead(200, { 'content-length': size });
        createReadStream(abs).pipe(res);
        return;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setBehavior(fn) {
      behavior = fn;
    },
    waitForRequest(suffix) {
      return new Promise((resolve) => waiters.push({ suffix, resolve }));
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}

/** Half of a file's size, as the 'die-midway' and 'stall-body' behaviours send it. */
export function halfOf(bytes: number): number {
  return Math.floor(bytes / 2);
}
