/**
 * The edge: one fastify app serving the OpenAI-compatible REST API, the /v1/listen WebSocket,
 * health, readiness, metrics, the fleet feed and the web console. It talks to workers only
 * through the fabric.
 */
import fastifyMultipart from '@fastify/multipart';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { VoxfleetError, systemClock, type Clock } from '../core/index.js';
import type { FabricClient } from '../fabric/index.js';
import {
  MetricsHistory,
  buildLoggerConfig,
  type LoggerOptions,
  type Telemetry,
} from '../telemetry/index.js';
import type { FabricForRequest } from './callers.js';
import { sendError } from './http-errors.js';
import { registerAdminReleaseRoutes, type AdminReleasesOptions } from './routes/admin-releases.js';
import { registerConsoleRoutes } from './routes/console-assets.js';
import { FLEET_HISTORY, registerFleetRoutes } from './routes/fleet.js';
import { registerListenRoute } from './routes/listen.js';
import { registerOperationalRoutes } from './routes/operational.js';
import { registerSpeechRoute } from './routes/speech.js';
import { registerTranscriptionRoutes } from './routes/transcriptions.js';

export interface GatewayConfig {
  /** Largest upload accepted by the file endpoints. */
  readonly uploadLimitBytes: number;
  /** Largest JSON body (TTS requests). */
  readonly jsonLimitBytes: number;
  /** Largest single WebSocket frame. */
  readonly maxFrameBytes: number;
  readonly idleTimeoutMs: number;
  readonly logger: LoggerOptions;
  /** The built web console served at `/`; undefined serves none (`--no-console`). */
  readonly consoleDir: string | undefined;
}

export interface GatewayDeps {
  /** What the operational and fleet routes report on, and serves every call by default. */
  readonly fabric: FabricClient;
  /**
   * The fabric for one request's caller (tenant, zone, locality); it may throw
   * UNAUTHENTICATED. Run once per call request, before a WebSocket is upgraded.
   */
  readonly fabricFor?: FabricForRequest;
  readonly telemetry: Telemetry;
  readonly clock?: Clock;
  /** The release commands over HTTP (a gateway following rollouts, given an admin key). */
  readonly adminReleases?: AdminReleasesOptions;
}

export async function buildGateway(
  deps: GatewayDeps,
  config: GatewayConfig,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: buildLoggerConfig(config.logger),
    bodyLimit: config.jsonLimitBytes,
  });
  await app.register(fastifyMultipart, { limits: { fileSize: config.uploadLimitBytes } });
  await app.register(fastifyWebsocket, { options: { maxPayload: config.maxFrameBytes } });

  app.setErrorHandler((err, _req, reply) => {
    const mapped = err instanceof VoxfleetError ? err : mapFastifyError(err as FastifyLikeError);
    return sendError(reply, mapped, deps.telemetry);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(
      reply,
      new VoxfleetError('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0] ?? ''}`),
    ),
  );

  // Callers are resolved before the handler (and before a WebSocket upgrade), so a bad key is
  // an HTTP 401 and the handler only ever sees a caller's own fabric.
  const callerFabric = new WeakMap<FastifyRequest, FabricClient>();
  const resolveCaller = deps.fabricFor;
  if (resolveCaller !== undefined)
    app.addHook('onRequest', async (req) => {
      if (isCallRoute(req.url)) callerFabric.set(req, resolveCaller(req));
    });
  const fabricFor: FabricForRequest = (req) => callerFabric.get(req) ?? deps.fabric;

  registerOperationalRoutes(app, deps.fabric, deps.telemetry);
  registerTranscriptionRoutes(app, {
    fabricFor,
    telemetry: deps.telemetry,
    uploadLimitBytes: config.uploadLimitBytes,
  });
  registerSpeechRoute(app, {
    fabricFor,
    telemetry: deps.telemetry,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  registerListenRoute(app, {
    fabricFor,
    telemetry: deps.telemetry,
    idleTimeoutMs: config.idleTimeoutMs,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  const history = new MetricsHistory(deps.telemetry, deps.clock ?? systemClock, FLEET_HISTORY);
  await history.start();
  app.addHook('onClose', async () => history.stop());
  registerFleetRoutes(app, {
    fabric: deps.fabric,
    history,
    rollingWindowMs: FLEET_HISTORY.rollingWindowMs,
  });
  if (deps.adminReleases !== undefined) registerAdminReleaseRoutes(app, deps.adminReleases);
  if (config.consoleDir !== undefined) registerConsoleRoutes(app, config.consoleDir);
  return app;
}

/** Requests that do work for a caller (and so need one); health, metrics and the console don't. */
function isCallRoute(url: string): boolean {
  return url.startsWith('/v1/audio/') || url.startsWith('/v1/listen');
}

interface FastifyLikeError {
  readonly code?: string;
  readonly statusCode?: number;
}

/** fastify's own errors (body parsing, limits) mapped into the catalogue. */
function mapFastifyError(err: FastifyLikeError): VoxfleetError {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new VoxfleetError('UPLOAD_TOO_LARGE', 'the request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new VoxfleetError(
        'INVALID_ARGUMENT',
        'unsupported content type: use application/json or multipart/form-data',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new VoxfleetError('INVALID_ARGUMENT', 'the body is not valid JSON');
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return new VoxfleetError('INVALID_ARGUMENT', 'the request is malformed');
  }
  return new VoxfleetError('INTERNAL', 'internal error', {}, { cause: err });
}
