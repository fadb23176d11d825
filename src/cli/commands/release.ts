/**
 * `voxfleet release plan|start|status|pause|resume|promote|rollback|history`: rollouts as data,
 * kept in the fleet's NATS JetStream KV bucket (RELEASES_BUCKET) so every gateway in every
 * region reads the same state, or, with `--server`, in an embedded server's own store through
 * its admin API. Every change is compare-and-set and lands in the rollout's append-only audit
 * log with who asked (`--actor`, default $USER).
 */
import type { Command } from 'commander';
import { defaultDataDir } from '../../core/index.js';
import { openModelStore } from '../../registry/index.js';
import { runPrivacyCheck, type PrivacyReport } from '../privacy-check.js';
import { VOICE_CHECK_DEFAULTS, runVoiceCheck, type VoiceCheckReport } from '../voice-check.js';
import { atReleaseDesk, type ReleaseDesk } from '../release-desk.js';
import {
  loadPlan,
  offlineEvidence,
  VOICE_CHECK_SENTENCES,
  type AuditEntry,
  type OfflineEvidence,
  type OperatorAction,
  type ReleasePlan,
  type RolloutState,
} from '../../release/index.js';
import { addPlacementOptions, type FleetPlacementOptions } from './fleet-options.js';

interface ReleaseOpts extends FleetPlacementOptions {
  actor?: string;
  reason?: string;
  json?: boolean;
  dataDir?: string;
  registryUrl?: string;
  mirror?: string;
  tts?: string;
  privacyCheck?: boolean;
  voiceCheck?: boolean;
  judge?: string;
  sentences?: number;
  baseline?: string;
  server?: string;
}

const DEFAULT_SENTINEL_VOICE = 'piper-en-us-joe-medium';

function privacyCheckOf(model: string, o: ReleaseOpts): Promise<PrivacyReport> {
  return runPrivacyCheck({
    model,
    tts: o.tts ?? DEFAULT_SENTINEL_VOICE,
    serve: {
      ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
      ...(o.mirror !== undefined ? { mirrorDir: o.mirror } : {}),
      ...(o.registryUrl !== undefined ? { registryUrl: o.registryUrl } : {}),
    },
  });
}

function voiceCheckOf(
  candidate: string,
  baseline: string,
  o: ReleaseOpts,
): Promise<VoiceCheckReport> {
  return runVoiceCheck({
    candidate,
    baseline,
    judge: o.judge ?? VOICE_CHECK_DEFAULTS.judge,
    ...(o.sentences !== undefined
      ? { sentences: VOICE_CHECK_SENTENCES.slice(0, Math.max(2, o.sentences)) }
      : {}),
    serve: {
      ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
      ...(o.mirror !== undefined ? { mirrorDir: o.mirror } : {}),
      ...(o.registryUrl !== undefined ? { registryUrl: o.registryUrl } : {}),
    },
  });
}

function describeVoice(r: VoiceCheckReport): string {
  const side = (f: VoiceCheckReport['candidate']): string =>
    `  ${f.voice}: round-trip WER ${(f.roundtripWer * 100).toFixed(1)} %, first audio byte p50 ` +
    `${f.firstByteMs.p50.toFixed(0)} ms / p95 ${f.firstByteMs.p95.toFixed(0)} ms, ${f.audioS.toFixed(1)} s of speech`;
  const pp = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  return [
    `voice check: ${r.sentences} sentences (${r.refWords} words) spoken by each voice, heard by ${r.judge}`,
    side(r.candidate),
    side(r.baseline),
    `  candidate - baseline: ${pp(r.delta.wer)} pp (95 % CI ${pp(r.delta.ciLow)}..${pp(r.delta.ciHigh)})`,
  ].join('\n');
}

function describePrivacy(r: PrivacyReport): string {
  const found = r.findings
    .slice(0, 20)
    .map((f) => `  leak: ${f.kind} in ${f.source} line ${f.line}`);
  return [
    `${r.model}: ${r.leaks} privacy leaks (${r.requests.files} files, ${r.requests.streams} streams, ` +
      `${r.requests.speech} speech requests; ${r.searched.logLines} log lines, ` +
      `${r.searched.metricsBytes} metrics bytes searched for ${r.needles} sentinels)`,
    ...found,
  ].join('\n');
}

/** The versions' manifests (installed, catalog or registry) and what their evals say. */
async function readOfflineEvidence(plan: ReleasePlan, o: ReleaseOpts): Promise<OfflineEvidence> {
  const store = openModelStore(o.dataDir ?? defaultDataDir());
  const options = o.registryUrl !== undefined ? { registryUrl: o.registryUrl } : {};
  const [candidate, baseline] = await Promise.all([
    store.manifestOf(plan.candidate, options),
    store.manifestOf(plan.baseline, options),
  ]);
  return offlineEvidence(plan, candidate, baseline);
}

function describeOffline(offline: OfflineEvidence): string {
  const figures = (side: 'candidate' | 'baseline'): string =>
    Object.entries(offline[side])
      .map(([metric, value]) => `${metric}=${+value.toFixed(4)}`)
      .join(' ') || 'none';
  return [
    `eval evidence: candidate ${figures('candidate')}; baseline ${figures('baseline')}`,
    ...offline.notes.map((n) => `  note: ${n}`),
  ].join('\n');
}

const actorOf = (o: ReleaseOpts): string => o.actor ?? process.env.USER ?? 'unknown';

const atDesk = <T>(o: ReleaseOpts, use: (desk: ReleaseDesk) => Promise<T>): Promise<T> =>
  atReleaseDesk(
    { nats: o.nats, actor: actorOf(o), ...(o.server !== undefined ? { server: o.server } : {}) },
    use,
  );

function describePlan(plan: ReleasePlan): string {
  const steps = plan.steps.map((s, i) => {
    const where = s.selector.regions?.join(',') ?? 'all regions';
    const gates = s.gates.map((g) => `${g.metric} ${g.compare} <= ${g.max}`).join('; ') || 'none';
    return `  ${i + 1}. ${s.name}: ${s.kind} ${s.selector.percent} % of ${where}, at least ${s.minDurationS} s, gates: ${gates}`;
  });
  return [`${plan.id}: ${plan.model} ${plan.baseline} -> ${plan.candidate}`, ...steps].join('\n');
}

function describeState(plan: ReleasePlan, state: RolloutState): string {
  const step = plan.steps[state.stepIndex];
  const where =
    state.status === 'running' || state.status === 'paused'
      ? ` at step ${state.stepIndex + 1}/${plan.steps.length} (${step?.name ?? '?'}) since ${new Date(state.stepStartedMs).toISOString()}`
      : '';
  return `${plan.id}: ${state.status.replace('_', ' ')}${where}`;
}

function describeEntry(e: AuditEntry): string {
  const gates = (e.gates ?? [])
    .map(
      (g) =>
        `${g.metric}=${g.value === undefined ? 'n/a' : +g.value.toFixed(4)}${g.passed ? '' : ' FAIL'}`,
    )
    .join(' ');
  return [new Date(e.atMs).toISOString(), e.actor, e.action, e.step ?? '', e.reason ?? '', gates]
    .filter((x) => x !== '')
    .join('  ');
}

export function registerRelease(program: Command): void {
  const release = program
    .command('release')
    .description('roll model versions out by plan: start, watch, pause, promote, roll back');

  release
    .command('plan')
    .argument('<file>', 'release plan (JSON)')
    .description('check a plan and show its steps (nothing is started)')
    .action((file: string) => {
      console.log(describePlan(loadPlan(file)));
    });

  const withFleet = (c: Command): Command =>
    addPlacementOptions(c, false)
      .option(
        '--server <url>',
        "a server's admin API instead of NATS, e.g. voxfleet serve --releases (key in VOXFLEET_ADMIN_KEY)",
      )
      .option('--actor <name>', 'who is asking, for the audit log (default $USER)')
      .option('--json', 'machine-readable output');

  withFleet(release.command('start').argument('<file>', 'release plan (JSON)'))
    .description('register the plan and start its first step')
    .option(
      '--data-dir <dir>',
      'where installed manifests are read from, for their eval figures (env VOXFLEET_DATA_DIR)',
    )
    .option(
      '--registry-url <url>',
      'registry to read manifests from when not installed (env VOXFLEET_REGISTRY_URL)',
    )
    .option(
      '--mirror <dir>',
      'model mirror folder, for --privacy-check (env VOXFLEET_MODEL_MIRROR)',
    )
    .option(
      '--privacy-check',
      'run the candidate on sentinel traffic here first; its leak count gates as privacy_leaks',
    )
    .option(
      '--voice-check',
      'a voice release: speak the check sentences with both voices here first and transcribe them back; gates roundtrip_wer and roundtrip_wer_delta',
    )
    .option(
      '--judge <model>',
      `the ASR model that listens in --voice-check (default ${VOICE_CHECK_DEFAULTS.judge})`,
    )
    .option('--sentences <n>', 'with --voice-check: speak only the first n check sentences', Number)
    .action(async (file: string, o: ReleaseOpts) => {
      const plan = loadPlan(file);
      const manifests = await readOfflineEvidence(plan, o);
      const privacy = o.privacyCheck === true ? await privacyCheckOf(plan.candidate, o) : undefined;
      if (privacy !== undefined) console.log(describePrivacy(privacy));
      const voice =
        o.voiceCheck === true ? await voiceCheckOf(plan.candidate, plan.baseline, o) : undefined;
      if (voice !== undefined) console.log(describeVoice(voice));
      const offline = {
        ...manifests,
        candidate: {
          ...manifests.candidate,
          ...(privacy !== undefined ? { privacy_leaks: privacy.leaks } : {}),
          ...(voice !== undefined
            ? {
                roundtrip_wer: voice.candidate.roundtripWer,
                roundtrip_wer_delta: voice.delta.ciLow,
              }
            : {}),
        },
        baseline: {
          ...manifests.baseline,
          ...(voice !== undefined ? { roundtrip_wer: voice.baseline.roundtripWer } : {}),
        },
      };
      const state = await atDesk(o, (desk) => desk.start(plan, offline));
      console.log(describeState(plan, state));
      console.log(describeOffline(offline));
    });

  release
    .command('privacy-check')
    .argument('<model>', 'the candidate, name@version (an ASR model)')
    .description(
      'serve sentinel phrases, a sentinel API key and audio through the model in this process and search every log line, the metrics and the fleet view for them (exit 3 on a leak)',
    )
    .option(
      '--tts <model>',
      `the voice that speaks the sentinels (default ${DEFAULT_SENTINEL_VOICE})`,
    )
    .option('--data-dir <dir>', 'where models are installed (env VOXFLEET_DATA_DIR)')
    .option('--mirror <dir>', 'model mirror folder (env VOXFLEET_MODEL_MIRROR)')
    .option('--registry-url <url>', 'model registry (env VOXFLEET_REGISTRY_URL)')
    .option('--json', 'machine-readable output')
    .action(async (model: string, o: ReleaseOpts) => {
      const report = await privacyCheckOf(model, o);
      console.log(o.json === true ? JSON.stringify(report, null, 2) : describePrivacy(report));
      if (report.leaks > 0) process.exitCode = 3;
    });

  release
    .command('voice-check')
    .argument('<candidate>', 'the new voice, name@version (a TTS model)')
    .requiredOption('--baseline <voice>', 'the voice it replaces, name@version')
    .description(
      'speak the check sentences with both voices in this process, transcribe them back with a judge ASR model, and compare (exit 3 when the candidate is worse beyond doubt: the interval lies above --max-delta)',
    )
    .option('--judge <model>', `the ASR model that listens (default ${VOICE_CHECK_DEFAULTS.judge})`)
    .option('--max-delta <fraction>', 'worst acceptable round-trip WER rise', Number, 0.02)
    .option(
      '--sentences <n>',
      `speak only the first n check sentences (default all ${VOICE_CHECK_SENTENCES.length}; fewer: quicker, a wider interval)`,
      Number,
    )
    .option('--data-dir <dir>', 'where models are installed (env VOXFLEET_DATA_DIR)')
    .option('--mirror <dir>', 'model mirror folder (env VOXFLEET_MODEL_MIRROR)')
    .option('--registry-url <url>', 'model registry (env VOXFLEET_REGISTRY_URL)')
    .option('--json', 'machine-readable output')
    .action(async (candidate: string, o: ReleaseOpts & { baseline: string; maxDelta: number }) => {
      const report = await voiceCheckOf(candidate, o.baseline, o);
      console.log(o.json === true ? JSON.stringify(report, null, 2) : describeVoice(report));
      if (report.delta.ciLow > o.maxDelta) process.exitCode = 3;
    });

  withFleet(release.command('status').argument('[id]', 'rollout id (default: all)'))
    .description('where each rollout stands')
    .action(async (id: string | undefined, o: ReleaseOpts) => {
      const rollouts = await atDesk(o, (desk) => desk.list());
      const shown = rollouts.filter((r) => id === undefined || r.plan.id === id);
      if (o.json === true)
        console.log(
          JSON.stringify(
            shown.map((r) => r.state),
            null,
            2,
          ),
        );
      else for (const r of shown) console.log(describeState(r.plan, r.state));
    });

  withFleet(release.command('history').argument('<id>', 'rollout id'))
    .description('every decision of a rollout, oldest first')
    .action(async (id: string, o: ReleaseOpts) => {
      const found = await atDesk(o, (desk) => desk.read(id));
      const audit = found?.state.audit ?? [];
      if (o.json === true) console.log(JSON.stringify(audit, null, 2));
      else for (const e of audit) console.log(describeEntry(e));
    });

  const change = (name: OperatorAction, description: string, byHand = ''): void => {
    withFleet(release.command(name).argument('<id>', 'rollout id'))
      .description(description)
      .option('--reason <text>', 'why, for the audit log')
      .action(async (id: string, o: ReleaseOpts) => {
        const { plan, state } = await atDesk(o, (desk) => desk.act(name, id, o.reason ?? byHand));
        console.log(describeState(plan, state));
      });
  };
  change('pause', 'stop the running step (what has passed stays)', 'paused by hand');
  change('resume', 'run the paused step again (its clock restarts)');
  change('promote', 'serve the candidate everywhere the plan ends, now');
  change('rollback', 'new sessions go back to the baseline within a second', 'rolled back by hand');
}
