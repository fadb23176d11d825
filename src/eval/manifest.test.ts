import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VoxfleetError } from '../core/index.js';
import { parseManifest, readManifest } from './manifest.js';

const line = (obj: Record<string, unknown>): string => JSON.stringify(obj);
const good = {
  id: 'LJ001-0006',
  audio: 'LJ001-0006.wav',
  text: 'And it is worth mention in passing that, as an example of fine typography,',
  duration_s: 5.7,
  speaker: 'LJ',
  tags: ['clean', 'read'],
};

function expectError(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof VoxfleetError, 'a VoxfleetError');
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}

test('parseManifest resolves audio against the base folder and keeps the fields', () => {
  const items = parseManifest(
    [
      line(good),
      '',
      line({ id: 'de1', audio: '/abs/de1.wav', text: 'Die Höhle.', language: 'de' }),
    ].join('\n'),
    { baseDir: '/data/dev' },
  );
  assert.deepEqual(items, [
    {
      id: 'LJ001-0006',
      audioPath: '/data/dev/LJ001-0006.wav',
      text: good.text,
      durationS: 5.7,
      speaker: 'LJ',
      tags: ['clean', 'read'],
      line: 1,
    },
    { id: 'de1', audioPath: '/abs/de1.wav', text: 'Die Höhle.', language: 'de', tags: [], line: 3 },
  ]);
});

test('parseManifest accepts CRLF line ends and an empty text', () => {
  const items = parseManifest(
    `${line(good)}\r\n${line({ id: 'silence', audio: 's.wav', text: '' })}\r\n`,
    {
      baseDir: '/d',
    },
  );
  assert.deepEqual(
    items.map((i) => [i.id, i.text, i.line]),
    [
      ['LJ001-0006', good.text, 1],
      ['silence', '', 2],
    ],
  );
});

test('each invalid line is reported with its line number and field', () => {
  const opts = { baseDir: '/d', source: 'dev.jsonl' };
  const withBad = (bad: string): string =>
    [line(good), line({ ...good, id: 'x2' }), bad].join('\n');
  expectError(
    () => parseManifest(withBad('{"id": "x",'), opts),
    'INVALID_ARGUMENT',
    /^dev\.jsonl line 3: not valid JSON/,
  );
  expectError(
    () => parseManifest(withBad('[1, 2]'), opts),
    'INVALID_ARGUMENT',
    /line 3: 'line' must be a JSON object/,
  );
  expectError(
    () => parseManifest(withBad(line({ ...good, id: '' })), opts),
    'INVALID_ARGUMENT',
    /line 3: 'id' must be a non-empty string/,
  );
  expectError(
    () => parseManifest(withBad(line({ id: 'x3', text: 'a' })), opts),
    'INVALID_ARGUMENT',
    /line 3: 'audio' must be a non-empty string \(got nothing\)/,
  );
  expectError(
    () => parseManifest(withBad(line({ ...good, id: 'x3', text: 5 })), opts),
    'INVALID_ARGUMENT',
    /line 3: 'text' must be a string \(got 5\)/,
  );
  expectError(
    () => parseManifest(withBad(line({ ...good, id: 'x3', duration_s: -1 })), opts),
    'INVALID_ARGUMENT',
    /line 3: 'duration_s' must be a number > 0/,
  );
  expectError(
    () => parseManifest(withBad(line({ ...good, id: 'x3', tags: 'clean' })), opts),
    'INVALID_ARGUMENT',
    /line 3: 'tags' must be an array of strings/,
  );
  expectError(
    () => parseManifest(withBad(line({ ...good, id: 'x3', tags: ['ok', 3] })), opts),
    'INVALID_ARGUMENT',
    /line 3: 'tags\[1\]' must be a non-empty string/,
  );
  expectError(
    () => parseManifest(withBad(line({ ...good, id: 'x3', language: '' })), opts),
    'INVALID_ARGUMENT',
    /line 3: 'language'/,
  );
  expectError(
    () => parseManifest(withBad(line(good)), opts),
    'INVALID_ARGUMENT',
    /line 3: 'id' must be unique \(also on line 1\)/,
  );
});

test('a manifest without items is an error', () => {
  expectError(() => parseManifest('\n  \n', { baseDir: '/d' }), 'INVALID_ARGUMENT', /no items/);
});

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voxfleet-manifest-'));
  await writeFile(join(dir, 'a.wav'), 'RIFF');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('readManifest reads a file and returns absolute audio paths', async () => {
  const path = join(dir, 'ok.jsonl');
  await writeFile(path, `${line({ id: 'a', audio: 'a.wav', text: 'hi' })}\n`);
  const items = await readManifest(path);
  assert.equal(items[0]!.audioPath, join(dir, 'a.wav'));
});

test('readManifest names the line of a missing audio file, unless told not to check', async () => {
  const path = join(dir, 'missing.jsonl');
  await writeFile(
    path,
    [
      line({ id: 'a', audio: 'a.wav', text: 'hi' }),
      line({ id: 'b', audio: 'b.wav', text: 'ho' }),
    ].join('\n'),
  );
  await assert.rejects(readManifest(path), (err: unknown) => {
    assert.ok(err instanceof VoxfleetError);
    assert.equal(err.code, 'NOT_FOUND');
    assert.match(err.message, /line 2: 'audio' file .*b\.wav does not exist/);
    return true;
  });
  const items = await readManifest(path, { checkAudioExists: false });
  assert.equal(items.length, 2);
});

test('readManifest reports a missing manifest as NOT_FOUND', async () => {
  await assert.rejects(
    readManifest(join(dir, 'nope.jsonl')),
    (err: unknown) => err instanceof VoxfleetError && err.code === 'NOT_FOUND',
  );
});

test('the shared dev and multilingual manifests parse', async (t) => {
  const dev = join(import.meta.dirname, '../../../shared/audio/dev/manifest.jsonl');
  const multi = join(import.meta.dirname, '../../../shared/audio/multilingual/manifest.jsonl');
  let devItems;
  try {
    devItems = await readManifest(dev);
  } catch (err) {
    if (err instanceof VoxfleetError && err.code === 'NOT_FOUND')
      return t.skip('shared audio not present');
    throw err;
  }
  assert.equal(devItems.length, 82);
  assert.ok(devItems.every((i) => i.tags.length > 0 && i.audioPath.startsWith('/')));
  const multiItems = await readManifest(multi);
  assert.equal(multiItems.length, 29);
  assert.ok(multiItems.every((i) => i.language !== undefined));
});
