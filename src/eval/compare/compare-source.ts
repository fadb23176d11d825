/** What `--compare` names: a previous result.json, or a model to run on the same audio. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

export type CompareSource =
  | { readonly kind: 'result'; readonly path: string }
  | { readonly kind: 'model'; readonly model: string };

/** An existing file or a name ending in '.json' is a result file; anything else a model. */
export function resolveCompareSource(value: string): CompareSource {
  const isFile = statSync(value, { throwIfNoEntry: false })?.isFile() ?? false;
  if (isFile || value.toLowerCase().endsWith('.json'))
    return { kind: 'result', path: resolve(value) };
  return { kind: 'model', model: value };
}
