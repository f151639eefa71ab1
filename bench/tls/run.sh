#!/usr/bin/env bash
# TLS handshake benchmark: ClusterLb's HTTPS listener vs nginx terminating TLS with the same certificate in front of
# the same backend, in the same run. Every request is a new TLS connection (full handshake, no session reuse).
#
#   bench/tls/run.sh [ROUNDS]            (default 3 rounds)
#   env: DURATION=10 WARMUP=3 CONCS="1 8" KEYS="ec rsa" TLS="1.3" (or 1.2)
#        CLUSTERLB_ENV="NAME=VALUE ..." is passed to the ClusterLb node (runtime knobs, for experiments), e.g.
#        CLUSTERLB_ENV="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0"
#
# Client: `openssl s_time -new -www /`: each connection does a full handshake, sends `GET / HTTP/1.0`, reads the
# answer and closes; -new never resumes a session. CONCS gives how many s_time processes run at once (each one is
# sequential). s_time is the client because it is the same OpenSSL both servers link (system OpenSSL 3), so client
# cost and cipher choice are identical for both targets, and it makes no more than one request per connection
# (wrk and h2load keep connections alive; a curl loop would measure process start-up). The answer is proxied to
# the backend by both targets, so a "handshake" here is handshake + one proxied request + close.
#
# Method (as bench/proxy): clients pinned to core 0, the measured proxy pinned to core 1, the backend (one nginx
# worker) unpinned; the idle target is stopped (SIGSTOP) while the other is measured; each measurement is preceded
# by a WARMUP-second run; the target order alternates each round; the table shows medians over rounds. "CPU us" is
# the proxy's own utime+stime per connection, read from /proc: the steadier number on a shared 2-core VM. KEYS
# runs the whole comparison once with an ECDSA P-256 certificate and once with RSA 2048 (the signature is most of
# a server's handshake cost, and RSA's is about ten times ECDSA's). "load" is the 1-minute load average at the end
# of each measurement (median), to show other work on the machine. "core busy" is handshakes/s x CPU per connection:
# how much of its one core a target used; well under 100 % means the clients (one core for all of them) were the
# limit, not the proxy, and then CPU per connection is the comparison that counts.
# Needs: nginx, openssl (Debian packages; nginx is installed when missing and running as root). Loopback only.
set -euo pipefail

rounds=${1:-3}
duration=${DURATION:-10}
warmup=${WARMUP:-3}
concs=${CONCS:-1 8}
keys=(${KEYS:-ec rsa})
tls=${TLS:-1.3}
targets=(nginx clusterlb)

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/clusterlb-bench-tls.XXXXXX)
mkdir -p "$work"/{logs,tmp,results,certs}

declare -A port=([backend]=19101 [nginx]=18443 [clusterlb]=18444 [clusterlb-http]=18180 [clusterlb-admin]=18181)
declare -A pid=()

log() { printf '[bench] %s\n' "$*" >&2; }

need_tools() {
  command -v openssl >/dev/null 2>&1 || { log "missing openssl"; exit 2; }
  command -v nginx >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ]; then
    log "installing nginx"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    log "missing nginx (install the Debian package)"; exit 2
  fi
}

stop() { # name
  local p=${pid[$1]:-}
  [ -n "$p" ] || return 0
  kill -CONT -- "-$p" 2>/dev/null || true
  kill -- "-$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  unset "pid[$1]"
}

cleanup() { for name in "${!pid[@]}"; do stop "$name"; done; }
trap cleanup EXIT

start() { # name, pinned core or "", command...
  local name=$1 core=$2; shift 2
  if [ -n "$core" ]; then
    setsid taskset -c "$core" "$@" > "$work/logs/$name.out" 2>&1 &
  else
    setsid "$@" > "$work/logs/$name.out" 2>&1 &
  fi
  pid[$name]=$!
}

nginx_conf() { # file name; the http block's body comes on stdin
  local body
  body=$(cat)
  cat > "$work/$1.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/$1.pid;
error_log $work/logs/$1.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/tmp/$1-body; proxy_temp_path $work/tmp/$1-proxy; fastcgi_temp_path $work/tmp/$1-fcgi;
  uwsgi_temp_path $work/tmp/$1-uwsgi; scgi_temp_path $work/tmp/$1-scgi;
$body
}
EOF
}

make_cert() { # ec|rsa -> $work/certs/KEY.{crt,key}
  local key=$1 algo
  if [ "$key" = ec ]; then algo=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else algo=(-newkey rsa:2048); fi
  openssl req -x509 "${algo[@]}" -nodes -days 30 -sha256 -subj "/CN=bench.example" \
    -addext "subjectAltName=DNS:bench.example" -addext "extendedKeyUsage=serverAuth" \
    -keyout "$work/certs/$key.key" -out "$work/certs/$key.crt" > "$work/logs/cert-$key.out" 2>&1
}

write_configs() { # key
  nginx_conf backend <<EOF
  server { listen 127.0.0.1:${port[backend]}; location / { default_type text/plain; return 200 "hello"; } }
EOF
  # nginx as an operator would terminate TLS: the same protocols as ClusterLb's default, HTTP/2 offered, the
  # session cache left at its default (none); keepalive to the backend as ClusterLb's pool has.
  nginx_conf nginx <<EOF
  upstream backend { server 127.0.0.1:${port[backend]}; keepalive 64; }
  server {
    listen 127.0.0.1:${port[nginx]} ssl http2;
    ssl_certificate $work/certs/$1.crt;
    ssl_certificate_key $work/certs/$1.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
EOF
}

wait_tls() { # port
  local deadline=$((SECONDS + 60))
  until [[ $(printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 openssl s_client -connect "127.0.0.1:$1" -quiet -ign_eof 2>/dev/null) == *hello* ]]; do
    [ $SECONDS -lt $deadline ] || { log "not answering through: $1"; exit 1; }
    sleep 0.3
  done
}

cpu_ticks() { # utime+stime of a process and its children
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

only() { # target: the measured target runs alone
  local o
  for o in "${targets[@]}"; do
    [ "$o" = "$1" ] || kill -STOP -- "-${pid[$o]}" 2>/dev/null || true
  done
  kill -CONT -- "-${pid[$1]}" 2>/dev/null || true
}

s_time_args() { # port
  local a=(-connect "127.0.0.1:$1" -new -www /)
  [ "$tls" = 1.2 ] && a+=(-tls1_2)
  [ "$tls" = 1.3 ] && a+=(-tls1_3)
  echo "${a[@]}"
}

clients() { # port, concurrency, seconds, output prefix: runs the clients in parallel, waits for all
  local i waiting=()
  for i in $(seq 1 "$2"); do
    # shellcheck disable=SC2046
    taskset -c 0 openssl s_time $(s_time_args "$1") -time "$3" > "$4.$i" 2>&1 &
    waiting+=($!)
  done
  wait "${waiting[@]}"   # the clients only: the servers are background jobs too
}

measure() { # key, round, target, concurrency
  local key=$1 r=$2 t=$3 c=$4 out="$work/results/$1-r$2-$3-c$4"
  only "$t"
  clients "${port[$t]}" "$c" "$warmup" "$out.warm"
  local t0 t1 hz start end
  t0=$(cpu_ticks "${pid[$t]}")
  start=$(date +%s.%N)
  clients "${port[$t]}" "$c" "$duration" "$out"
  end=$(date +%s.%N)
  t1=$(cpu_ticks "${pid[$t]}")
  hz=$(getconf CLK_TCK)
  # s_time: "N connections in T real seconds, B bytes read per connection"
  local n bytes rate cpu_us load
  n=$(cat "$out".[0-9]* | awk '/connections in [0-9.]+ real seconds/ { s += $1 } END { print s + 0 }')
  bytes=$(cat "$out".[0-9]* | awk '/real seconds/ { print $(NF - 4) }' | sort -u | tr '\n' ' ')
  rate=$(awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
  cpu_us=$(awk -v t=$((t1 - t0)) -v hz="$hz" -v n="$n" 'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "-" }')
  load=$(awk '{ print $1 }' /proc/loadavg)
  echo "$key $t $c $rate $cpu_us $load" >> "$work/results/all.txt"
  log "$key round $r c=$c $t: $n connections, $rate handshakes/s, ${cpu_us} us proxy CPU each, bytes/conn $bytes, load $load"
}

need_tools
log "building ClusterLb (Release)"
dotnet build -c Release "$repo/src/ClusterLb.Node" -nologo > "$work/logs/build.out" || { cat "$work/logs/build.out"; exit 1; }
clb_dll="$repo/src/ClusterLb.Node/bin/Release/net10.0/clusterlb.dll"
log "OpenSSL $(openssl version | awk '{print $2}'), nginx $(nginx -v 2>&1 | sed 's/.*\///'), $(nproc) cores, TLS $tls, work dir $work"

for key in "${keys[@]}"; do
  make_cert "$key"
  write_configs "$key"
  start backend "" nginx -c "$work/backend.conf" -p "$work/"
  start nginx 1 nginx -c "$work/nginx.conf" -p "$work/"
  # The runtime knob the container image sets (bench/proxy's cold-start table): tier up without the 100 ms delay.
  start clusterlb 1 env DOTNET_TC_CallCountingDelayMs=0 ${CLUSTERLB_ENV:-} CLB_BENCH_DATA="$work/clusterlb-data-$key" \
    CLB_BENCH_HTTP_PORT="${port[clusterlb-http]}" CLB_BENCH_HTTPS_PORT="${port[clusterlb]}" CLB_BENCH_ADMIN_PORT="${port[clusterlb-admin]}" \
    CLB_BENCH_CERT="$work/certs/$key.crt" CLB_BENCH_KEY="$work/certs/$key.key" CLB_BENCH_BACKEND="127.0.0.1:${port[backend]}" \
    dotnet "$clb_dll" run --config "$here/clusterlb.conf"
  wait_tls "${port[nginx]}"
  wait_tls "${port[clusterlb]}"
  # Same certificate on both, as presented.
  for t in "${targets[@]}"; do
    echo | openssl s_client -connect "127.0.0.1:${port[$t]}" 2>/dev/null | openssl x509 -noout -fingerprint -sha256 > "$work/results/$key-$t.fp"
  done
  cmp -s "$work/results/$key-nginx.fp" "$work/results/$key-clusterlb.fp" || { log "the targets present different certificates"; exit 1; }
  log "$key certificate: $(cat "$work/results/$key-nginx.fp"); $rounds rounds x {$concs} x {${targets[*]}}, ${warmup}s warm-up + ${duration}s each"
  # A first 10 s for each so the .NET target's first measurement is not its JIT warm-up.
  for t in "${targets[@]}"; do only "$t"; clients "${port[$t]}" 4 10 "$work/results/$key-prewarm-$t"; done
  for r in $(seq 1 "$rounds"); do
    order=("${targets[@]}")
    [ $((r % 2)) -eq 0 ] && order=(clusterlb nginx)
    for c in $concs; do
      for t in "${order[@]}"; do measure "$key" "$r" "$t" "$c"; done
    done
  done
  stop clusterlb; stop nginx; stop backend
done

{
  echo "TLS $tls, $rounds rounds, ${duration}s each, medians; new TLS connection per request (openssl s_time -new -www /)${CLUSTERLB_ENV:+; ClusterLb with $CLUSTERLB_ENV}"
  echo
  echo "| certificate | clients | nginx handshakes/s | ClusterLb handshakes/s | ClusterLb/nginx | nginx CPU us/conn | ClusterLb CPU us/conn | CPU ClusterLb/nginx | nginx core busy | ClusterLb core busy | load |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for key in "${keys[@]}"; do
    for c in $concs; do
      nr=$(awk -v k="$key" -v c="$c" '$1 == k && $2 == "nginx" && $3 == c { print $4 }' "$work/results/all.txt" | median)
      cr=$(awk -v k="$key" -v c="$c" '$1 == k && $2 == "clusterlb" && $3 == c { print $4 }' "$work/results/all.txt" | median)
      nu=$(awk -v k="$key" -v c="$c" '$1 == k && $2 == "nginx" && $3 == c { print $5 }' "$work/results/all.txt" | median)
      cu=$(awk -v k="$key" -v c="$c" '$1 == k && $2 == "clusterlb" && $3 == c { print $5 }' "$work/results/all.txt" | median)
      ld=$(awk -v k="$key" -v c="$c" '$1 == k && $3 == c { print $6 }' "$work/results/all.txt" | median)
      name=$([ "$key" = ec ] && echo "ECDSA P-256" || echo "RSA 2048")
      awk -v name="$name" -v c="$c" -v nr="$nr" -v cr="$cr" -v nu="$nu" -v cu="$cu" -v ld="$ld" 'BEGIN {
        printf "| %s | %s | %s | %s | %.2fx | %s | %s | %.2fx | %.0f %% | %.0f %% | %s |\n", name, c, nr, cr, (nr > 0 ? cr / nr : 0), nu, cu, (nu > 0 ? cu / nu : 0), nr * nu / 1e4, cr * cu / 1e4, ld }'
    done
  done
} | tee "$work/results/table.md"
log "raw results in $work/results"
