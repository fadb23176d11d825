import { randomBytes } from 'node:crypto';

/** Short, URL-safe, prefixed identifiers: `sess_3fZ...`. Prefixes tell ids apart in logs. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}
