/**
 * The admin API of a voxfleet server (`/v1/admin/...`, Bearer admin key): one call, its JSON
 * answer back, a refusal as the server's error with its code. `voxfleet release --server` uses it.
 */
import { request } from './request.js';

export interface AdminCallOptions {
  readonly adminKey: string;
  /** Who is asking, for the audit log (`x-voxfleet-actor`). */
  readonly actor?: string;
}

export async function callAdminApi(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  options: AdminCallOptions,
  body?: unknown,
): Promise<unknown> {
  const res = await request(new URL(path, baseUrl), {
    method,
    headers: {
      authorization: `Bearer ${options.adminKey}`,
      ...(options.actor !== undefined ? { 'x-voxfleet-actor': options.actor } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return res.json();
}
