import { MemoryVersionedStore } from './rollout-store.js';
import { controllerContract } from './testing/controller-contract.js';

controllerContract('memory store', async () => new MemoryVersionedStore());
