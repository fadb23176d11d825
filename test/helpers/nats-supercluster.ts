/**
 * A three-region (or any) NATS supercluster on loopback: one `nats-server` per region, each its
 * own cluster named after the region, joined by gateways, JetStream on, the way production
 * regions are laid out. Every gateway connection goes through a TcpLink, so a test can cut the
 * link between two regions and mend it. Users and permissions mirror docs/regions.md: one user
 * per residency zone allowed only `vf.<zone>.>` (plus what JetStream KV needs), and `admin`,
 * allowed everything (the test's monitor).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { killAndWait, natsServerBinary, waitForPortsFile } from './nats-server.js';
import { freePort, startTcpLink, type TcpLink } from './tcp-link.js';

export interface RegionDef {
  readonly name: string;
  readonly zone: string;
}

export interface RegionServer {
  readonly name: string;
  readonly zone: string;
  /** Client URL, without credentials. */
  readonly url: string;
  /** kill -9 of the region's server. */
  kill(): Promise<void>;
}

export interface Supercluster {
  readonly regions: ReadonlyMap<string, RegionServer>;
  url(region: string): string;
  /** Cuts (both directions of) the gateway link between two regions. */
  cut(a: string, b: string): void;
  mend(a: string, b: string): void;
  stop(): Promise<void>;
}

export const ADMIN = Object.freeze({ user: 'admin', password: 'admin-secret' });
export function zoneUser(zone: string): { user: string; password: string } {
  return { user: `vf-${zone}`, password: `vf-${zone}-secret` };
}

export async function startSupercluster(defs: readonly RegionDef[]): Promise<Supercluster> {
  const root = mkdtempSync(join(tmpdir(), 'vf-sc-'));
  const gatewayPorts = new Map<string, number>();
  const clusterPorts = new Map<string, number>();
  for (const d of defs) {
    gatewayPorts.set(d.name, await freePort());
    clusterPorts.set(d.name, await freePort());
  }
  // links.get(`${from}>${to}`): what `from`'s server dials to reach `to`.
  const links = new Map<string, TcpLink>();
  for (const from of defs)
    for (const to of defs)
      if (from.name !== to.name)
        links.set(`${from.name}>${to.name}`, await startTcpLink(gatewayPorts.get(to.name)!));
  const zones = [...new Set(defs.map((d) => d.zone))];
  const children: ChildProcess[] = [];
  const regions = new Map<string, RegionServer>();
  const stopAll = async (): Promise<void> => {
    await Promise.all(children.map((c) => killAndWait(c)));
    await Promise.all([...links.values()].map((l) => l.close()));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const def of defs) {
      const dir = join(root, def.name);
      const portsDir = join(dir, 'ports');
      mkdirSync(portsDir, { recursive: true });
      const conf = join(dir, 'server.conf');
      const ports = { gateway: gatewayPorts.get(def.name)!, cluster: clusterPorts.get(def.name)! };
      writeFileSync(conf, serverConfig(def, dir, ports, defs, links, zones));
      const child = spawn(natsServerBinary(), ['-c', conf, '--ports_file_dir', portsDir], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr?.on(
        'data',
        (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4000)),
      );
      process.once('exit', () => child.kill('SIGKILL'));
      const url = await waitForPortsFile(child, portsDir, 15_000, () => stderr);
      regions.set(def.name, {
        name: def.name,
        zone: def.zone,
        url,
        kill: async () => {
          child.kill('SIGKILL');
          await killAndWait(child);
        },
      });
    }
    // Servers are up long before JetStream has elected its meta leader across the gateways.
    await Promise.all([...regions.values()].map((r) => untilJetStreamAnswers(r.url, 30_000)));
  } catch (err) {
    await stopAll();
    throw err;
  }
  const pair = (a: string, b: string): TcpLink[] => [
    links.get(`${a}>${b}`)!,
    links.get(`${b}>${a}`)!,
  ];
  return {
    regions,
    url: (region) => regions.get(region)!.url,
    cut: (a, b) => pair(a, b).forEach((l) => l.cut()),
    mend: (a, b) => pair(a, b).forEach((l) => l.mend()),
    stop: stopAll,
  };
}

async function untilJetStreamAnswers(url: string, timeoutMs: number): Promise<void> {
  const connection = await connect({ servers: url, user: ADMIN.user, pass: ADMIN.password });
  try {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      try {
        const jsm = await jetstreamManager(connection, { timeout: 1000 });
        await jsm.getAccountInfo();
        return;
      } catch (err) {
        if (performance.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    await connection.close();
  }
}

function serverConfig(
  def: RegionDef,
  dir: string,
  ports: { gateway: number; cluster: number },
  defs: readonly RegionDef[],
  links: ReadonlyMap<string, TcpLink>,
  zones: readonly string[],
): string {
  const gateways = defs
    .filter((d) => d.name !== def.name)
    .map(
      (d) =>
        `{ name: "${d.name}", urls: ["nats://127.0.0.1:${links.get(`${def.name}>${d.name}`)!.port}"] }`,
    )
    .join(', ');
  const zoneUsers = zones.map((zone) => {
    const { user, password } = zoneUser(zone);
    // vf.<zone>.> for calls; JetStream's API, KV puts of this zone and flow control for discovery.
    return `{ user: "${user}", password: "${password}", permissions: {
      publish: { allow: ["vf.${zone}.>", "$JS.API.>", "$KV.*.${zone}.>", "$KV.voxfleet-releases.>", "$JS.FC.>", "$JS.ACK.>", "_INBOX.>"] },
      subscribe: { allow: ["vf.${zone}.>", "_INBOX.>"] } } }`;
  });
  return `
server_name: "${def.name}"
listen: "127.0.0.1:-1"
jetstream { store_dir: "${join(dir, 'js')}" }
# A one-server cluster: JetStream in a supercluster wants routes, even to itself.
cluster { name: "${def.name}", listen: "127.0.0.1:${ports.cluster}", routes: ["nats://127.0.0.1:${ports.cluster}"] }
gateway {
  name: "${def.name}"
  listen: "127.0.0.1:${ports.gateway}"
  # Gossiped gateway URLs would bypass the test's links: advertise one nobody listens on.
  advertise: "127.0.0.1:1"
  gateways: [ ${gateways} ]
}
accounts {
  VF: { jetstream: enabled, users: [
    { user: "${ADMIN.user}", password: "${ADMIN.password}" },
    ${zoneUsers.join(',\n    ')}
  ] }
  SYS: { users: [ { user: "sys", password: "sys-secret" } ] }
}
system_account: SYS
`;
}
