package rca

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
)

func TestAnalyzeCauses(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want string   // Causes[0].ID; "" for no cause
		also []string // further IDs that must be present
	}{
		{
			name: "disk full in a journald line",
			in: Input{Snapshot: process("postgresql", engine.BitNonExist), Logs: []string{
				`2026-11-24T07:55:01+0000 vm postgres[812]: 2026-11-24 07:55:01.123 UTC [812] ERROR:  could not extend file "base/16384/16397": No space left on device`,
			}},
			want: "disk_full", also: []string{"process_not_running"},
		},
		{
			name: "disk full from the figures alone",
			in:   Input{Snapshot: filesystem("data", 97.8), LogError: "no log source configured for data"},
			want: "disk_full", also: []string{"resource_limit"},
		},
		{
			name: "filesystem under the full threshold is only a resource limit",
			in:   Input{Snapshot: filesystem("data", 81)},
			want: "resource_limit",
		},
		{
			name: "connection refused in an nginx syslog line",
			in: Input{Snapshot: host("cloud", engine.BitConnection, engine.PortCheck{Hostname: "127.0.0.1", Port: 443, Protocol: "HTTP", Type: "TCP", ResponseSec: -1}), Logs: []string{
				`Nov 24 07:58:12 vm nginx[1234]: 2026/11/24 07:58:12 [error] 1234#1234: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 192.168.1.20, server: cloud.home.lan, request: "GET / HTTP/2.0", upstream: "http://127.0.0.1:8080/"`,
			}},
			want: "connection_refused", also: []string{"port_check_failed"},
		},
		{
			name: "permission denied in a grafana logfmt line",
			in: Input{Snapshot: process("grafana", engine.BitNonExist), Logs: []string{
				`2026-11-24T07:58:12+0000 vm grafana[2211]: logger=sqlstore t=2026-11-24T07:58:12Z level=error msg="failed to open database" error="open /var/lib/grafana/grafana.db: permission denied"`,
				`2026-11-24T07:58:12+0000 vm systemd[1]: grafana-server.service: Main process exited, code=exited, status=1/FAILURE`,
			}},
			want: "permission_denied", also: []string{"process_exited", "process_not_running"},
		},
		{
			name: "upstream timed out",
			in: Input{Snapshot: host("cloud", engine.BitConnection), Logs: []string{
				`Nov 24 07:58:12 vm nginx[1234]: 2026/11/24 07:58:12 [error] 1234#1234: *7 upstream timed out (110: Connection timed out) while reading response header from upstream`,
			}},
			want: "timeout",
		},
		{
			name: "OOM kill in kernel and systemd lines",
			in: Input{Snapshot: process("jellyfin", engine.BitNonExist), Logs: []string{
				`Nov 24 07:57:40 vm kernel: [123456.789012] Out of memory: Killed process 4321 (jellyfin) total-vm:8123456kB, anon-rss:6123456kB, file-rss:0kB, shmem-rss:0kB, UID:107 pgtables:14000kB oom_score_adj:0`,
				`Nov 24 07:57:40 vm systemd[1]: jellyfin.service: A process of this unit has been killed by the OOM killer.`,
				`Nov 24 07:57:41 vm systemd[1]: jellyfin.service: Failed with result 'oom-kill'.`,
			}},
			want: "oom_kill",
		},
		{
			name: "TLS verification failure from curl",
			in:   Input{Snapshot: program("check-api", 60, "curl: (60) SSL certificate problem: unable to get local issuer certificate")},
			want: "tls_failure", also: []string{"program_failed"},
		},
		{
			name: "DNS failure from a Go client",
			in: Input{Snapshot: process("gitea", engine.BitConnection), Logs: []string{
				`2026-11-24T07:58:12+0000 vm gitea[998]: 2026/11/24 07:58:12 ...s/db/engine.go:88:SyncAllTables() [E] dial tcp: lookup db.home.lan on 127.0.0.53:53: server misbehaving`,
			}},
			want: "dns_failure",
		},
		{
			name: "DNS failure from curl output",
			in:   Input{Snapshot: program("ddns-update", 6, "curl: (6) Could not resolve host: api.cloudflare.com")},
			want: "dns_failure",
		},
		{
			name: "expired certificate beats the TLS failure it causes",
			in: Input{Snapshot: host("registry", engine.BitConnection), Logs: []string{
				`2026-11-24T07:58:12+0000 vm dockerd[700]: Error response from daemon: Get "https://registry.home.lan/v2/": x509: certificate has expired or is not yet valid: current time 2026-11-24T07:58:12Z is after 2026-11-20T23:59:59Z`,
			}},
			want: "cert_expired", also: []string{"tls_failure"},
		},
		{
			name: "expired certificate from Monit's figures",
			in: Input{Snapshot: host("cloud-https", engine.BitConnection,
				engine.PortCheck{Hostname: "cloud.home.lan", Port: 443, Protocol: "HTTP", Type: "TCP", ResponseSec: -1, CertDays: ptr(-3)})},
			want: "cert_expired", also: []string{"port_check_failed"},
		},
		{
			name: "segfault",
			in: Input{Snapshot: process("mosquitto", engine.BitNonExist), Logs: []string{
				`Nov 24 07:58:01 vm kernel: [98765.432100] mosquitto[991]: segfault at 0 ip 000055d0c0a1b2c3 sp 00007ffd2b3c4d50 error 4 in mosquitto[55d0c0a00000+2d000]`,
				`Nov 24 07:58:01 vm systemd[1]: mosquitto.service: Main process exited, code=dumped, status=11/SEGV`,
			}},
			want: "process_crashed", also: []string{"process_not_running"},
		},
		{
			name: "process missing without logs",
			in:   Input{Snapshot: process("sleeper", engine.BitNonExist), LogError: "no log source configured for sleeper"},
			want: "process_not_running",
		},
		{
			name: "borg backup exits non-zero",
			in: Input{Snapshot: program("borg-backup", 2, "Failed to create/acquire the lock /srv/borg/host/lock.exclusive (timeout)."), Logs: []string{
				`2026-11-24 03:00:01 borg-backup: starting backup of /home`,
				`2026-11-24 03:00:11 borg-backup: Failed to create/acquire the lock /srv/borg/host/lock.exclusive (timeout).`,
				`2026-11-24 03:00:11 borg-backup: backup failed with exit code 2`,
			}},
			want: "backup_failed", also: []string{"process_exited", "program_failed"},
		},
		{
			name: "backup that ran out of space names the space",
			in:   Input{Snapshot: program("restic-backup", 1, "Fatal: unable to save snapshot: write /mnt/nas/restic/data/3f/3f9a: no space left on device")},
			want: "disk_full", also: []string{"backup_failed"},
		},
		{
			name: "openvpn reconnect loop",
			in: Input{Snapshot: host("vpn-gw", engine.BitIcmp), Logs: []string{
				`2026-11-24T07:50:01+0000 vm openvpn[1500]: [home] Inactivity timeout (--ping-restart), restarting`,
				`2026-11-24T07:50:01+0000 vm openvpn[1500]: SIGUSR1[soft,ping-restart] received, process restarting`,
				`2026-11-24T07:50:06+0000 vm openvpn[1500]: Initialization Sequence Completed`,
				`2026-11-24T07:52:07+0000 vm openvpn[1500]: [home] Inactivity timeout (--ping-restart), restarting`,
				`2026-11-24T07:52:07+0000 vm openvpn[1500]: SIGUSR1[soft,ping-restart] received, process restarting`,
			}},
			want: "vpn_reconnect_loop", also: []string{"network_unreachable"},
		},
		{
			name: "two VPN restarts are not a loop",
			in: Input{Snapshot: host("vpn-gw", engine.BitIcmp), Logs: []string{
				`2026-11-24T07:50:01+0000 vm openvpn[1500]: SIGUSR1[soft,ping-restart] received, process restarting`,
				`2026-11-24T07:52:07+0000 vm openvpn[1500]: SIGUSR1[soft,ping-restart] received, process restarting`,
			}},
			want: "network_unreachable",
		},
		{
			name: "wireguard handshakes that never complete",
			in: Input{Snapshot: host("wg-peer", engine.BitIcmp), Logs: []string{
				`Nov 24 07:50:01 vm kernel: wireguard: wg0: Handshake for peer 1 (203.0.113.7:51820) did not complete after 5 seconds, retrying (try 2)`,
				`Nov 24 07:50:06 vm kernel: wireguard: wg0: Handshake for peer 1 (203.0.113.7:51820) did not complete after 5 seconds, retrying (try 3)`,
				`Nov 24 07:50:11 vm kernel: wireguard: wg0: Handshake for peer 1 (203.0.113.7:51820) did not complete after 5 seconds, retrying (try 4)`,
			}},
			want: "vpn_reconnect_loop",
		},
		{
			name: "zfs snapshot already exists",
			in:   Input{Snapshot: program("zfs-snapshot", 1, "cannot create snapshot 'tank/vm@autosnap_2026-11-24_07:00:01_hourly': dataset already exists")},
			want: "zfs_error", also: []string{"program_failed"},
		},
		{
			name: "sanoid critical error",
			in: Input{Snapshot: program("sanoid", 2, ""), Logs: []string{
				`Nov 24 07:00:02 vm sanoid[3001]: CRITICAL ERROR: /sbin/zfs snapshot tank/vm@autosnap_2026-11-24_07:00:01_hourly failed, 256 at /usr/sbin/sanoid line 648.`,
			}},
			want: "zfs_error",
		},
		{
			name: "postgres password authentication",
			in: Input{Snapshot: program("nextcloud-cron", 1, ""), Logs: []string{
				`2026-11-24T07:58:12+0000 vm postgres[812]: 2026-11-24 07:58:12.001 UTC [5511] FATAL:  password authentication failed for user "nextcloud"`,
			}},
			want: "auth_failure",
		},
		{
			name: "ssh publickey refusal is authentication, not file permissions",
			in:   Input{Snapshot: program("rsync-offsite", 255, "user@backup.example.org: Permission denied (publickey)."), Logs: nil},
			want: "auth_failure", also: []string{"permission_denied", "backup_failed"},
		},
		{
			name: "flapping from Monit's restart limit",
			in: Input{Snapshot: process("php-fpm", engine.BitTimeout), Logs: []string{
				`Nov 24 07:58:12 vm monit[600]: 'php-fpm' service restarted 3 times within 3 cycles(s) - alert`,
			}},
			want: "flapping", also: []string{},
		},
		{
			name: "flapping from systemd's start limit",
			in: Input{Snapshot: process("php-fpm", engine.BitNonExist), Logs: []string{
				`2026-11-24T07:58:12+0000 vm systemd[1]: php8.2-fpm.service: Start request repeated too quickly.`,
				`2026-11-24T07:58:12+0000 vm systemd[1]: php8.2-fpm.service: Failed with result 'exit-code'.`,
			}},
			want: "flapping", also: []string{"process_exited"},
		},
		{
			name: "flapping from the events",
			in: Input{Snapshot: process("php-fpm", engine.BitNonExist), Events: []engine.Event{
				{At: at, Kind: engine.StateNew}, {At: at.Add(-10 * time.Minute), Kind: engine.StateRecovered},
				{At: at.Add(-15 * time.Minute), Kind: engine.StateNew}, {At: at.Add(-20 * time.Minute), Kind: engine.StateRecovered},
				{At: at.Add(-50 * time.Minute), Kind: engine.StateNew}, {At: at.Add(-3 * time.Hour), Kind: engine.StateNew},
			}},
			want: "flapping", also: []string{"process_not_running"},
		},
		{
			name: "two failures in an hour are not flapping",
			in: Input{Snapshot: process("php-fpm", engine.BitNonExist), Events: []engine.Event{
				{At: at, Kind: engine.StateNew}, {At: at.Add(-15 * time.Minute), Kind: engine.StateNew},
				{At: at.Add(-2 * time.Hour), Kind: engine.StateNew},
			}},
			want: "process_not_running",
		},
		{
			name: "finished planned upgrade",
			in: Input{Snapshot: process("nginx", engine.BitNonExist), Logs: []string{
				`2026-11-24T07:58:40+0000 vm unattended-upgrade[2101]: Packages that will be upgraded: nginx nginx-common`,
				`2026-11-24T07:58:50+0000 vm systemd[1]: Stopping nginx.service - A high performance web server and a reverse proxy server...`,
				`2026-11-24T07:58:51+0000 vm systemd[1]: nginx.service: Deactivated successfully.`,
				`2026-11-24T07:58:58+0000 vm systemd[1]: Started nginx.service - A high performance web server and a reverse proxy server.`,
			}},
			want: "planned_restart", also: []string{"process_not_running"},
		},
		{
			name: "an upgrade that never finished is not explained as planned",
			in: Input{Snapshot: process("nginx", engine.BitNonExist), Logs: []string{
				`2026-11-24T07:58:40+0000 vm unattended-upgrade[2101]: Packages that will be upgraded: nginx nginx-common`,
				`2026-11-24T07:58:50+0000 vm systemd[1]: Stopping nginx.service - A high performance web server and a reverse proxy server...`,
			}},
			want: "process_not_running",
		},
		{
			name: "no route to host",
			in: Input{Snapshot: host("nas", engine.BitConnection), Logs: []string{
				`Nov 24 07:58:12 vm rpc.mountd[720]: connect to 192.168.1.50 port 2049: No route to host`,
			}},
			want: "network_unreachable",
		},
		{
			name: "link down",
			in:   Input{Snapshot: engine.Snapshot{Name: "eth0", Type: engine.TypeNet, Status: engine.BitLink, Monitor: 1, Net: &engine.NetFigures{LinkState: new(0)}}},
			want: "link_down",
		},
		{
			name: "stale backup marker",
			in:   Input{Snapshot: file("backup-stamp", engine.BitTimestamp)},
			want: "stale_file",
		},
		{
			name: "missing file",
			in:   Input{Snapshot: engine.Snapshot{Name: "missing", Type: engine.TypeFile, Status: engine.BitNonExist, Monitor: 1}},
			want: "path_missing",
		},
		{
			name: "port without answer and no logs",
			in:   Input{Snapshot: host("localhost-closed", engine.BitConnection, engine.PortCheck{Hostname: "127.0.0.1", Port: 65000, Protocol: "HTTP", Type: "TCP", ResponseSec: -1})},
			want: "port_check_failed",
		},
		{
			name: "permission bit on a file",
			in:   Input{Snapshot: file("secrets", engine.BitPermission)},
			want: "permission_denied",
		},
		{
			name: "check program failing with no recognisable output",
			in:   Input{Snapshot: program("failing", 1, "check failed: something is wrong <]]&gt; & friends")},
			want: "program_failed",
		},
		{
			name: "python traceback is an uncaught exception",
			in:   Input{Snapshot: program("sync-photos", 1, "Traceback (most recent call last):\n  File \"/opt/sync/sync.py\", line 88, in <module>\nKeyError: 'album'")},
			want: "uncaught_exception", also: []string{"program_failed"},
		},
		{
			name: "a wrong password explains the exception it raises",
			in:   Input{Snapshot: program("nextcloud-cron", 1, `An unhandled exception has been thrown: Doctrine\DBAL\Exception: FATAL:  password authentication failed for user "nextcloud"`)},
			want: "auth_failure", also: []string{"uncaught_exception"},
		},
		{
			name: "checksum change has no known cause",
			in:   Input{Snapshot: file("watched", engine.BitChecksum), Logs: []string{"Nov 24 07:58:12 vm sshd[700]: Accepted publickey for admin from 192.168.1.20 port 51234 ssh2"}},
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Analyze(tt.in)
			ids := causeIDs(f)
			got := ""
			if len(ids) > 0 {
				got = ids[0]
			}
			if got != tt.want {
				t.Errorf("Analyze() probable cause = %q (all: %v), want %q", got, ids, tt.want)
			}
			for _, id := range tt.also {
				if !slices.Contains(ids, id) {
					t.Errorf("Analyze() causes = %v, want %q among them", ids, id)
				}
			}
			for _, c := range f.Causes {
				if len(c.Evidence) == 0 || c.Title == "" {
					t.Errorf("cause %s has title %q and evidence %q, want both", c.ID, c.Title, c.Evidence)
				}
			}
		})
	}
}

func TestAnalyzeEvidenceQuotesNewestLines(t *testing.T) {
	var logs []string
	for i := range 6 {
		logs = append(logs, "Nov 24 07:58:1"+string(rune('0'+i))+" vm app[1]: connect() failed (111: Connection refused)")
	}
	f := Analyze(Input{Snapshot: process("app", engine.BitConnection), Logs: logs})
	if len(f.Causes) == 0 {
		t.Fatalf("Analyze() found no cause")
	}
	want := logs[3:]
	if got := f.Causes[0].Evidence; !slices.Equal(got, want) {
		t.Errorf("Analyze() evidence = %q, want %q", got, want)
	}
}

func TestAnalyzeErrorLines(t *testing.T) {
	logs := []string{
		"Nov 24 07:58:10 vm app[1]: started",
		"Nov 24 07:58:11 vm app[1]: ERROR: cannot open socket",
		"Nov 24 07:58:12 vm app[1]: sync done, 0 errors",
		"Nov 24 07:58:13 vm app[1]: request timed out\x1b[31m",
		"Nov 24 07:58:14 vm app[1]: all good",
	}
	f := Analyze(Input{Snapshot: process("app", engine.BitNonExist), Logs: logs})
	want := []string{"Nov 24 07:58:11 vm app[1]: ERROR: cannot open socket", "Nov 24 07:58:13 vm app[1]: request timed out[31m"}
	if !slices.Equal(f.ErrorLines, want) {
		t.Errorf("Analyze() ErrorLines = %q, want %q", f.ErrorLines, want)
	}

	many := make([]string, 100)
	for i := range many {
		many[i] = "error " + strings.Repeat("x", i)
	}
	f = Analyze(Input{Snapshot: process("app", engine.BitNonExist), Logs: many})
	if len(f.ErrorLines) != maxErrorLines || f.ErrorLines[maxErrorLines-1] != many[99] || f.ErrorLines[0] != many[100-maxErrorLines] {
		t.Errorf("Analyze() kept %d error lines from %q to %q, want the newest %d in order",
			len(f.ErrorLines), f.ErrorLines[0], f.ErrorLines[len(f.ErrorLines)-1], maxErrorLines)
	}
}

func TestAnalyzeProgramAndSummary(t *testing.T) {
	f := Analyze(Input{Snapshot: program("failing", 1, "check failed\x07: something is wrong"), LogError: "no log source configured for failing"})
	if f.ExitStatus == nil || *f.ExitStatus != 1 {
		t.Errorf("Analyze() ExitStatus = %v, want 1", f.ExitStatus)
	}
	if f.Output != "check failed: something is wrong" {
		t.Errorf("Analyze() Output = %q, want the output without the bell", f.Output)
	}
	for _, want := range []string{"failing (program): Status failed.", "Exit status 1.", "[program_failed]", "Logs unavailable: no log source configured for failing."} {
		if !strings.Contains(f.Summary, want) {
			t.Errorf("Analyze() Summary = %q, want it to contain %q", f.Summary, want)
		}
	}
}

func BenchmarkAnalyze(b *testing.B) {
	for _, n := range []int{100, 2000} {
		in := Input{Snapshot: process("nginx", engine.BitConnection), Logs: logLines(n)}
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Analyze(in)
			}
		})
	}
}
