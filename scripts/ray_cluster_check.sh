#!/usr/bin/env bash
# A two-node Ray cluster on this one machine, then `newsprism analyze --engine ray`
# against it; its JSON must equal the local engine's. Both nodes are stopped on
# exit, whatever happens (only the processes this script started: never `ray stop`,
# which would stop every Ray on the machine).
#
# Each node has one CPU and its own temp dir. Token authentication stays on, with a
# throwaway token made here: on Linux `--node-ip-address 127.0.0.1` does not keep a
# node on loopback (Ray resolves it to the host's routable address, and its servers
# listen on every interface), so without a token anyone reaching this host could run
# code in the cluster while it is up. For a real
# cluster, see "Running on a Ray cluster" in the README (Ray's cluster launcher or
# KubeRay). Usage: bash scripts/ray_cluster_check.sh [INPUT...] (default: the
# bundled example and the clustering fixture, several stories); or
# bash scripts/ray_cluster_check.sh --run COMMAND... to run COMMAND against the
# cluster instead (its address in $RAY_ADDRESS), e.g. the bench:
# bash scripts/ray_cluster_check.sh --run python bench/bench_workers.py --ray
NP_EXTRAS="dev"
source "$(dirname "$0")/_venv.sh"
cd "$NP_ROOT"
RAY_AUTH_TOKEN=$(python -c "import secrets; print(secrets.token_hex(32))")
export RAY_AUTH_MODE=token RAY_AUTH_TOKEN RAY_USAGE_STATS_ENABLED=0
# The nodes' workers run at the nodes' own priority, as the local engine's workers run at
# the caller's. Ray lowers its workers' by 15 nice levels (worker_niceness), which keeps a
# dedicated node's servers responsive; on this shared machine it made the cluster's workers
# yield to everything else (a process at nice 19 takes 29% of a core from one at nice 15, 1.4%
# from one at nice 0), so a run on two workers lost far more to another session's burst than a
# run on one, or than the local engine. RAY_worker_niceness=15 before this script: Ray's default.
export RAY_worker_niceness="${RAY_worker_niceness:-0}"
run=()
if [ "${1:-}" = "--run" ]; then
    shift
    run=("$@")
    set --
fi
inputs=("$@")
[ ${#inputs[@]} -gt 0 ] || inputs=(examples/harlow-dam tests/fixtures/cluster/articles.jsonl)

work=$(mktemp -d /tmp/np-ray-XXXXXX)  # short: Ray's socket paths live under it
free_port() { python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
port=$(free_port)
address="127.0.0.1:$port"
pids=()
stop() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap stop EXIT

# --block keeps `ray start` in the foreground: stopping it stops the node's processes.
ray start --head --block --num-cpus 1 --node-ip-address 127.0.0.1 --port "$port" \
    --include-dashboard false --disable-usage-stats --temp-dir "$work/head" \
    --dashboard-agent-listen-port "$(free_port)" \
    >"$work/head.log" 2>&1 &
pids+=($!)
python - "$address" <<'EOF'
import sys, time
import ray
for _ in range(120):  # the head may take a while on a busy machine
    try:
        ray.init(address=sys.argv[1], log_to_driver=False, configure_logging=False)
        break
    except Exception:
        time.sleep(1)
else:
    sys.exit("the Ray head did not come up")
ray.shutdown()
EOF
# No log monitor of its own: Ray wants one per host (a second sends the same logs twice),
# and each scans its node's log folder ten times a second (0.1 to 0.5 s of CPU a run here).
ray start --block --address "$address" --num-cpus 1 --node-ip-address 127.0.0.1 \
    --disable-usage-stats --temp-dir "$work/node" --include-log-monitor false \
    --dashboard-agent-listen-port "$(free_port)" \
    >"$work/node.log" 2>&1 &
pids+=($!)
python - "$address" <<'EOF'
import sys, time
import ray
ray.init(address=sys.argv[1], log_to_driver=False, configure_logging=False)
for _ in range(120):
    alive = [n for n in ray.nodes() if n["Alive"]]
    if len(alive) >= 2 and ray.cluster_resources().get("CPU", 0) >= 2:
        break
    time.sleep(1)
else:
    sys.exit(f"the second node did not join: {len(alive)} node(s) alive")
print(f"ray cluster: {len(alive)} nodes, {ray.cluster_resources()['CPU']:.0f} CPUs", file=sys.stderr)
ray.shutdown()
EOF
# The cluster is reachable beyond loopback (see above): it must refuse a client without the token.
refused=0
env -u RAY_AUTH_TOKEN RAY_AUTH_MODE=disabled python - "$address" <<'EOF' 2>/dev/null || refused=$?
import sys
import ray
try:
    ray.init(address=sys.argv[1], log_to_driver=False, configure_logging=False)
except ConnectionError:
    sys.exit(3)
EOF
if [ "$refused" -ne 3 ]; then
    echo "ray cluster check FAILED: a client without the token was not refused (exit $refused)" >&2
    exit 1
fi

if [ ${#run[@]} -gt 0 ]; then
    # NP_RAY_NODE_PIDS: the nodes' `ray start` processes, whose descendants the bench charges to Ray.
    RAY_ADDRESS="$address" NP_RAY_NODE_PIDS="${pids[*]}" "${run[@]}"
    exit
fi
# A run's workers hold a CPU each of the cluster's, spread over its nodes: one on each here.
python - "$address" <<'EOF'
import sys
import ray
from newsprism.engine.ray import RayEngine
with RayEngine(sys.argv[1]):
    held = [g for g in ray.util.placement_group_table().values() if g["state"] == "CREATED"]
    free = ray.available_resources().get("CPU", 0)
nodes = [sorted(set(g["bundles_to_node_id"].values())) for g in held]
if len(nodes) != 1 or len(nodes[0]) != 2 or free != 0:
    sys.exit(f"ray cluster check FAILED: the run held {held} ({free} CPU free), not a CPU on each node")
print("ray cluster check: the run held one CPU on each node", file=sys.stderr)
EOF

newsprism analyze "${inputs[@]}" --format json --quiet --workers 0 -o "$work/local.json"
newsprism analyze "${inputs[@]}" --format json --quiet --engine ray --address "$address" -o "$work/ray.json"
if cmp -s "$work/local.json" "$work/ray.json"; then
    echo "ray cluster check: the two-node cluster wrote the same JSON as the local engine ($(wc -c <"$work/ray.json") bytes)" >&2
else
    echo "ray cluster check FAILED: the JSON differs from the local engine's" >&2
    diff <(python -m json.tool "$work/local.json") <(python -m json.tool "$work/ray.json") | head -40 >&2 || true
    exit 1
fi
