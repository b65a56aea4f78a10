#!/usr/bin/env bash
# Rebuilds testdata/demo/timeline from a real Monit: a day on a home server.
#
# It writes a monitrc whose program checks are small scripts that print and exit what a cue
# file says, starts `monit -I -c` on a free loopback port (set daemon 1), and for every step
# of the story below sets the cues, waits for Monit to run the checks again and saves
# /_status?format=xml as timeline/NNN.xml. timeline/timeline.yaml lists the steps with the
# time each one stands for: the history ends at END, and the live steps follow it 30 s apart
# (the replay loops them). The demo's logs (testdata/demo/logs) are written against the same
# END. Nothing here needs the network; Monit pings 127.0.0.1 only.
#
# Usage: bash testdata/demo/capture.sh   (needs monit and curl; about 2 minutes)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out="$here/timeline"
END=2026-11-30T12:00:00Z
PORT=${PORT:-28712}
PASS=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
work=$(mktemp -d /tmp/monit-demo-XXXXXX)
trap 'cleanup' EXIT

cleanup() {
	[ -f "$work/monit.pid" ] && kill "$(cat "$work/monit.pid")" 2>/dev/null || true
	sleep 1
	for p in "$work"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
	rm -rf "$work"
}

programs=(system_backup nordvpn_reconnect nordvpn_status gamma_conn network_resurrect zfs_sanoid)
daemons=(nordvpnd sshd smbd)
mkdir -p "$work/cues"

# cue SERVICE EXIT OUTPUT: from the next capture on, SERVICE's check exits EXIT printing OUTPUT.
cue() { printf '%s\n' "$2" >"$work/cues/$1.code"; printf '%s\n' "$3" >"$work/cues/$1.out"; }

ok_output() {
	case $1 in
	system_backup) echo "backup of /data/tank/backups/sys_restore complete" ;;
	nordvpn_reconnect) echo "nordvpn: connected, nothing to do" ;;
	nordvpn_status) echo "Status: Connected" ;;
	gamma_conn) echo "gamma: 10.0.0.12:5432 reachable" ;;
	network_resurrect) echo "network_resurrect: enp3s0 up" ;;
	zfs_sanoid) echo "sanoid: snapshots taken and pruned" ;;
	esac
}

write_monitrc() {
	{
		echo "set daemon 1"
		echo "set logfile $work/monit.log"
		echo "set pidfile $work/monit.pid"
		echo "set idfile $work/monit.id"
		echo "set statefile $work/monit.state"
		echo "set httpd port $PORT use address 127.0.0.1"
		echo "    allow admin:\"$PASS\""
		echo "check system homelab"
		echo "    if memory usage > 97% then alert" # not load: the capturing machine may be busy
		echo "check filesystem rootfs with path /"
		echo "    if space usage > 90% then alert"
		echo "check filesystem tank with path /dev/shm" # a mount point found on any Linux
		echo "    if space usage > 95% then alert"
		for d in "${daemons[@]}"; do
			printf '#!/bin/sh\nnohup sleep 1000000 >/dev/null 2>&1 &\necho $! > %s/%s.pid\n' "$work" "$d" >"$work/$d-start"
			chmod +x "$work/$d-start"
			echo "check process $d with pidfile $work/$d.pid"
			echo "    start program = \"$work/$d-start\""
		done
		for p in "${programs[@]}"; do
			printf '#!/bin/sh\ncat %s/cues/%s.out\nexit "$(cat %s/cues/%s.code)"\n' "$work" "$p" "$work" "$p" >"$work/$p"
			chmod +x "$work/$p"
			echo "check program $p with path $work/$p"
			echo "    if status != 0 then alert"
			echo "    if content = \"No space left\" then alert"
		done
		echo "check file backup_archive with path $work/sys_restore.tar"
		echo "    if does not exist then alert"
		echo "    if size < 1 MB then alert"
		echo "check host alpha with address 127.0.0.1"
		echo "    if failed ping then alert"
	} >"$work/monitrc"
	chmod 600 "$work/monitrc"
}

# story MINUTES: set the cues of the step MINUTES after END (negative: history).
story() {
	case $1 in
	-1440)
		for p in "${programs[@]}"; do cue "$p" 0 "$(ok_output "$p")"; done
		truncate -s 2G "$work/sys_restore.tar" # sparse: the size is all Monit reads
		;;
	-960) cue nordvpn_reconnect 1 "reconnect: nordvpn connect failed: Whoops! Cannot reach System Daemon." ;;
	-900) cue nordvpn_reconnect 0 "$(ok_output nordvpn_reconnect)" ;;
	-720) cue gamma_conn 2 "gamma: connect to 10.0.0.12:5432: Connection refused" ;;
	-600)
		cue system_backup 23 "rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338)"
		truncate -s 300K "$work/sys_restore.tar" # the archive the failed run left behind
		;;
	-420 | -360 | -300) cue nordvpn_status 1 "Status: Disconnected" ;;
	-390 | -330 | -270) cue nordvpn_status 0 "$(ok_output nordvpn_status)" ;;
	-240)
		cue system_backup 1 "ERROR: backup of /data/tank/backups/sys_restore failed: No space left on device"
		rm -f "$work/sys_restore.tar" # the retry removed the partial archive, then failed
		;;
	-180)
		cue network_resurrect 1 "network_resurrect: enp3s0 down; restart networking.service: Job for networking.service failed"
		monit -c "$work/monitrc" unmonitor smbd # maintenance: Monit stops watching smbd
		;;
	-120)
		cue network_resurrect 0 "$(ok_output network_resurrect)"
		monit -c "$work/monitrc" monitor smbd
		;;
	live1) cue zfs_sanoid 1 "sanoid: cannot destroy snapshot tank/data@autosnap_hourly: dataset is busy" ;;
	live2) cue nordvpn_status 1 "Status: Disconnected" ;;
	live3)
		cue zfs_sanoid 0 "$(ok_output zfs_sanoid)"
		cue nordvpn_status 0 "$(ok_output nordvpn_status)"
		;;
	esac
}

capture() { # capture FILE
	sleep 3.5 # Monit starts a program in one cycle and reads its exit status in the next
	curl -sf -u "admin:$PASS" "http://127.0.0.1:$PORT/_status?format=xml" >"$1"
}

at_minutes() { date -u -d "$END $1 minutes" +%Y-%m-%dT%H:%M:%SZ; }
at_seconds() { date -u -d "$END $1 seconds" +%Y-%m-%dT%H:%M:%SZ; }

story -1440
write_monitrc
monit -t -c "$work/monitrc" >/dev/null
monit -I -c "$work/monitrc" >"$work/monit.out" 2>&1 &
sleep 3

rm -rf "$out"
mkdir -p "$out"
manifest="$out/timeline.yaml"
{
	echo "# Written by testdata/demo/capture.sh from $(monit -V | head -1 | sed "s/^This is //")."
	echo "# history: steps before and at end; live: steps the replay loops after end, one per cycle."
	echo "end: $END"
	echo "history:"
} >"$manifest"
n=0
history=$(seq -1440 60 0; echo -390 -330 -270)
for m in $(echo "$history" | tr ' ' '\n' | sort -n); do
	n=$((n + 1))
	f=$(printf '%03d.xml' "$n")
	story "$m"
	capture "$out/$f"
	echo "  - {at: $(at_minutes "$m"), file: $f}" >>"$manifest"
done
echo "live:" >>"$manifest"
for i in 1 2 3 4; do
	n=$((n + 1))
	f=$(printf '%03d.xml' "$n")
	story "live$i"
	capture "$out/$f"
	echo "  - {at: $(at_seconds $((i * 30))), file: $f}" >>"$manifest"
done
echo "captured $n steps into $out"
