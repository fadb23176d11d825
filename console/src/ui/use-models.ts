/** The models the server has loaded (GET /v1/models), fetched once per view. */
import { useEffect, useState } from 'preact/hooks';
import { describeError, fetchModels } from '../api/http';
import type { ServedModel } from '../api/wire';

export function useModels(): { models: readonly ServedModel[]; error: string } {
  const [models, setModels] = useState<readonly ServedModel[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    fetchModels().then(setModels, (err: unknown) => setError(describeError(err)));
  }, []);
  return { models, error };
}
