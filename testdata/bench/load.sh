#!/usr/bin/env bash
# Load run for BENCHMARKS.md: builds monit-intel, serves a 50-service status document captured
# from a real Monit, and measures /status and /health with wrk (Debian's `wrk`), first paced
# at ~1,000 requests/s, then flat out, plus the daemon's resident memory at rest and under load.
# Usage: bash testdata/bench/load.sh [SERVICES]   (run from the repository root)
set -euo pipefail
n=${1:-50}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/monit-intel" .
python3 - "$n" "$work/status.xml" <<'PY'
import re, sys
n, out = int(sys.argv[1]), sys.argv[2]
raw = open("testdata/monit/all-types.xml", encoding="latin-1").read()
services = re.findall(r'<service type="\d">.*?</service>', raw)
head = raw[:raw.index(services[0])]
body = "".join(re.sub(r"<name>[^<]*</name>", "<name>svc%04d</name>" % i, services[i % len(services)]) for i in range(n))
open(out, "w", encoding="latin-1").write(head + body + "</monit>")
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/config.yaml" <<EOF2
monit: {url: $work/status.xml, interval: 5m}
data_dir: $work/data
listen: 127.0.0.1:$port
EOF2
"$work/monit-intel" serve --config "$work/config.yaml" 2>"$work/daemon.log" &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
rss() { awk '/VmRSS/{print $2/1024 " MB"}' "/proc/$pid/status"; }
echo "services: $n   go: $(go version | cut -d' ' -f3)   cpu: $(nproc) cores"
echo "RSS at rest: $(rss)"
for path in /status /health; do
  echo "== $path paced (~1,000 req/s: 10 connections, 10 ms apart)"
  wrk -t2 -c10 -d20s --latency -s testdata/bench/pace.lua "http://127.0.0.1:$port$path" | grep -E "Latency|50%|90%|99%|Requests/sec"
  echo "RSS under load: $(rss)"
  echo "== $path flat out (2 threads, 50 connections)"
  wrk -t2 -c50 -d20s --latency "http://127.0.0.1:$port$path" | grep -E "Latency|50%|90%|99%|Requests/sec"
  echo "RSS under load: $(rss)"
done
