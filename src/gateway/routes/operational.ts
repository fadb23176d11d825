/** /healthz (process up), /readyz (a ready worker serves models), /metrics, GET /v1/models. */
import type { FastifyInstance } from 'fastify';
import type { FabricClient } from '../../fabric/index.js';
import type { Telemetry } from '../../telemetry/index.js';

export function registerOperationalRoutes(
  app: FastifyInstance,
  fabric: FabricClient,
  telemetry: Telemetry,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const workers = fabric.workers();
    const ready = workers.some((w) => w.state === 'ready' && w.models.length > 0);
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      workers: workers.map((w) => ({
        id: w.id,
        state: w.state,
        models: w.models.map((m) => `${m.name}@${m.version}`),
      })),
    });
  });

  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await telemetry.render();
    return reply.type(contentType).send(body);
  });

  app.get('/v1/models', async () => ({
    object: 'list',
    data: fabric.models().map((m) => ({
      id: m.name,
      object: 'model',
      created: 0,
      owned_by: 'voxfleet',
      version: m.version,
      kind: m.kind,
      languages: m.languages,
      capabilities: m.capabilities,
      aliases: m.aliases,
      ...(m.voices !== undefined ? { voices: m.voices } : {}),
    })),
  }));
}
