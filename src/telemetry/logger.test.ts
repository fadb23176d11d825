import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { buildLoggerConfig } from './logger.js';

test('credentials are redacted wherever headers are logged, at every level', async () => {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString('utf8');
      done();
    },
  });
  const app = Fastify({ logger: buildLoggerConfig({ level: 'trace', stream }) });
  const headers = { authorization: 'Bearer sk-secret', 'x-api-key': 'sk-other', cookie: 'c=1' };
  // What @fastify/multipart logs at trace: the options it hands busboy, headers included.
  app.log.trace({ busboyOptions: { headers } }, 'Providing options to busboy');
  app.log.info({ req: { headers } }, 'request');
  app.log.info({ headers }, 'headers');
  await app.close();
  assert.equal(out.trim().split('\n').length, 3);
  assert.ok(!/sk-secret|sk-other|c=1/.test(out), out);
  assert.equal(out.match(/\[redacted\]/g)?.length, 6, 'the req serializer keeps no headers');
});
