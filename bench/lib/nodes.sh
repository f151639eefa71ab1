# Shared by bench/registry and bench/failure-detection: real `clusterlb run` processes on loopback, mutual TLS on.
# Source it after setting: repo (repository root), work (a scratch directory). Every process started here is
# remembered by PID in node_pid[i] and stopped by nodes_stop_all (call it from an EXIT trap).
#
# Ports: node i uses cluster 25400+i, admin 25500+i, proxy 25600+i (override with BENCH_PORT_BASE, default 25400).

port_base=${BENCH_PORT_BASE:-25400}
token="bench-admin-token"
clb_dll="$repo/src/ClusterLb.Node/bin/Release/net10.0/clusterlb.dll"
declare -A node_pid=()

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
now_ms() { date +%s%3N; }
cport() { echo $((port_base + $1)); }
aport() { echo $((port_base + 100 + $1)); }
pport() { echo $((port_base + 200 + $1)); }
admin_url() { echo "http://127.0.0.1:$(aport "$1")"; }

nodes_build() {
  log "building src/ClusterLb.Node (Release)"
  dotnet build -c Release "$repo/src/ClusterLb.Node" -nologo -v q > "$work/build.out" 2>&1 || { cat "$work/build.out"; exit 1; }
}

nodes_certs() { # max node count
  mkdir -p "$work/certs"
  dotnet "$clb_dll" cert create-ca --dir "$work/certs" > "$work/certs/ca.out" 2>&1 || { cat "$work/certs/ca.out"; exit 1; }
  local i
  for i in $(seq 1 "$1"); do
    dotnet "$clb_dll" cert create-node --dir "$work/certs" --name "bench-$i" --host 127.0.0.1 > "$work/certs/n$i.out" 2>&1 \
      || { cat "$work/certs/n$i.out"; exit 1; }
  done
}

ports_free() { # node count; refuses to start on ports another test already holds
  local i p
  for i in $(seq 1 "$1"); do
    for p in "$(cport "$i")" "$(aport "$i")" "$(pport "$i")"; do
      if ss -Htln "sport = :$p" | grep -q .; then log "port $p is in use (set BENCH_PORT_BASE)"; exit 1; fi
    done
  done
}

# nodes_config i stable_after extra_hocon  -> $work/n$i.conf. Seeds are nodes 1 and 2 (so node 3+ is a non-seed).
nodes_config() {
  local i=$1 stable=${2:-20s} extra=${3:-}
  mkdir -p "$work/data"
  cat > "$work/n$i.conf" <<EOF
clusterlb {
  node { name = "bench-$i", data-dir = "$work/data/n$i" }
  actor.loglevel = warning
  proxy.http { bind = "127.0.0.1", port = $(pport "$i") }
  admin { port = $(aport "$i"), token = "$token" }
  cluster {
    hostname = "127.0.0.1"
    port = $(cport "$i")
    seed-nodes = [ "127.0.0.1:$(cport 1)", "127.0.0.1:$(cport 2)" ]
    tls { certificate = "$work/certs/bench-$i.pfx", ca = "$work/certs/ca.crt" }
    split-brain-resolver.stable-after = $stable
  }
  # No backend runs: active checks off, so no host_up/host_down events add cluster traffic.
  health-check.enabled = off
  services.web.pools = [ { id = main, method = round-robin, hosts = [ { id = h1, address = "http://127.0.0.1:25399" } ] } ]
  $extra
}
EOF
}

node_start() { # i
  local i=$1
  setsid dotnet "$clb_dll" run --config "$work/n$i.conf" >> "$work/n$i.log" 2>&1 &
  node_pid[$i]=$!
}

node_kill9() { # i
  local p=${node_pid[$1]:-}
  [ -n "$p" ] || return 0
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  node_pid[$1]=""
}

nodes_stop_all() {
  local i p
  for i in "${!node_pid[@]}"; do
    p=${node_pid[$i]}; [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 15))
  for i in "${!node_pid[@]}"; do
    p=${node_pid[$i]}; [ -n "$p" ] || continue
    while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
    node_pid[$i]=""
  done
}

# Members as "address uid status reachable" lines from node i's /cluster/status (empty if it does not answer).
members_of() {
  curl -fsS -m 2 "$(admin_url "$1")/cluster/status" 2>/dev/null \
    | jq -r '.members[]? | "\(.address) \(.uid) \(.status) \(.reachable)"' 2>/dev/null || true
}

# Wait (bounded) until every node in "$@" sees exactly ${#@} members, all Up and reachable.
nodes_wait_up() { # timeout_s node...
  local timeout=$1; shift
  local n=$# deadline=$((SECONDS + timeout)) i ok
  while [ $SECONDS -lt "$deadline" ]; do
    ok=1
    for i in "$@"; do
      local m; m=$(members_of "$i")
      [ "$(grep -c . <<< "$m")" = "$n" ] && [ "$(grep -c ' Up true$' <<< "$m")" = "$n" ] || { ok=0; break; }
    done
    [ $ok = 1 ] && return 0
    sleep 0.2
  done
  log "cluster of $* not Up after ${timeout}s"; for i in "$@"; do log "node $i: $(members_of "$i" | tr '\n' ';')"; done
  return 1
}
