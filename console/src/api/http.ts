/** Small fetch helpers: JSON in, API errors surfaced with their stable code. */
import type { ApiErrorBody, ServedModel } from './wire';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Throws ApiError with the server's code for a non-2xx response. */
export async function ensureOk(response: Response): Promise<Response> {
  if (response.ok) return response;
  let body: ApiErrorBody | undefined;
  try {
    body = (await response.json()) as ApiErrorBody;
  } catch {
    // Not our error envelope (a proxy, say): fall back to the status.
  }
  throw new ApiError(
    body?.error.code ?? `HTTP_${response.status}`,
    body?.error.message ?? response.statusText,
  );
}

export async function fetchModels(): Promise<ServedModel[]> {
  const response = await ensureOk(await fetch('/v1/models'));
  return ((await response.json()) as { data: ServedModel[] }).data;
}

export function describeError(err: unknown): string {
  if (err instanceof ApiError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
