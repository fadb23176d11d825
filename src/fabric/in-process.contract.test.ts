import { InProcessFabric } from './in-process.js';
import { fabricContract } from './testing/fabric-contract.js';

fabricContract('in-process', async (workers) => {
  const fabric = new InProcessFabric();
  for (const w of workers) fabric.register(w);
  return { client: fabric, sync: async () => undefined, close: () => fabric.close() };
});
