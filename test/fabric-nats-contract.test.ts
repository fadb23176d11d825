/**
 * The fabric contract (src/fabric/testing/fabric-contract.ts) against the NATS fabric on a real
 * nats-server: one connection for the gateway and one per worker, as separate processes would
 * have. Each run uses its own region so runs never see each other's workers.
 */
import { after, before } from 'node:test';
import { NatsFabric, NatsWorkerHost, connectToNats } from '../src/fabric/index.js';
import { fabricContract } from '../src/fabric/testing/fabric-contract.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';

let nats: NatsServer;
before(async () => {
  nats = await startNatsServer();
});
after(() => nats?.stop());

let runs = 0;

fabricContract('nats', async (workers) => {
  const region = `contract-${++runs}`;
  const workerConnections = await Promise.all(
    workers.map((w) => connectToNats(nats.url, w.status().id)),
  );
  const hosts = await Promise.all(
    workers.map((endpoint, i) =>
      NatsWorkerHost.start({ connection: workerConnections[i]!, endpoint, zone: 'test', region }),
    ),
  );
  const gatewayConnection = await connectToNats(nats.url, 'gateway');
  const client = await NatsFabric.start({ connection: gatewayConnection, regions: [region] });
  const sync = async (): Promise<void> => {
    await Promise.all(hosts.map((h) => h.announce()));
    await client.waitForWorkers(
      (seen) =>
        workers.every((w) => {
          const s = seen.find((x) => x.id === w.status().id);
          return (
            s !== undefined &&
            s.state === w.status().state &&
            s.activeStreams >= w.status().activeStreams
          );
        }),
      5000,
    );
    // One round trip to the server: everything published before this has been processed.
    await gatewayConnection.flush();
    await Promise.all(workerConnections.map((c) => c.flush()));
  };
  await sync();
  return {
    client,
    sync,
    async close() {
      await client.close();
      await Promise.all(hosts.map((h) => h.destroy()));
      await Promise.all([gatewayConnection, ...workerConnections].map((c) => c.close()));
    },
  };
});
