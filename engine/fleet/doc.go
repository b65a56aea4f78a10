// Package fleet keeps many Monit hosts in one daemon: hosts that push their status and
// events as they would to M/Monit (POST /collector) and hosts that are polled. It knows each
// host by Monit's id, names it by its localhostname, sends every status through the engine's
// one ingest path (per host), and tells when a host has been silent for three of its
// intervals (STALE) and when it speaks again (RECOVERED).
//
// It does no I/O of its own: the HTTP endpoint (rest/collector) hands it decoded bodies, and
// storage goes through the engine's interfaces; the registry of hosts is kept across restarts
// through HostStore (bolt), saved lazily, never on an ordinary push. Monit's <credentials>
// are never decoded. It also says where a service's logs can be read (LogsHere): on this
// machine only.
package fleet
