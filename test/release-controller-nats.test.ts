/**
 * The rollout controller's contract on JetStream KV (a real nats-server): what lets every
 * gateway in every region agree on a rollout, and a controller die mid-rollout without a step
 * lost or repeated.
 */
import { after, before } from 'node:test';
import { NatsVersionedKv, connectToNats, type NatsConnection } from '../src/fabric/index.js';
import { controllerContract } from '../src/release/testing/controller-contract.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';

let nats: NatsServer;
let connection: NatsConnection;
before(async () => {
  nats = await startNatsServer();
  connection = await connectToNats(nats.url, 'release-test');
});
after(async () => {
  await connection?.close();
  await nats?.stop();
});

controllerContract('JetStream KV', () => NatsVersionedKv.open(connection, 'voxfleet-releases'));
