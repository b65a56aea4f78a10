package rca

// rule recognises one cause from text lines (the program's output and the logs) and/or from
// the snapshot's figures and the service's events.
type rule struct {
	id, title string
	// line matches a text line that shows the cause; nil for rules on figures only.
	line *matcher
	// minLines is how many matching lines the cause needs (a reconnect loop needs several).
	minLines int
	// after, when set, must match a line after the first line match (a restart that finished).
	after *matcher
	// figures returns evidence from the snapshot and events; nil when they show nothing.
	figures func(in Input) []string
	// needFigures makes the figures necessary: matching lines alone do not name the cause,
	// they only add evidence.
	needFigures bool
}

// maxLineEvidence is how many matching lines a cause quotes (the newest ones).
const maxLineEvidence = 3

// rules is the recognition table, most specific cause first: when several match, the first
// is the probable cause and the others are listed as also seen. Patterns are lower case and
// run against lower-cased lines. The order encodes judgement: a cause that explains others
// comes before them (an OOM kill explains a crash and a refused connection; a full disk or a
// wrong password explains the exception a program died on; a finished planned restart
// explains transient refusals and timeouts; a reconnect loop explains its timeouts), and the
// causes read off figures alone, which only restate Monit's verdict, come last. The table is
// read-only.
var rules = []rule{
	{id: "oom_kill", title: "Killed for lack of memory (OOM)", line: re(
		`out of memory|oom[-_ ]?kill|invoked oom-killer|killed by the oom killer|oom_reaper|` +
			`cannot allocate memory|\benomem\b|outofmemoryerror|\bmemoryerror\b|allocation failed - javascript heap`)},
	{id: "disk_full", title: "Disk or filesystem full", line: re(
		`no space left on device|\benospc\b|disk quota exceeded|\bedquot\b|file ?system (is )?full|` +
			`disk (is )?full|out of disk space|not enough (free )?(disk )?space|could not extend file`),
		figures: diskFigures},
	{id: "cert_expired", title: "TLS certificate expired or about to expire", line: re(
		`certificate (has )?expired|certificate is expired|expired certificate|cert_has_expired|` +
			`certificate has expired or is not yet valid|alert certificate expired`),
		figures: certFigures},
	{id: "process_crashed", title: "Process crashed (segfault, abort or core dump)", line: re(
		`segfault at|segmentation fault|\bsig(segv|abrt|bus|ill)\b|core dumped|dumped core|code=dumped|` +
			`status=(11/segv|6/abrt|7/bus|4/ill)|general protection fault|result 'core-dump'`)},
	{id: "zfs_error", title: "ZFS command or pool error", line: re(
		`\b(zfs|zpool|sanoid|syncoid|zfs-auto-snap\w*|zed)\b.*\b(cannot|error|fail\w*|critical|degraded|faulted|unavail|suspended)\b|` +
			`cannot (create|destroy|rename|send|receive) snapshot|dataset (is busy|already exists|does not exist)|` +
			`pool i/o is currently suspended|one or more devices (is|are) (faulted|degraded)`)},
	{id: "vpn_reconnect_loop", title: "VPN tunnel in a reconnect loop", minLines: 3, line: re(
		`sigusr1\[soft,[^\]]*\] received, process restarting|inactivity timeout \(--ping-restart\)|` +
			`connection reset, restarting|restart pause, \d+ second|tls key negotiation failed to occur|` +
			`handshake for peer \d+ .*did not complete after|retrying handshake|` +
			`giving up after \d+ retransmits|establishing child_sa .* failed|tunnel (is )?(down|reconnecting)`)},
	{id: "dns_failure", title: "DNS name resolution failed", line: re(
		`temporary failure in name resolution|name or service not known|no such host|` +
			`could ?n[o']t resolve|unknown host|\bnxdomain\b|\bservfail\b|getaddrinfo|eai_again|` +
			`name resolution (failed|error)|host not found|lookup \S+ on \S+: |` +
			`non-recoverable failure in name resolution|dns (lookup|resolution|query) (failed|error|timed out)`)},
	{id: "tls_failure", title: "TLS handshake or certificate verification failed", line: re(
		`certificate verify failed|\bx509: |ssl routines|\bssl_error|tls handshake (error|failed|timeout)|` +
			`handshake failure|sslv3 alert|\btls: |unknown ca\b|self[- ]signed certificate|` +
			`signed by unknown authority|unable to get local issuer certificate|ssl handshake failed|` +
			`bad certificate|certificate is not valid for|hostname mismatch|wrong version number`)},
	{id: "auth_failure", title: "Authentication failed", line: re(
		`authentication fail\w*|auth(entication)? error|password authentication failed|` +
			`access denied for user|invalid (user|username|password|credentials|api key|token)\b|` +
			`login (failed|incorrect)|\b401 unauthori[sz]ed|\bunauthori[sz]ed\b|auth_failed|` +
			`bad password|wrong password|permission denied \(publickey|failed password for|` +
			`nt_status_logon_failure|\bnoauth\b|\bwrongpass\b|authentication credentials invalid`)},
	{id: "permission_denied", title: "Permission denied", line: re(
		`permission denied|\beacces\b|operation not permitted|\beperm\b|access is denied|access denied`),
		figures: permissionFigures},
	{id: "planned_restart", title: "Planned restart or upgrade (not a fault)", line: re(
		`on user request|unattended-upgrade|\bdpkg\b|\bapt(-get)?\b.*\b(install|upgrade)|` +
			`packages? that will be upgraded|needrestart|systemctl (restart|reload|stop)\b|` +
			`reloading (configuration|daemon)|\blogrotate\b|maintenance (mode|window)`),
		after: re(`\bstarted\b|(re)?start action done|ready to accept connections|startup complete|listening on`)},
	{id: "flapping", title: "Service flapping (restarting again and again)", line: re(
		`restarted \d+ times within \d+ cycle|start request repeated too quickly|` +
			`restart counter is at ([3-9]|[1-9]\d+)\b|start-limit-hit|respawning too fast|too many restarts`),
		figures: flappingFigures},
	{id: "connection_refused", title: "Connection refused (nothing listening)", line: re(
		`connection refused|\beconnrefused\b|\(111: |errno 111|actively refused|` +
			`can't connect to (local )?mysql server`)},
	{id: "network_unreachable", title: "Host or network unreachable", line: re(
		`no route to host|network is unreachable|\behostunreach\b|\benetunreach\b|host is down|host unreachable`),
		figures: icmpFigures},
	{id: "timeout", title: "Operation timed out", line: re(
		`timed out|\betimedout\b|deadline exceeded|i/o timeout|timeout (expired|exceeded|reached|occurred|while|waiting)|` +
			`(connection|read|write|operation|request|handshake|response|gateway) time-?out|timeout after`)},
	{id: "uncaught_exception", title: "Program died on an uncaught exception or panic", line: re(
		`\bpanic:|fatal error:|traceback \(most recent call last\)|terminate called after throwing|` +
			`unhandled exception|uncaught exception|exception in thread "main"`)},
	{id: "link_down", title: "Network link down", figures: linkFigures},
	{id: "backup_failed", title: "Backup job failed (non-zero exit)", needFigures: true, line: re(
		`\b(borg|restic|rsync|duplicity|rclone|rsnapshot|kopia|pgbackrest)\b.*\b(error|fatal|fail\w*)\b|` +
			`^(output: )?fatal:|rsync error:|backup (failed|aborted)|repository .*(does not exist|locked)|` +
			`is there a repository at`),
		figures: backupFigures},
	{id: "process_exited", title: "Process exited with an error status", line: re(
		`main process exited, code=exited, status=[1-9]|failed with result 'exit-code'|` +
			`exited with (status|code|exit code) [1-9]|exit status [1-9]|exit code [1-9]`)},
	{id: "resource_limit", title: "Resource limit matched (CPU, memory, load or usage)", figures: resourceFigures},
	{id: "program_failed", title: "Check program reported failure (non-zero exit)", figures: programFigures},
	{id: "stale_file", title: "File or directory not updated in time", figures: staleFigures},
	{id: "path_missing", title: "Checked path, mount or program missing", figures: missingPathFigures},
	{id: "port_check_failed", title: "Port or protocol test failed", figures: portFigures},
	{id: "process_not_running", title: "Process not running", line: re(`'[^']+' process is not running`),
		figures: notRunningFigures},
}

// matchCauses applies the rules in order to the lines.
func matchCauses(in Input, lines []string) []Cause {
	low := make([]string, len(lines))
	for i, l := range lines {
		low[i] = lowerLine(l)
	}
	var out []Cause
	for i := range rules {
		if c, ok := rules[i].match(in, lines, low); ok {
			out = append(out, c)
		}
	}
	return out
}

// match applies one rule.
func (r *rule) match(in Input, lines, low []string) (Cause, bool) {
	var ev []string
	if r.figures != nil {
		ev = r.figures(in)
	}
	if r.needFigures && len(ev) == 0 {
		return Cause{}, false
	}
	quoted, ok := r.matchLines(lines, low)
	if !ok && len(ev) == 0 {
		return Cause{}, false
	}
	return Cause{ID: r.id, Title: r.title, Evidence: append(ev, quoted...)}, true
}

// matchLines returns the newest matching lines (oldest first) and whether they are enough;
// low holds the lines lower-cased.
func (r *rule) matchLines(lines, low []string) ([]string, bool) {
	if r.line == nil {
		return nil, false
	}
	first, count := -1, 0
	var newest []int
	for i, l := range low {
		if !r.line.match(l) {
			continue
		}
		if first < 0 {
			first = i
		}
		count++
		newest = append(newest, i)
		if len(newest) > maxLineEvidence {
			newest = newest[1:]
		}
	}
	if count == 0 || count < r.minLines {
		return nil, false
	}
	if r.after != nil {
		done := -1
		for i := len(lines) - 1; i > first && done < 0; i-- {
			if r.after.match(low[i]) {
				done = i
			}
		}
		if done < 0 {
			return nil, false
		}
		if newest[len(newest)-1] < done {
			newest = append(newest[max(0, len(newest)-maxLineEvidence+1):], done)
		}
	}
	out := make([]string, 0, len(newest))
	for _, i := range newest {
		out = append(out, sanitize(lines[i], "", maxLineRunes))
	}
	return out, true
}
