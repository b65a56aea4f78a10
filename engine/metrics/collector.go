package metrics

import (
	"slices"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"monit-intel/engine"
)

// Board is the daemon's in-memory view of the latest cycle (engine.Board).
type Board interface {
	Services() []engine.Classified
	LastCycle() engine.CycleInfo
}

// States are the classifications exported by monit_intel_service_state, one series each per
// service (a state set: the current one is 1, the others 0). A current state missing from the
// list (one a newer engine adds) is exported as 1 all the same.
var States = []engine.State{engine.StateOK, engine.StateNew, engine.StateOngoing, engine.StateChanged,
	engine.StateRecovered, engine.StateUnmonitored, engine.StateInitializing}

// serviceLabels name a service across hosts.
var serviceLabels = []string{"host", "service"}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("monit_intel_"+name, help, append(append([]string(nil), serviceLabels...), labels...), nil)
}

// serviceCollector reads the board at each scrape: nothing is copied, so a service gone
// from Monit's status is gone from /metrics.
type serviceCollector struct {
	board Board

	info, state, failing, status, statusEvent, since, failures, collected *prometheus.Desc

	procCPU, procMem, procMemRatio, procUptime, procThreads     *prometheus.Desc
	sysLoad, sysCPU, sysMem, sysMemRatio, sysSwap, sysSwapRatio *prometheus.Desc
	fsUsed, fsSize, fsUsedRatio, fsInodesRatio                  *prometheus.Desc
	portRT, icmpRT, programExit, fileSize, netLink              *prometheus.Desc

	lastCycle, lastCycleServices, lastCycleOK *prometheus.Desc
}

func newServiceCollector(b Board) *serviceCollector {
	return &serviceCollector{
		board:       b,
		info:        desc("service_info", "A service Monit reports, with its type; always 1.", "type"),
		state:       desc("service_state", "monit-intel's classification of the service at the last cycle (1 for the current state, 0 for the others).", "state"),
		failing:     desc("service_failing", "1 when Monit sets any error bit in the service's status, else 0."),
		status:      desc("service_status", "Monit's status error bitmap of the service (Event_Type bits); 0 is OK."),
		statusEvent: desc("service_status_event", "One series per failing bit Monit sets (changes it was told to watch excluded), named by Monit's event label; present only while set.", "event"),
		since:       desc("service_failing_since_timestamp_seconds", "Start of the current failure (Unix time); present only while failing."),
		failures:    desc("service_failures_total", "How many times the service started failing (NEW transitions) in monit-intel's memory."),
		collected:   desc("service_collected_timestamp_seconds", "When Monit last collected the service's figures (Unix time)."),

		procCPU:       desc("process_cpu_ratio", "CPU used by the process, as a ratio of one CPU (Monit's cpu percent / 100)."),
		procMem:       desc("process_memory_bytes", "Resident memory of the process."),
		procMemRatio:  desc("process_memory_ratio", "Memory of the process as a ratio of the host's memory."),
		procUptime:    desc("process_uptime_seconds", "How long the process has run."),
		procThreads:   desc("process_threads", "Threads of the process."),
		sysLoad:       desc("system_load", "Load average of the host.", "period"),
		sysCPU:        desc("system_cpu_ratio", "CPU time of the host by mode, as a ratio 0–1.", "mode"),
		sysMem:        desc("system_memory_bytes", "Memory used on the host."),
		sysMemRatio:   desc("system_memory_ratio", "Memory used on the host, as a ratio of its memory."),
		sysSwap:       desc("system_swap_bytes", "Swap used on the host."),
		sysSwapRatio:  desc("system_swap_ratio", "Swap used on the host, as a ratio of its swap."),
		fsUsed:        desc("filesystem_used_bytes", "Space used on the filesystem."),
		fsSize:        desc("filesystem_size_bytes", "Size of the filesystem."),
		fsUsedRatio:   desc("filesystem_used_ratio", "Space used on the filesystem, as a ratio 0–1."),
		fsInodesRatio: desc("filesystem_inodes_used_ratio", "Inodes used on the filesystem, as a ratio 0–1."),
		portRT:        desc("port_response_time_seconds", "Response time of a connection test; absent while the test fails.", "target", "protocol"),
		icmpRT:        desc("icmp_response_time_seconds", "Response time of a ping test; absent while the test fails.", "icmp_type"),
		programExit:   desc("program_exit_status", "Exit status of the program's last run."),
		fileSize:      desc("file_size_bytes", "Size of the checked file."),
		netLink:       desc("net_link_up", "1 when the network interface's link is up, 0 when down."),

		lastCycle: prometheus.NewDesc("monit_intel_last_cycle_timestamp_seconds",
			"When the last ingest cycle started (Unix time).", nil, nil),
		lastCycleServices: prometheus.NewDesc("monit_intel_last_cycle_services",
			"Services read in the last ingest cycle.", nil, nil),
		lastCycleOK: prometheus.NewDesc("monit_intel_last_cycle_success",
			"1 when the last ingest cycle succeeded, 0 when it failed.", nil, nil),
	}
}

func (c *serviceCollector) descs() []*prometheus.Desc {
	return []*prometheus.Desc{c.info, c.state, c.failing, c.status, c.statusEvent, c.since, c.failures, c.collected,
		c.procCPU, c.procMem, c.procMemRatio, c.procUptime, c.procThreads,
		c.sysLoad, c.sysCPU, c.sysMem, c.sysMemRatio, c.sysSwap, c.sysSwapRatio,
		c.fsUsed, c.fsSize, c.fsUsedRatio, c.fsInodesRatio,
		c.portRT, c.icmpRT, c.programExit, c.fileSize, c.netLink,
		c.lastCycle, c.lastCycleServices, c.lastCycleOK}
}

// Describe implements prometheus.Collector.
func (c *serviceCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs() {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *serviceCollector) Collect(ch chan<- prometheus.Metric) {
	if last := c.board.LastCycle(); !last.At.IsZero() {
		ch <- gauge(c.lastCycle, unixSeconds(last.At))
		ch <- gauge(c.lastCycleServices, float64(last.Services))
		ch <- gauge(c.lastCycleOK, boolValue(last.Err == ""))
	}
	seen := map[engine.ServiceKey]bool{}
	for _, svc := range c.board.Services() {
		key := engine.ServiceKey{Host: svc.Snapshot.Host, Service: svc.Snapshot.Name}
		if seen[key] { // a registry refuses a duplicate series and would fail the whole scrape
			continue
		}
		seen[key] = true
		e := emitter{ch: ch, labels: []string{key.Host, key.Service}}
		c.collectState(e, svc)
		c.collectFigures(e, svc.Snapshot)
	}
}

func (c *serviceCollector) collectState(e emitter, svc engine.Classified) {
	s, st := svc.Snapshot, svc.State
	e.gauge(c.info, 1, s.Type.String())
	for _, state := range States {
		e.gauge(c.state, boolValue(st.State == state), string(state))
	}
	if st.State != "" && !slices.Contains(States, st.State) { // a state newer than this list
		e.gauge(c.state, 1, string(st.State))
	}
	e.gauge(c.failing, boolValue(s.Failing()))
	e.gauge(c.status, float64(s.Status))
	for _, label := range s.FailingBits().Labels() {
		e.gauge(c.statusEvent, 1, label)
	}
	if s.Failing() && !st.Since.IsZero() {
		e.gauge(c.since, unixSeconds(st.Since))
	}
	e.counter(c.failures, float64(st.Failures))
	if !s.CollectedAt.IsZero() {
		e.gauge(c.collected, unixSeconds(s.CollectedAt))
	}
}

func (c *serviceCollector) collectFigures(e emitter, s engine.Snapshot) {
	if p := s.Process; p != nil {
		if p.CPUPercent != nil && *p.CPUPercent >= 0 { // -1 until Monit has two samples
			e.gauge(c.procCPU, ratio(*p.CPUPercent))
		}
		e.kib(c.procMem, p.MemKB)
		e.percent(c.procMemRatio, p.MemPercent)
		e.int64(c.procUptime, p.UptimeSec)
		e.int(c.procThreads, p.Threads)
	}
	if y := s.System; y != nil {
		e.float(c.sysLoad, y.Load1, "1m")
		e.float(c.sysLoad, y.Load5, "5m")
		e.float(c.sysLoad, y.Load15, "15m")
		e.percent(c.sysCPU, y.CPUUser, "user")
		e.percent(c.sysCPU, y.CPUSystem, "system")
		e.percent(c.sysCPU, y.CPUWait, "wait")
		e.kib(c.sysMem, y.MemKB)
		e.percent(c.sysMemRatio, y.MemPercent)
		e.kib(c.sysSwap, y.SwapKB)
		e.percent(c.sysSwapRatio, y.SwapPercent)
	}
	if f := s.Filesystem; f != nil {
		e.mib(c.fsUsed, f.BlockUsageMB)
		e.mib(c.fsSize, f.BlockTotalMB)
		e.percent(c.fsUsedRatio, f.BlockPercent)
		e.percent(c.fsInodesRatio, f.InodePercent)
	}
	c.collectTests(e, s)
	if s.Program != nil {
		e.int(c.programExit, s.Program.ExitStatus)
	}
	if s.File != nil {
		e.int64(c.fileSize, s.File.Size)
	}
	if s.Net != nil && s.Net.LinkState != nil && *s.Net.LinkState >= 0 {
		e.gauge(c.netLink, float64(*s.Net.LinkState))
	}
}

// collectTests exports the response time of each connection and ping test that answered; a
// second test of the same target and protocol in one service is the same series and is
// skipped.
func (c *serviceCollector) collectTests(e emitter, s engine.Snapshot) {
	var seen map[[2]string]bool
	for _, p := range s.Ports {
		if p.ResponseSec < 0 {
			continue
		}
		key := [2]string{p.Hostname + ":" + strconv.Itoa(p.Port), p.Protocol}
		if seen[key] {
			continue
		}
		if seen == nil {
			seen = map[[2]string]bool{}
		}
		seen[key] = true
		e.gauge(c.portRT, p.ResponseSec, key[0], key[1])
	}
	done := map[string]bool{}
	for _, i := range s.Icmp {
		if i.ResponseSec < 0 || done[i.Type] {
			continue
		}
		done[i.Type] = true
		e.gauge(c.icmpRT, i.ResponseSec, i.Type)
	}
}
