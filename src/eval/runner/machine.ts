/**
 * The machine a measurement came from. The CPU's model name alone does not tell two machines
 * apart: cloud VMs report "AMD EPYC" or "Intel(R) Xeon(R) Processor" for generations whose
 * ONNX Runtime speed differs by more than 2x, largely by which vector instructions the int8 and
 * fp32 kernels can use. So the record carries those too, and the clock the kernel reports.
 */
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  /** Clock of the first core as the kernel reports it (a VM may report its host's base clock). */
  readonly cpuMhz?: number;
  /**
   * The vector instruction sets ONNX Runtime's CPU kernels choose between, those present
   * (`SPEED_FEATURES` order); absent where /proc/cpuinfo cannot be read (not Linux).
   */
  readonly cpuFeatures?: readonly string[];
  readonly platform: string;
  readonly arch: string;
  readonly memoryBytes: number;
  readonly node: string;
}

/**
 * The /proc/cpuinfo flags that change inference speed here: AVX2 and FMA (the fp32 kernels'
 * baseline), AVX-512 (wider), VNNI in either encoding (int8 dot products: whisper-tiny.en's
 * int8 weights), and AMX (int8/bf16 tiles on recent Xeons).
 */
export const SPEED_FEATURES = [
  'avx2',
  'fma',
  'avx512f',
  'avx512_vnni',
  'avx_vnni',
  'avx512_bf16',
  'amx_int8',
] as const;

/** The speed-relevant flags of the first processor in a /proc/cpuinfo text. */
export function speedFeaturesOf(cpuinfo: string): string[] {
  const line = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1];
  if (line === undefined) return [];
  const flags = new Set(line.trim().split(/\s+/));
  return SPEED_FEATURES.filter((f) => flags.has(f));
}

/** The first processor's "cpu MHz" in a /proc/cpuinfo text. */
export function cpuMhzOf(cpuinfo: string): number | undefined {
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo)?.[1]);
  return mhz > 0 ? mhz : undefined;
}

function readCpuinfo(): string | undefined {
  if (platform() !== 'linux') return undefined;
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
}

export function describeMachine(): MachineInfo {
  const list = cpus();
  const cpuinfo = readCpuinfo();
  // libuv reads the clock from cpufreq, which VMs often lack (0); /proc/cpuinfo still has it.
  const reported = list[0]?.speed ?? 0;
  const mhz = reported > 0 ? reported : cpuinfo !== undefined ? cpuMhzOf(cpuinfo) : undefined;
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ...(mhz !== undefined ? { cpuMhz: mhz } : {}),
    ...(cpuinfo !== undefined ? { cpuFeatures: speedFeaturesOf(cpuinfo) } : {}),
    platform: platform(),
    arch: arch(),
    memoryBytes: totalmem(),
    node: process.version,
  };
}

/**
 * One line naming the CPU for tables and reports: "AMD EPYC, 2 cores, 2445 MHz, avx2 fma".
 * "no avx512/vnni" is said outright, since that is what tells a slow VM of a model family.
 */
export function describeCpu(
  machine: Pick<MachineInfo, 'cpuModel' | 'cores' | 'cpuMhz' | 'cpuFeatures'>,
): string {
  const parts = [machine.cpuModel, `${machine.cores} cores`];
  if (machine.cpuMhz !== undefined) parts.push(`${Math.round(machine.cpuMhz)} MHz`);
  const features = machine.cpuFeatures;
  if (features !== undefined) {
    const vnni = features.some((f) => f.includes('vnni') || f.startsWith('amx'));
    const avx512 = features.includes('avx512f');
    const missing = [avx512 ? [] : ['avx512'], vnni ? [] : ['vnni']].flat();
    const said = features.length > 0 ? features.join(' ') : 'no avx2';
    parts.push(missing.length > 0 ? `${said} (no ${missing.join('/')})` : said);
  }
  return parts.join(', ');
}
