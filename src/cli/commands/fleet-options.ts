/**
 * Flags shared by the commands that run one part of a fleet over NATS (`voxfleet worker`,
 * `voxfleet gateway`): where NATS is and where this process sits.
 */
import type { Command } from 'commander';

export interface FleetPlacementOptions {
  nats: string;
  region: string;
}

export const FLEET_DEFAULTS = Object.freeze({
  natsUrl: 'nats://127.0.0.1:4222',
  /** A single-region fleet needs no names; they only matter once regions exist. */
  region: 'local',
  zone: 'local',
});

/** `--nats` and `--region`; `--zone` too for workers (gateways follow a region). */
export function addPlacementOptions(command: Command, withZone: boolean): Command {
  command
    .option(
      '--nats <url>',
      'NATS server URL (env VOXFLEET_NATS_URL)',
      process.env.VOXFLEET_NATS_URL ?? FLEET_DEFAULTS.natsUrl,
    )
    .option(
      '--region <name>',
      'region, e.g. eu-west (env VOXFLEET_REGION)',
      process.env.VOXFLEET_REGION ?? FLEET_DEFAULTS.region,
    );
  if (!withZone) return command;
  return command.option(
    '--zone <name>',
    'residency zone, e.g. eu (env VOXFLEET_ZONE)',
    process.env.VOXFLEET_ZONE ?? FLEET_DEFAULTS.zone,
  );
}

/**
 * First SIGINT/SIGTERM drains (`drain`), a second one stops at once (`stop`). Resolves when
 * either has finished.
 */
export function untilStopped(drain: () => Promise<void>, stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let draining = false;
    const onSignal = (): void => {
      if (draining) {
        process.stderr.write('voxfleet: stopping now\n');
        stop().then(resolve, resolve);
        return;
      }
      draining = true;
      process.stderr.write('voxfleet: draining (signal again to stop now)...\n');
      drain().then(resolve, resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
