/** zod validation with errors that name the field and the rule, as the error catalogue asks. */
import type { z } from 'zod';
import { invalidArgument } from '../core/index.js';

export function parseBody<T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data as z.infer<T>;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  const got = issue !== undefined && issue.path.length > 0 ? valueAt(body, issue.path) : undefined;
  throw invalidArgument(field, lowerFirst(issue?.message ?? 'is invalid'), got);
}

function valueAt(body: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = body;
  for (const key of path)
    v =
      v !== null && typeof v === 'object'
        ? (v as Record<string | number, unknown>)[key]
        : undefined;
  return v;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
