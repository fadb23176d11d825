import type { Command } from 'commander';
import { defaultDataDir } from '../../core/index.js';
import { openModelStore } from '../../registry/index.js';
import { createPullProgressBar } from '../progress.js';

interface StoreOpts {
  dataDir?: string;
  mirror?: string;
  registryUrl?: string;
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('install, list, verify and remove models');
  const store = (o: StoreOpts) => openModelStore(o.dataDir ?? defaultDataDir());
  const withStore = (c: Command): Command =>
    c.option('--data-dir <dir>', 'model install folder (env VOXFLEET_DATA_DIR)');

  withStore(models.command('pull').argument('<names...>', 'model names or aliases'))
    .description('download (mirror first), verify every sha256 and install atomically')
    .option('--mirror <dir>', 'mirror folder (env VOXFLEET_MODEL_MIRROR)')
    .option('--registry-url <url>', 'registry base URL (env VOXFLEET_REGISTRY_URL)')
    .action(async (names: string[], o: StoreOpts) => {
      const s = store(o);
      for (const name of names) {
        const bar = createPullProgressBar();
        const result = await s.pull(name, {
          ...(o.mirror !== undefined ? { mirrorDir: o.mirror } : {}),
          ...(o.registryUrl !== undefined ? { registryUrl: o.registryUrl } : {}),
          onProgress: bar.update,
        });
        bar.stop();
        console.log(`${result.model.ref}: ${result.outcome}`);
      }
    });

  withStore(models.command('list'))
    .description('installed models (*), then catalog models not installed')
    .option('--json', 'machine-readable output')
    .action((o: StoreOpts & { json?: boolean }) => {
      const s = store(o);
      const installed = s.list();
      const rows = [
        ...installed.map((m) => ({
          name: m.name,
          version: m.version,
          kind: m.manifest.kind,
          installed: true,
          aliases: m.manifest.aliases.join(','),
        })),
        ...s.catalog.models
          .filter((m) => !installed.some((i) => i.name === m.name && i.version === m.version))
          .map((m) => ({
            name: m.name,
            version: m.version,
            kind: m.kind,
            installed: false,
            aliases: m.aliases.join(','),
          })),
      ];
      if (o.json === true) console.log(JSON.stringify(rows, null, 2));
      else
        for (const r of rows)
          console.log(
            `${r.installed ? '*' : ' '} ${`${r.name}@${r.version}`.padEnd(32)} ${r.kind.padEnd(5)} ${r.aliases}`,
          );
    });

  withStore(
    models.command('verify').argument('[names...]', 'models to verify (default: all installed)'),
  )
    .description('re-hash every file of installed models against their manifests')
    .action(async (names: string[], o: StoreOpts) => {
      const s = store(o);
      const refs = names.length > 0 ? names : s.list().map((m) => m.ref);
      let bad = 0;
      for (const ref of refs) {
        const report = await s.verify(ref);
        console.log(`${report.ref}: ${report.ok ? 'ok' : 'FAILED'}`);
        for (const f of report.problems) console.log(`  ${f.path}: ${f.status}`);
        if (!report.ok) bad++;
      }
      if (bad > 0) process.exitCode = 1;
    });

  withStore(models.command('rm').argument('<names...>', 'name or name@version'))
    .description('remove installed models')
    .action(async (names: string[], o: StoreOpts) => {
      const s = store(o);
      for (const n of names)
        for (const removed of await s.remove(n)) console.log(`removed ${removed}`);
    });
}
