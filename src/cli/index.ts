/**
 * The `voxfleet` command. It composes the roles; it holds no logic of its own.
 */
import { Command, CommanderError } from 'commander';
import { VoxfleetError } from '../core/index.js';
import { registerCapacity } from './commands/capacity.js';
import { registerEval } from './commands/eval.js';
import { registerGateway } from './commands/gateway.js';
import { registerLoadtest } from './commands/loadtest.js';
import { registerModels } from './commands/models.js';
import { registerRelease } from './commands/release.js';
import { registerServe } from './commands/serve.js';
import { registerSynthesize } from './commands/synthesize.js';
import { registerTranscribe } from './commands/transcribe.js';
import { registerWorker } from './commands/worker.js';

export { startEmbeddedServer } from './embedded-server.js';
export type { EmbeddedServer, EmbeddedServerHooks } from './embedded-server.js';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('voxfleet')
    .description('self-hostable speech inference: streaming ASR, file ASR and TTS')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  registerServe(program);
  registerWorker(program);
  registerGateway(program);
  registerModels(program);
  registerRelease(program);
  registerTranscribe(program);
  registerSynthesize(program);
  registerEval(program);
  registerLoadtest(program);
  registerCapacity(program);
  // The system clock's timers do not hold the process open (so a stopped server can exit), so a
  // command waiting only on one (a download's retry back-off) would end the process with status 0
  // and nothing printed. Until the command settles, this timer holds it open.
  const holdOpen = setInterval(() => {}, 60_000);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof VoxfleetError) {
      process.stderr.write(`voxfleet: ${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    clearInterval(holdOpen);
  }
}
