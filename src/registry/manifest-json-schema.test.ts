/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/restrict-template-expressions -- these tests poke at raw, deliberately invalid JSON */
import assert from 'node:assert/strict';
import { test } from 'node:test';
// ajv 8 comes with fastify (its schema compiler); only this test uses it directly.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { isSafeRelativePath } from './engine-config.js';
import { manifestSchema } from './manifest.js';
import { MANIFEST_JSON_SCHEMA } from './manifest-json-schema.js';
import { asV1, rawCatalogManifest, rawCatalogManifests } from './testing/manifests.js';

type Js = Record<string, any>;
const defs = MANIFEST_JSON_SCHEMA.$defs as Record<string, Js>;
const deref = (js: Js): Js =>
  typeof js.$ref === 'string' ? defs[js.$ref.replace('#/$defs/', '')]! : js;

/** Walks the zod schema and the JSON Schema side by side; returns the differences found. */
function compare(zs: z.ZodTypeAny, jsIn: Js, at: string, out: string[]): void {
  const js = deref(jsIn);
  if (zs instanceof z.ZodEffects) return compare(zs.innerType(), jsIn, at, out);
  if (zs instanceof z.ZodOptional) return compare(zs.unwrap(), jsIn, at, out);
  if (zs instanceof z.ZodDefault) return compare(zs.removeDefault(), jsIn, at, out);
  if (zs instanceof z.ZodNullable) {
    // `{ anyOf: [X, { type: 'null' }] }`, or a type list for a plain nullable string.
    if (Array.isArray(js.type)) {
      if (JSON.stringify(js.type) !== '["string","null"]') out.push(`${at}: nullable type list`);
      return compare(zs.unwrap(), { ...js, type: 'string' }, at, out);
    }
    const branches = js.anyOf as Js[] | undefined;
    if (!Array.isArray(branches) || branches.length !== 2 || branches[1]?.type !== 'null')
      return void out.push(`${at}: nullable must be anyOf [schema, {type: null}]`);
    return compare(zs.unwrap(), branches[0]!, at, out);
  }
  if (zs instanceof z.ZodUnion) {
    // Only unions of literals (schemaVersion): the JSON side is an enum of the same values.
    const values = (zs.options as z.ZodTypeAny[]).map((o) =>
      o instanceof z.ZodLiteral ? (o.value as unknown) : `<${o.constructor.name}>`,
    );
    if (JSON.stringify(js.enum) !== JSON.stringify(values))
      out.push(`${at}: union ${JSON.stringify(values)} vs enum ${JSON.stringify(js.enum)}`);
    return;
  }
  if (zs instanceof z.ZodObject) {
    const shape = zs.shape as Record<string, z.ZodTypeAny>;
    const zKeys = Object.keys(shape).sort();
    const jKeys = Object.keys(js.properties ?? {}).sort();
    if (js.additionalProperties !== false) out.push(`${at}: additionalProperties must be false`);
    if (zKeys.join() !== jKeys.join())
      return void out.push(`${at}: zod keys ${zKeys} vs JSON keys ${jKeys}`);
    const zRequired = zKeys
      .filter((k) => !shape[k]!.isOptional() && !(shape[k] instanceof z.ZodDefault))
      .sort();
    const jRequired = [...(js.required as string[])].sort();
    if (zRequired.join() !== jRequired.join())
      out.push(`${at}: required ${zRequired} vs ${jRequired}`);
    for (const k of zKeys) compare(shape[k]!, js.properties[k], `${at}.${k}`, out);
    return;
  }
  if (zs instanceof z.ZodDiscriminatedUnion) {
    const options = zs.options as z.ZodObject<z.ZodRawShape>[];
    const disc = zs.discriminator as string;
    const branches = js.oneOf as Js[];
    if (!Array.isArray(branches) || branches.length !== options.length)
      return void out.push(`${at}: oneOf size`);
    for (const o of options) {
      const value = (o.shape[disc] as z.ZodLiteral<string>).value;
      const branch = branches.find((b) => b.properties?.[disc]?.const === value);
      if (branch === undefined) out.push(`${at}: no oneOf branch for ${disc}=${value}`);
      else compare(o, branch, `${at}<${value}>`, out);
    }
    return;
  }
  if (zs instanceof z.ZodArray) {
    if (js.type !== 'array') out.push(`${at}: expected type array`);
    return compare(zs.element as z.ZodTypeAny, js.items as Js, `${at}[]`, out);
  }
  if (zs instanceof z.ZodEnum) {
    if (JSON.stringify(js.enum) !== JSON.stringify(zs.options))
      out.push(`${at}: enum ${zs.options} vs ${js.enum}`);
    return;
  }
  if (zs instanceof z.ZodLiteral) {
    if (js.const !== zs.value) out.push(`${at}: const ${String(zs.value)} vs ${js.const}`);
    return;
  }
  if (zs instanceof z.ZodString) {
    if (js.type !== 'string') out.push(`${at}: expected type string, got ${js.type}`);
    return;
  }
  if (zs instanceof z.ZodNumber) {
    if (js.enum !== undefined) return; // debug: 0 | 1
    const want = zs.isInt ? 'integer' : 'number';
    if (js.type !== want) out.push(`${at}: expected type ${want}, got ${js.type}`);
    return;
  }
  if (zs instanceof z.ZodBoolean) {
    if (js.type !== 'boolean') out.push(`${at}: expected type boolean`);
    return;
  }
  out.push(`${at}: zod type ${zs.constructor.name} not compared`);
}

test('the hand-written JSON Schema has the same fields, required sets and enums as the zod schema', () => {
  const diffs: string[] = [];
  compare(manifestSchema, MANIFEST_JSON_SCHEMA, 'manifest', diffs);
  assert.deepEqual(diffs, []);
});

test('its patterns compile and the relative-path pattern agrees with the validator', () => {
  const patterns: string[] = [];
  JSON.stringify(MANIFEST_JSON_SCHEMA, (key, value: unknown) => {
    if (key === 'pattern' && typeof value === 'string') patterns.push(value);
    return value;
  });
  assert.ok(patterns.length >= 8);
  for (const p of patterns) assert.doesNotThrow(() => new RegExp(p, 'u'), p);
  const rel = defs.relativePath!;
  const accepts = (p: string): boolean =>
    new RegExp(rel.pattern as string, 'u').test(p) &&
    !new RegExp(rel.not.pattern as string, 'u').test(p);
  for (const p of [
    'a',
    'espeak-ng-data/lang/gmw/en-US',
    'tiny.en-tokens.txt',
    '.hidden',
    'a/..b',
    '../x',
    'a/../b',
    './a',
    'a//b',
    '/abs',
    'a/',
    'C:/x',
    'a\\b',
    'a\0b',
    '..',
    '.',
  ]) {
    assert.equal(accepts(p), isSafeRelativePath(p), JSON.stringify(p));
  }
});

test('a JSON Schema validator accepts the catalog (version 2) and its version 1 forms, and rejects what parseManifest rejects at the top level', () => {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    validateFormats: false,
  });
  const validate = ajv.compile(MANIFEST_JSON_SCHEMA);
  const errors = (): string => ajv.errorsText(validate.errors);
  for (const m of rawCatalogManifests()) {
    assert.ok(validate(m), `${m.name}: ${errors()}`);
    assert.ok(validate(asV1(m)), `${m.name} as version 1: ${errors()}`);
  }
  const noIdentity = rawCatalogManifest('whisper-tiny.en');
  delete noIdentity.identity;
  assert.equal(validate(noIdentity), false);
  assert.match(errors(), /identity/);

  const stray = asV1(rawCatalogManifest('silero-vad'));
  stray.controls = { oncall: 'x' };
  assert.equal(validate(stray), false);

  const badDecode = rawCatalogManifest('whisper-base');
  badDecode.decode.search = 'beam';
  assert.equal(validate(badDecode), false);
  assert.match(errors(), /decode\/search/);

  const badEval = rawCatalogManifest('whisper-base');
  badEval.eval = { quality: { report: '../result.json' } };
  assert.equal(validate(badEval), false);
});
