package monit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"monit-intel/engine"
	"monit-intel/engine/monit"
	"monit-intel/engine/monit/monittest"
)

var update = flag.Bool("update", false, "rewrite testdata/monit/*.golden.* from the parser's output")

// TestParseStatusGolden parses every fixture: good ones must match their .golden.json, the
// bad-* ones must fail with the message in their .golden.err.
func TestParseStatusGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(fixtureDir, "*.xml"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtureDir, err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".xml")
		t.Run(name, func(t *testing.T) {
			st, err := parseFile(t, in)
			var got []byte
			golden := strings.TrimSuffix(in, ".xml")
			if strings.HasPrefix(name, "bad-") {
				if err == nil {
					t.Fatalf("ParseStatus() = %d services, want an error", len(st.Services))
				}
				if !errors.Is(err, monit.ErrMalformed) {
					t.Errorf("ParseStatus() error = %v, want it to wrap ErrMalformed", err)
				}
				got, golden = []byte(err.Error()+"\n"), golden+".golden.err"
			} else {
				if err != nil {
					t.Fatalf("ParseStatus() error = %v", err)
				}
				got, golden = marshal(t, st), golden+".golden.json"
			}
			compareGolden(t, golden, got)
		})
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("ParseStatus() differs from %s (run go test -update if the change is intended):\ngot:\n%s", path, got)
	}
}

// TestParseStatusDropsCredentials proves that Monit's cleartext admin password, present in
// the captured documents, never reaches the parsed status.
func TestParseStatusDropsCredentials(t *testing.T) {
	passwordRE := regexp.MustCompile(`<password>([^<]*)</password>`)
	inputs, _ := filepath.Glob(filepath.Join(fixtureDir, "*.xml"))
	real := 0
	for _, in := range inputs {
		raw, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		m := passwordRE.FindSubmatch(raw)
		if m == nil {
			continue
		}
		if string(m[1]) != "REDACTED" {
			real++
		}
		st, err := monit.ParseStatus(bytes.NewReader(raw))
		if err != nil {
			continue // bad-* fixtures: nothing comes out at all
		}
		for _, out := range []string{string(marshal(t, st)), fmt.Sprintf("%+v", st), fmt.Sprintf("%#v", st)} {
			if strings.Contains(out, string(m[1])) {
				t.Errorf("%s: the parsed status contains the <credentials> password %q", in, m[1])
			}
		}
	}
	if real == 0 {
		t.Fatal("no fixture keeps a captured password: the test would prove nothing")
	}
}

// TestParseStatusFigures checks, on the live captures, the meanings the golden files only
// record: nil figures where Monit printed none, the monitor bitmask, the pending action.
func TestParseStatusFigures(t *testing.T) {
	for _, file := range []string{"all-types.xml", "all-types-v2.xml"} {
		st, err := parseFile(t, filepath.Join(fixtureDir, file))
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			check func(engine.Snapshot) bool
		}{
			{"monittest", func(s engine.Snapshot) bool {
				return s.Type == engine.TypeSystem && s.System != nil && s.System.CPUUser != nil && engine.ValueOr(s.System.MemKB, 0) > 0
			}},
			{"sleeper", func(s engine.Snapshot) bool {
				p := s.Process
				return p != nil && engine.ValueOr(p.PID, 0) > 0 && p.Threads != nil && p.CPUPercent != nil && p.MemKB != nil && p.FDOpen != nil
			}},
			{"slowstop", func(s engine.Snapshot) bool { return s.PendingAction.String() == "stop" }},
			{"watched", func(s engine.Snapshot) bool {
				f := s.File
				return f != nil && f.Size != nil && *f.Size == 6 && len(f.Checksum) == 32 && f.Mode == "644" && !f.Modified.IsZero()
			}},
			{"failing", func(s engine.Snapshot) bool {
				p := s.Program
				return s.Status == engine.BitStatus && p != nil && engine.ValueOr(p.ExitStatus, 0) == 1 && p.Output == "check failed: disk almost full"
			}},
			{"closed", func(s engine.Snapshot) bool {
				return s.Status == engine.BitConnection && len(s.Ports) == 1 && s.Ports[0].ResponseSec == -1 &&
					len(s.Icmp) == 1 && s.Icmp[0].ResponseSec >= 0
			}},
			{"web", func(s engine.Snapshot) bool { return s.Status == 0 && len(s.Ports) == 2 }},
			{"rootfs", func(s engine.Snapshot) bool {
				f := s.Filesystem
				return f != nil && engine.ValueOr(f.BlockTotalMB, 0) > 0 && f.InodeTotal != nil && f.FSType != ""
			}},
			{"testdir", func(s engine.Snapshot) bool { return s.File != nil && s.File.Size == nil }},
			{"testfifo", func(s engine.Snapshot) bool { return s.File != nil && s.File.Size == nil }},
			{"loopback", func(s engine.Snapshot) bool { return s.Net != nil && engine.ValueOr(s.Net.LinkState, 0) == 1 }},
			{"missing", func(s engine.Snapshot) bool { return s.Status == engine.BitNonExist && s.File == nil }},
			{"idle", func(s engine.Snapshot) bool { return s.Monitor == 0 && s.File == nil }},
			{"every3", func(s engine.Snapshot) bool { return s.Monitor == 5 && s.File != nil && s.Monitor.Text() == "Waiting" }},
			{"croncheck", func(s engine.Snapshot) bool { return s.Monitor == 6 && s.File == nil }},
		}
		for _, tt := range tests {
			t.Run(file+"/"+tt.name, func(t *testing.T) {
				s, ok := monittest.Find(st, tt.name)
				if !ok {
					t.Fatalf("ParseStatus() has no service %q", tt.name)
				}
				if s.Host != "monittest" || s.CollectedAt.IsZero() {
					t.Errorf("Host, CollectedAt = %q, %v; want monittest and a time", s.Host, s.CollectedAt)
				}
				if !tt.check(s) {
					t.Errorf("ParseStatus() %s = %s", tt.name, marshal(t, s))
				}
			})
		}
	}
}

// TestParseStatusQuirks checks what the parser makes of the awkward names and output a
// live Monit wrote raw (REFERENCE 6.2).
func TestParseStatusQuirks(t *testing.T) {
	const noisyOutput = "café été [31mred[0m bell nul-free  tab\there <b>bold</b> & ]]> end"
	wantNames := []string{"quirk&host", "noisy", "amp&lt<name>", "café", "café-latin1", "a]]>b & <c>"}
	for _, file := range []string{"quirks.xml", "quirks-v2.xml"} {
		t.Run(file, func(t *testing.T) {
			st, err := parseFile(t, filepath.Join(fixtureDir, file))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range st.Services {
				names = append(names, s.Name)
			}
			if fmt.Sprint(names) != fmt.Sprint(wantNames) || st.Host != "quirk&host" {
				t.Errorf("ParseStatus() host %q, names %q; want %q, %q", st.Host, names, wantNames[0], wantNames)
			}
			noisy, _ := monittest.Find(st, "noisy")
			if noisy.Program == nil || noisy.Program.Output != noisyOutput || engine.ValueOr(noisy.Program.ExitStatus, 0) != 3 {
				t.Errorf("noisy: Program = %+v, want exit 3 and output %q", noisy.Program, noisyOutput)
			}
		})
	}
}

func parseFile(t *testing.T, path string) (engine.Status, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return monit.ParseStatus(f)
}

// marshal is indented JSON without HTML escaping, so that goldens show names as they are.
func marshal(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
