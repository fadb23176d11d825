#!/usr/bin/env bash
# The node -e programs below are JavaScript in single quotes, on purpose.
# shellcheck disable=SC2016
#
# Three voxfleet regions on one machine, with one command. README.md walks through it.
#
#   examples/multi-region/run.sh                  start everything; Ctrl-C stops everything
#   examples/multi-region/run.sh worker <region>  start a region's worker again (after killing it)
#   examples/multi-region/run.sh stream <region> <api-key> [file.wav]
#                                                 stream a WAV through a region's gateway, live
#   examples/multi-region/run.sh status           what runs, and the bytes NATS sent each worker
#   examples/multi-region/run.sh stop             stop a run whose terminal is gone
#
# Regions: eu-west (zone eu), us-east and us-west (zone us). Each region gets a nats-server (its
# own cluster, gateways to the other two, JetStream on), one `voxfleet worker` and one
# `voxfleet gateway --fleet fleet.json`. Everything listens on 127.0.0.1 only. NATS stores,
# installed models, logs and pid files live in examples/multi-region/.data/ (gitignored).
#
# Environment: NATS_SERVER_BIN (the nats-server binary), VOXFLEET_MODEL_MIRROR (model mirror
# folder; default ../shared/models beside the repository), VOXFLEET_DATA_DIR (where workers
# install models; default .data/models), VOXFLEET_EXAMPLE_MODELS (default whisper-tiny.en,silero-vad).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="$HERE/.data"
LOGS="$DATA/logs"
PIDS="$DATA/pids"
FLEET="$HERE/fleet.json"
MIRROR="${VOXFLEET_MODEL_MIRROR:-$ROOT/../shared/models}"
MODELS_DIR="${VOXFLEET_DATA_DIR:-$DATA/models}"
MODELS="${VOXFLEET_EXAMPLE_MODELS:-whisper-tiny.en,silero-vad}"
SAMPLE="$ROOT/../shared/audio/dev/jfk.wav"

# One entry per region, same index in every list. The route (1622x) and gateway (1722x) ports
# are in nats/<region>.conf; keep both in step.
REGIONS=(eu-west us-east us-west)
ZONES=(eu us us)
NATS_PORTS=(14222 14223 14224)
MONITOR_PORTS=(18222 18223 18224)
HTTP_PORTS=(8081 8082 8083)
CONF_PORTS=(16222 16223 16224 17222 17223 17224)

# Seconds to wait for each step. Three workers loading whisper-tiny.en on two cores take 3-10 s
# (the first run also copies the models from the mirror); JetStream elects its leader in 1-9 s.
NATS_READY_S=30
WORKER_READY_S=180
GATEWAY_READY_S=30

say() { printf 'multi-region: %s\n' "$*"; }
die() {
  printf 'multi-region: %s\n' "$*" >&2
  exit 1
}

index_of() {
  local i
  for i in "${!REGIONS[@]}"; do
    if [ "${REGIONS[$i]}" = "$1" ]; then
      echo "$i"
      return 0
    fi
  done
  return 1
}

# A process that exists and is not a zombie.
alive() {
  local state
  state="$(ps -p "$1" -o stat= 2>/dev/null)" || return 1
  case "$state" in Z*) return 1 ;; *) return 0 ;; esac
}

# The pid in a pid file, when that process is alive and still runs what we started (not a
# recycled pid): its command line must contain `marker`.
live_pid() {
  local file="$PIDS/$1.pid" marker="$2" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  alive "$pid" || return 1
  ps -p "$pid" -o args= 2>/dev/null | grep -qF -- "$marker" || return 1
  echo "$pid"
}

marker_of() {
  case "$1" in
    nats-*) echo "nats/${1#nats-}.conf" ;;
    worker-*) echo "--worker-id w-${1#worker-}" ;;
    gateway-*) echo "--region ${1#gateway-} --port" ;;
    run) echo "run.sh" ;;
  esac
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

find_nats_server() {
  if [ -n "${NATS_SERVER_BIN:-}" ]; then
    echo "$NATS_SERVER_BIN"
    return 0
  fi
  local candidate
  for candidate in "$(command -v nats-server 2>/dev/null || true)" /usr/sbin/nats-server \
    /usr/local/sbin/nats-server /usr/local/bin/nats-server; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# The zone's NATS user and password, from fleet.json (the servers' accounts.conf has the same).
zone_credentials() {
  node -e '
    const fleet = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const access = fleet.zones[process.argv[2]];
    process.stdout.write(`${encodeURIComponent(access.user)}:${encodeURIComponent(access.password)}`);
  ' "$FLEET" "$1"
}

# Starts a process in the background in its own session (so the terminal's Ctrl-C reaches
# this script only, which then stops everything in order), output to .data/logs/<name>.log.
start_process() {
  local name="$1" dir="$2"
  shift 2
  (
    cd "$dir"
    if command -v setsid >/dev/null 2>&1; then exec setsid "$@"; else exec "$@"; fi
  ) >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo "$!" >"$PIDS/$name.pid"
}

# Waits until `name`'s log has more than `seen` lines matching `pattern`; fails when the
# process exits first or after `timeout_s`.
wait_for_log() {
  local name="$1" pattern="$2" seen="$3" timeout_s="$4" pid deadline
  pid="$(cat "$PIDS/$name.pid")"
  deadline=$((SECONDS + timeout_s))
  while [ "$(grep -cE -- "$pattern" "$LOGS/$name.log" || true)" -le "$seen" ]; do
    alive "$pid" || return 1
    [ "$SECONDS" -lt "$deadline" ] || return 2
    sleep 0.2
  done
}

show_log_tail() {
  printf -- '--- last lines of %s ---\n' "$LOGS/$1.log" >&2
  tail -n 15 "$LOGS/$1.log" >&2 || true
}

start_nats() {
  local i="$1" region="${REGIONS[$1]}"
  start_process "nats-$region" "$DATA" "$NATS_SERVER" -c "$HERE/nats/$region.conf"
}

# The monitoring port answers /healthz with 200 once JetStream has contact with its meta leader
# (elected across the three regions through the gateways, a second or so after start).
wait_for_nats() {
  local i="$1" region="${REGIONS[$1]}" deadline pid
  pid="$(cat "$PIDS/nats-$region.pid")"
  deadline=$((SECONDS + NATS_READY_S))
  until curl -sf -o /dev/null "http://127.0.0.1:${MONITOR_PORTS[$i]}/healthz"; do
    if ! alive "$pid"; then
      show_log_tail "nats-$region"
      die "nats-server of $region exited"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      show_log_tail "nats-$region"
      die "nats-server of $region: JetStream not ready within ${NATS_READY_S} s"
    fi
    sleep 0.5
  done
}

start_worker() {
  local i="$1" region="${REGIONS[$1]}" zone="${ZONES[$1]}" credentials
  local mirror=()
  [ -d "$MIRROR" ] && mirror=(--mirror "$MIRROR")
  credentials="$(zone_credentials "$zone")"
  start_process "worker-$region" "$ROOT" node "$ROOT/bin/voxfleet.js" worker \
    --nats "nats://$credentials@127.0.0.1:${NATS_PORTS[$i]}" --region "$region" --zone "$zone" \
    --worker-id "w-$region" --data-dir "$MODELS_DIR" ${mirror[@]+"${mirror[@]}"} \
    --models "$MODELS" --inference-threads 1
}

# A worker waits while JetStream cannot create its region's discovery bucket yet; one that gives
# up (or an older build, which exits at once) ends with NOT_READY: start it again, a few times.
wait_for_worker() {
  local i="$1" region="${REGIONS[$1]}" seen="$2" attempt=1 status
  while :; do
    status=0
    wait_for_log "worker-$region" 'voxfleet worker .* serving' "$seen" "$WORKER_READY_S" ||
      status=$?
    [ "$status" -eq 0 ] && return 0
    if [ "$status" -eq 1 ] && [ "$attempt" -lt 4 ] &&
      tail -n 5 "$LOGS/worker-$region.log" | grep -qE 'discovery bucket|cannot reach NATS'; then
      say "worker $region: NATS not ready yet, starting it again (attempt $((attempt + 1)))"
      attempt=$((attempt + 1))
      sleep 2
      start_worker "$i"
      continue
    fi
    show_log_tail "worker-$region"
    [ "$status" -eq 2 ] && die "worker $region not serving within ${WORKER_READY_S} s"
    die "worker $region exited"
  done
}

start_gateway() {
  local i="$1" region="${REGIONS[$1]}"
  start_process "gateway-$region" "$ROOT" node "$ROOT/bin/voxfleet.js" gateway \
    --fleet "$FLEET" --nats "nats://127.0.0.1:${NATS_PORTS[$i]}" --region "$region" \
    --port "${HTTP_PORTS[$i]}"
}

wait_for_gateway() {
  local i="$1" region="${REGIONS[$1]}" deadline ready=0
  if ! wait_for_log "gateway-$region" 'voxfleet gateway listening' 0 "$GATEWAY_READY_S"; then
    show_log_tail "gateway-$region"
    die "gateway $region did not start"
  fi
  # Listening is not enough: wait until it has discovered every region's worker.
  deadline=$((SECONDS + GATEWAY_READY_S))
  while [ "$ready" -lt "${#REGIONS[@]}" ]; do
    [ "$SECONDS" -lt "$deadline" ] ||
      die "gateway $region sees $ready of ${#REGIONS[@]} workers after ${GATEWAY_READY_S} s"
    sleep 0.2
    ready="$(curl -sf "http://127.0.0.1:${HTTP_PORTS[$i]}/v1/fleet" |
      grep -o '"state":"ready"' | wc -l | tr -d ' ')" || ready=0
  done
}

# Stops every process of a kind (gateway, worker, nats): SIGTERM (gateways finish open requests,
# workers drain and remove their announcement, servers shut down), SIGKILL after `grace_s`.
stop_kind() {
  local kind="$1" grace_s="$2" region pid pids=() deadline
  for region in "${REGIONS[@]}"; do
    if pid="$(live_pid "$kind-$region" "$(marker_of "$kind-$region")")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  [ "${#pids[@]}" -gt 0 ] || return 0
  deadline=$((SECONDS + grace_s))
  for pid in "${pids[@]}"; do
    while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if alive "$pid"; then
      say "pid $pid ($kind) still running after ${grace_s} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

STOPPING=0
stop_everything() {
  [ "$STOPPING" -eq 0 ] || return 0
  STOPPING=1
  trap '' INT TERM HUP
  say "stopping: gateways, then workers (they drain), then nats-servers"
  stop_kind gateway 10
  stop_kind worker 15
  stop_kind nats 10
  wait 2>/dev/null || true
  rm -f "$PIDS"/*.pid
  say "stopped; logs are in $LOGS"
}

preflight() {
  command -v node >/dev/null 2>&1 || die "node (>= 20) is needed"
  command -v curl >/dev/null 2>&1 || die "curl is needed"
  NATS_SERVER="$(find_nats_server)" ||
    die "nats-server not found (Debian: apt-get install nats-server, or run scripts/ensure-nats-server.sh; or set NATS_SERVER_BIN)"
  [ -d "$ROOT/node_modules" ] || die "run 'npm install' in $ROOT first"
  if [ ! -f "$ROOT/dist/cli/index.js" ]; then
    say "dist/ is missing: npm run build"
    (cd "$ROOT" && npm run build)
  fi
  local pid name
  if pid="$(live_pid run "$(marker_of run)")"; then
    die "already running (pid $pid): Ctrl-C it, or '$0 stop'"
  fi
  for name in "${REGIONS[@]/#/nats-}" "${REGIONS[@]/#/worker-}" "${REGIONS[@]/#/gateway-}"; do
    if pid="$(live_pid "$name" "$(marker_of "$name")")"; then
      die "$name from an earlier run is still running (pid $pid): '$0 stop'"
    fi
  done
  local port
  for port in "${NATS_PORTS[@]}" "${MONITOR_PORTS[@]}" "${CONF_PORTS[@]}" "${HTTP_PORTS[@]}"; do
    if port_busy "$port"; then die "127.0.0.1:$port is in use by another program"; fi
  done
  if [ ! -d "$MIRROR" ]; then
    say "no model mirror at $MIRROR: workers pull from VOXFLEET_REGISTRY_URL or use what $MODELS_DIR holds"
  fi
}

print_banner() {
  local i audio="speech.wav" api="/v1/audio/transcriptions"
  [ -f "$SAMPLE" ] && audio="$(cd "$(dirname "$SAMPLE")" && pwd)/$(basename "$SAMPLE")"
  local rel="${HERE#"$PWD"/}"
  echo
  say "three regions up in $1 s"
  echo
  printf '  %-8s %-5s %-23s %-22s %s\n' region zone nats gateway worker
  for i in "${!REGIONS[@]}"; do
    printf '  %-8s %-5s %-23s %-22s %s\n' "${REGIONS[$i]}" "${ZONES[$i]}" \
      "nats://127.0.0.1:${NATS_PORTS[$i]}" "http://127.0.0.1:${HTTP_PORTS[$i]}" \
      "w-${REGIONS[$i]} (pid $(cat "$PIDS/worker-${REGIONS[$i]}.pid"))"
  done
  cat <<EOF

  tenants (fleet.json): demo-eu, pinned to zone eu, API key vf-demo-eu-key
                        demo-us, pinned to zone us, API key vf-demo-us-key

  try (README.md walks through each, with the answers to expect):
    curl -s localhost:8081$api -H 'authorization: Bearer vf-demo-eu-key' -F file=@$audio
    # the eu tenant at a us gateway: still served in eu-west (the gateway audits it)
    curl -s localhost:8082$api -H 'authorization: Bearer vf-demo-eu-key' -F file=@$audio
    # the us tenant, asking for us-west
    curl -s localhost:8082$api -H 'authorization: Bearer vf-demo-us-key' -H 'x-voxfleet-region: us-west' -F file=@$audio
    # live, at real-time pace (kill its worker meanwhile: the stream fails over)
    $rel/run.sh stream us-east vf-demo-us-key
    # failover: kill the us-east worker; us callers are served in us-west
    kill -9 \$(cat $rel/.data/pids/worker-us-east.pid)
    # residency: kill the only eu worker; the eu tenant gets 503 RESIDENCY_UNAVAILABLE
    kill -9 \$(cat $rel/.data/pids/worker-eu-west.pid)
    # start a worker again; what runs, and the bytes NATS delivered to each worker
    $rel/run.sh worker eu-west
    $rel/run.sh status

  routing audits: grep audit $rel/.data/logs/gateway-*.log
  logs: $rel/.data/logs/     Ctrl-C stops everything.

EOF
}

# Until a signal: reports workers that exit, and workers started again (`run.sh worker`).
watch_workers() {
  local i region pid seen=() gone=()
  for i in "${!REGIONS[@]}"; do
    seen[i]="$(cat "$PIDS/worker-${REGIONS[$i]}.pid")"
    gone[i]=0
  done
  while :; do
    sleep 1 &
    wait $! 2>/dev/null || true
    for i in "${!REGIONS[@]}"; do
      region="${REGIONS[$i]}"
      pid="$(cat "$PIDS/worker-$region.pid" 2>/dev/null || true)"
      if [ "$pid" != "${seen[i]}" ]; then
        seen[i]="$pid"
        gone[i]=0
        say "worker $region started again (pid $pid)"
      elif [ "${gone[i]}" -eq 0 ] && ! alive "$pid"; then
        gone[i]=1
        say "worker $region (pid $pid) has exited; '$0 worker $region' starts it again"
      fi
    done
  done
}

command_up() {
  preflight
  mkdir -p "$LOGS" "$PIDS"
  # A fresh JetStream state every run (the discovery buckets are rebuilt by the workers).
  rm -rf "$DATA/nats" "$LOGS"/*.log
  echo "$$" >"$PIDS/run.pid"
  trap stop_everything EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  local started="$SECONDS" i
  say "nats-server: $NATS_SERVER ($("$NATS_SERVER" --version 2>&1 | head -n 1))"
  for i in "${!REGIONS[@]}"; do start_nats "$i"; done
  for i in "${!REGIONS[@]}"; do wait_for_nats "$i"; done
  say "NATS supercluster up, JetStream ready ($((SECONDS - started)) s); starting workers ($MODELS)"
  for i in "${!REGIONS[@]}"; do start_worker "$i"; done
  for i in "${!REGIONS[@]}"; do
    wait_for_worker "$i" 0
    say "worker ${REGIONS[$i]}: $(grep -oE 'ready in [0-9.]+ s' "$LOGS/worker-${REGIONS[$i]}.log" | tail -n 1)"
  done
  for i in "${!REGIONS[@]}"; do start_gateway "$i"; done
  for i in "${!REGIONS[@]}"; do wait_for_gateway "$i"; done
  print_banner "$((SECONDS - started))"
  watch_workers
}

command_worker() {
  local region="${1:-}" i seen pid
  i="$(index_of "$region")" || die "usage: $0 worker <$(
    IFS='|'
    echo "${REGIONS[*]}"
  )>"
  live_pid run "$(marker_of run)" >/dev/null || die "the example is not running: start it with $0"
  if pid="$(live_pid "worker-$region" "$(marker_of "worker-$region")")"; then
    die "worker $region is running (pid $pid)"
  fi
  seen="$(grep -cE 'voxfleet worker .* serving' "$LOGS/worker-$region.log" || true)"
  printf -- '--- started again ---\n' >>"$LOGS/worker-$region.log"
  local started="$SECONDS"
  start_worker "$i"
  wait_for_worker "$i" "$seen"
  say "worker $region serving again (pid $(cat "$PIDS/worker-$region.pid"), $((SECONDS - started)) s)"
}

# Streams a WAV (16-bit mono) through a region's gateway at real-time pace, as a microphone
# would, printing the events: the live path (/v1/listen), which fails over mid-stream.
command_stream() {
  local region="${1:-}" key="${2:-}" wav="${3:-$SAMPLE}" i
  if ! i="$(index_of "$region")" || [ -z "$key" ]; then
    die "usage: $0 stream <region> <api-key> [file.wav], e.g. $0 stream us-east vf-demo-us-key"
  fi
  [ -f "$wav" ] || die "no such file: $wav"
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    const [clientPath, url, apiKey, wavPath] = process.argv.slice(1);
    const { ListenSession, streamPcm16 } = await import(clientPath);
    const wav = readFileSync(wavPath);
    let rateHz, pcm;
    for (let off = 12; off + 8 <= wav.length; ) {
      const id = wav.toString("ascii", off, off + 4);
      const size = wav.readUInt32LE(off + 4);
      if (id === "fmt ") {
        if (wav.readUInt16LE(off + 10) !== 1 || wav.readUInt16LE(off + 22) !== 16)
          throw new Error(`${wavPath}: needs 16-bit mono PCM`);
        rateHz = wav.readUInt32LE(off + 12);
      }
      if (id === "data") pcm = new Uint8Array(wav.subarray(off + 8, off + 8 + size));
      off += 8 + size + (size % 2);
    }
    if (rateHz === undefined || pcm === undefined) throw new Error(`${wavPath}: not a WAV file`);
    const t0 = performance.now();
    const at = () => `[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s]`;
    try {
      const session = await ListenSession.open(url, {
        apiKey, encoding: "pcm_s16le", sampleRateHz: rateHz, language: "en",
      });
      console.log(`${at()} ready (session ${session.ready?.session_id})`);
      session.onEvent((e) => {
        if (e.type === "partial" || e.type === "final") console.log(`${at()} ${e.type.padEnd(7)} ${e.text}`);
        if (e.type !== "error") return;
        console.log(`${at()} error   ${e.code}: ${e.message}`);
        process.exitCode = 1;
      });
      // The server closing the socket (after an error) ends the stream here too.
      const stop = new AbortController();
      void session.closed.then(() => stop.abort());
      await streamPcm16(session, pcm, { sampleRateHz: rateHz, frameMs: 100, signal: stop.signal });
      const { code, reason } = await session.closed;
      console.log(`${at()} closed  ${code}${reason === "" ? "" : ` ${reason}`}`);
    } catch (err) {
      console.log(`${at()} ${err.code ?? "error"}: ${err.message}`);
      process.exitCode = 1;
    }
  ' "$ROOT/dist/client/index.js" "http://127.0.0.1:${HTTP_PORTS[$i]}" "$key" "$wav"
}

# What runs where, and how much each worker's NATS connection has been sent (the audio of every
# call it served, plus a little for heartbeats): the servers' own count, not voxfleet's.
command_status() {
  local i region kind pid
  printf '%-8s %-5s %-16s %-16s %-16s %s\n' region zone nats-server worker gateway \
    'bytes sent to the worker by NATS'
  for i in "${!REGIONS[@]}"; do
    region="${REGIONS[$i]}"
    printf '%-8s %-5s ' "$region" "${ZONES[$i]}"
    for kind in nats worker gateway; do
      if pid="$(live_pid "$kind-$region" "$(marker_of "$kind-$region")")"; then
        printf '%-16s ' "pid $pid"
      else
        printf '%-16s ' "not running"
      fi
    done
    curl -sf "http://127.0.0.1:${MONITOR_PORTS[$i]}/connz" 2>/dev/null | node -e '
      let text = "";
      process.stdin.on("data", (d) => (text += d)).on("end", () => {
        const workers = JSON.parse(text).connections.filter((c) => /^voxfleet-worker-/.test(c.name ?? ""));
        const bytes = workers.map((c) => `${c.name.slice("voxfleet-worker-".length)} ${c.out_bytes}`);
        console.log(bytes.join(", ") || "-");
      });' || echo "-"
  done
}

command_stop() {
  local pid
  if pid="$(live_pid run "$(marker_of run)")"; then
    kill -TERM "$pid"
    while alive "$pid"; do sleep 0.2; done
    say "stopped (pid $pid)"
    return 0
  fi
  local name running=0
  for name in "${REGIONS[@]/#/nats-}" "${REGIONS[@]/#/worker-}" "${REGIONS[@]/#/gateway-}"; do
    live_pid "$name" "$(marker_of "$name")" >/dev/null && running=1
  done
  if [ "$running" -eq 0 ]; then
    say "nothing of this example is running"
    return 0
  fi
  mkdir -p "$PIDS"
  stop_everything
}

case "${1:-up}" in
  up) command_up ;;
  worker) command_worker "${2:-}" ;;
  stream) command_stream "${2:-}" "${3:-}" "${4:-}" ;;
  status) command_status ;;
  stop) command_stop ;;
  *) die "usage: $0 [up | worker <region> | stream <region> <api-key> [wav] | status | stop]" ;;
esac
