/** What the target server says it serves (GET /v1/models). */
import { VoxfleetError } from '../../core/index.js';

export interface ServedModel {
  readonly id: string;
  readonly version: string;
  readonly kind: string;
  readonly aliases: readonly string[];
}

/** GET /v1/models on the target; NOT_READY when it cannot be reached. */
export async function fetchServedModels(baseUrl: string): Promise<ServedModel[]> {
  const url = new URL('/v1/models', baseUrl);
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new VoxfleetError('NOT_READY', `cannot reach ${url.origin}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new VoxfleetError('NOT_READY', `${url.href} answered HTTP ${res.status}`);
  const body = (await res.json()) as { data?: unknown };
  if (!Array.isArray(body.data)) return [];
  return body.data.flatMap((m: unknown): ServedModel[] => {
    if (typeof m !== 'object' || m === null) return [];
    const r = m as Record<string, unknown>;
    if (typeof r.id !== 'string') return [];
    return [
      {
        id: r.id,
        version: typeof r.version === 'string' ? r.version : '',
        kind: typeof r.kind === 'string' ? r.kind : '',
        aliases: Array.isArray(r.aliases)
          ? r.aliases.filter((a): a is string => typeof a === 'string')
          : [],
      },
    ];
  });
}

/** The served model a name or alias refers to, when the server lists it. */
export function findServedModel(
  models: readonly ServedModel[],
  ref: string,
): ServedModel | undefined {
  const name = ref.split('@')[0] ?? ref;
  return models.find((m) => m.id === name) ?? models.find((m) => m.aliases.includes(name));
}
