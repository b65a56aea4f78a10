package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"monit-intel/engine"
	"monit-intel/engine/monit"
)

// ManifestName is the timeline's index file.
const ManifestName = "timeline.yaml"

// Options configure a Source.
type Options struct {
	// Timeline is the directory holding timeline.yaml.
	Timeline string
	// Logs is a directory of log templates written against the timeline's end; empty means
	// no logs. LogsOut is where the shifted logs go: a directory the Source creates, or one it
	// created before (marked), which it empties.
	Logs, LogsOut string
	// After skips the history steps that would land at or before it: the history a previous
	// run stored already. Zero replays the whole history.
	After time.Time
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// manifest is timeline.yaml.
type manifest struct {
	End     time.Time `yaml:"end"`
	History []stepRef `yaml:"history"`
	Live    []stepRef `yaml:"live"`
}

type stepRef struct {
	At   time.Time `yaml:"at"`
	File string    `yaml:"file"`
}

// step is one parsed document and the time it stands for.
type step struct {
	at      time.Time
	docTime time.Time // the newest collected time in the document
	status  engine.Status
}

// Source is an engine.StatusSource that replays a timeline. It is safe for concurrent use.
type Source struct {
	dir     string
	now     func() time.Time
	history []step
	live    []step
	end     time.Time
	shift   time.Duration // history step time + shift = when it lands
	logs    *logWriter

	mu    sync.Mutex
	next  int       // the next step: history first, then live steps, looping
	clock time.Time // when the last fetched step landed
}

// Open reads and checks the whole timeline (every document must parse) and writes the logs
// of the history steps it skips.
func Open(opts Options) (*Source, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m, err := readManifest(opts.Timeline)
	if err != nil {
		return nil, err
	}
	s := &Source{dir: opts.Timeline, now: opts.Now, end: m.End}
	if s.history, err = readSteps(opts.Timeline, m.History); err != nil {
		return nil, err
	}
	if s.live, err = readSteps(opts.Timeline, m.Live); err != nil {
		return nil, err
	}
	start := opts.Now()
	s.shift = start.Sub(m.End)
	s.clock = start
	if opts.Logs != "" {
		if s.logs, err = newLogWriter(opts.Logs, opts.LogsOut, s.shift); err != nil {
			return nil, err
		}
	}
	for s.next < len(s.history)-1 && !s.history[s.next].at.Add(s.shift).After(opts.After) {
		if err := s.writeLogs(s.next, s.shift); err != nil {
			return nil, err
		}
		s.next++
	}
	return s, nil
}

func readManifest(dir string) (manifest, error) {
	var m manifest
	raw, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return m, fmt.Errorf("read timeline: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("read timeline %s: %w", filepath.Join(dir, ManifestName), err)
	}
	switch {
	case m.End.IsZero():
		return m, fmt.Errorf("read timeline %s: no end", dir)
	case len(m.History) == 0:
		return m, fmt.Errorf("read timeline %s: no history steps", dir)
	case !m.History[len(m.History)-1].At.Equal(m.End):
		return m, fmt.Errorf("read timeline %s: the last history step is not at end %s", dir, m.End.Format(time.RFC3339))
	}
	all := append(append([]stepRef{}, m.History...), m.Live...)
	for i := 1; i < len(all); i++ {
		if !all[i].At.After(all[i-1].At) {
			return m, fmt.Errorf("read timeline %s: step %s is not after the one before it", dir, all[i].File)
		}
	}
	return m, nil
}

func readSteps(dir string, refs []stepRef) ([]step, error) {
	out := make([]step, 0, len(refs))
	for _, r := range refs {
		if filepath.Base(r.File) != r.File {
			return nil, fmt.Errorf("read timeline %s: step file %q must be a name in the timeline's directory", dir, r.File)
		}
		f, err := os.Open(filepath.Join(dir, r.File))
		if err != nil {
			return nil, fmt.Errorf("read timeline: %w", err)
		}
		st, err := monit.ParseStatus(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read timeline step %s: %w", r.File, err)
		}
		st.MonitID = "" // each capture run has its own; one replayed Monit has one
		out = append(out, step{at: r.At, docTime: newest(st), status: st})
	}
	return out, nil
}

func newest(st engine.Status) time.Time {
	var t time.Time
	for _, s := range st.Services {
		if s.CollectedAt.After(t) {
			t = s.CollectedAt
		}
	}
	return t
}

// Source names the timeline for messages and /health.
func (s *Source) Source() string { return "replay of " + s.dir }

// Ping reports that the timeline is there: it was read whole by Open.
func (s *Source) Ping(ctx context.Context) error { return ctx.Err() }

// Behind reports whether history steps before the last one are still to be fetched: the
// caller catches up by running cycles until it is false, then fetches on its schedule.
func (s *Source) Behind() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next < len(s.history)-1
}

// Now is the replay's clock: while catching up, the time of the step fetched last; after
// that, the real time. Analyses made while catching up are dated with it.
func (s *Source) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next < len(s.history) {
		return s.clock
	}
	return s.now()
}

// Fetch returns the next step with its times shifted: a history step lands where it stands
// in the day that ends when the Source was opened, a live step lands now.
func (s *Source) Fetch(ctx context.Context) (engine.Status, error) {
	if err := ctx.Err(); err != nil {
		return engine.Status{}, fmt.Errorf("replay %s: %w", s.dir, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var st step
	var lands time.Time
	if s.next < len(s.history) {
		st = s.history[s.next]
		lands = st.at.Add(s.shift)
	} else if len(s.live) > 0 {
		st = s.live[(s.next-len(s.history))%len(s.live)]
		lands = s.now()
	} else {
		st = s.history[len(s.history)-1]
		lands = s.now()
	}
	if err := s.writeLogs(s.next, lands.Sub(st.at)); err != nil {
		return engine.Status{}, err
	}
	s.next++
	s.clock = lands
	return shifted(st.status, lands.Sub(st.docTime)), nil
}

// writeLogs appends the template lines that belong to step i (those after the step before
// it and up to it), shifted by d.
func (s *Source) writeLogs(i int, d time.Duration) error {
	if s.logs == nil {
		return nil
	}
	var from, to time.Time
	switch {
	case i < len(s.history):
		to = s.history[i].at
		if i > 0 {
			from = s.history[i-1].at
		}
	case len(s.live) > 0:
		k := (i - len(s.history)) % len(s.live)
		from, to = s.end, s.live[k].at
		if k > 0 {
			from = s.live[k-1].at
		}
	default:
		return nil
	}
	if err := s.logs.write(from, to, d); err != nil {
		return fmt.Errorf("replay logs: %w", err)
	}
	return nil
}

// shifted returns a copy of st with every time moved by d.
func shifted(st engine.Status, d time.Duration) engine.Status {
	out := st
	out.Services = make([]engine.Snapshot, len(st.Services))
	for i, s := range st.Services {
		s.CollectedAt = s.CollectedAt.Add(d)
		if s.Program != nil {
			p := *s.Program
			if !p.Started.IsZero() {
				p.Started = p.Started.Add(d)
			}
			p.Output = shiftLine(p.Output, d) // a program may print times too
			s.Program = &p
		}
		if s.File != nil {
			f := *s.File
			f.Modified, f.Accessed, f.Changed = addNonZero(f.Modified, d), addNonZero(f.Accessed, d), addNonZero(f.Changed, d)
			s.File = &f
		}
		out.Services[i] = s
	}
	return out
}

func addNonZero(t time.Time, d time.Duration) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(d)
}

// errNotOurs refuses to empty a log directory the replay did not create.
var errNotOurs = errors.New("exists and was not written by the replay (no " + markerName + " in it)")
