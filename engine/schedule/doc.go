// Package schedule runs the daemon's periodic work in-process with gocron: the first run at
// start-up, then every interval, never two runs of the same job at once (a slow run makes the
// next tick wait instead of overlapping it). It knows nothing of what the job does.
package schedule
