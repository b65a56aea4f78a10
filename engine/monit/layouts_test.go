package monit_test

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit"
	"monit-intel/engine/monit/monittest"
)

// layouts are the fixtures written from each Monit version's xml.c (testdata/monit/README.md),
// oldest first, with the figures each layout has.
var layouts = []struct {
	version                                       string
	net, threads, fstype, timestamps, fds, output bool
}{
	{version: "5.3.2"},
	{version: "5.10", output: true},
	{version: "5.11", output: true, net: true},
	{version: "5.16.0", output: true, net: true, threads: true},
	{version: "5.20.0", output: true, net: true, threads: true},
	{version: "5.21.0", output: true, net: true, threads: true, fstype: true},
	{version: "5.22.0", output: true, net: true, threads: true, fstype: true, timestamps: true},
	{version: "5.27.0", output: true, net: true, threads: true, fstype: true, timestamps: true, fds: true},
	{version: "5.34.0", output: true, net: true, threads: true, fstype: true, timestamps: true, fds: true},
}

// TestOlderLayoutsMapToSameFields: every layout from Monit 5.3 to 5.34 carries the same
// figures, so every one must parse to the same snapshots, save what the older ones never
// printed. <timestamp> (max of mtime and ctime up to 5.21) is the file's modification time.
func TestOlderLayoutsMapToSameFields(t *testing.T) {
	newest := layouts[len(layouts)-1]
	want := normalised(parseLayout(t, newest.version))
	for _, l := range layouts {
		t.Run(l.version, func(t *testing.T) {
			st := parseLayout(t, l.version)
			for _, s := range st.Services {
				if len(s.ParseNotes) != 0 {
					t.Errorf("%s: ParseNotes = %v, want none", s.Name, s.ParseNotes)
				}
			}
			checkLayoutExtras(t, st, l.net, l.threads, l.fstype, l.timestamps, l.fds, l.output)
			want := want
			if !l.net {
				want.Services = dropService(want.Services, "eth0")
			}
			compareStatus(t, normalised(st), want)
		})
	}
}

func checkLayoutExtras(t *testing.T, st engine.Status, net, threads, fstype, timestamps, fds, output bool) {
	t.Helper()
	sshd, _ := monittest.Find(st, "sshd")
	rootfs, _ := monittest.Find(st, "rootfs")
	file, _ := monittest.Find(st, "app_config")
	backup, _ := monittest.Find(st, "backup")
	_, hasNet := monittest.Find(st, "eth0")
	checks := []struct {
		what      string
		got, want bool
	}{
		{"a network service", hasNet, net},
		{"process threads", sshd.Process != nil && sshd.Process.Threads != nil, threads},
		{"filesystem type", rootfs.Filesystem != nil && rootfs.Filesystem.FSType == "ext4", fstype},
		{"access and change times", file.File != nil && !file.File.Accessed.IsZero(), timestamps},
		{"open file descriptors", sshd.Process != nil && sshd.Process.FDOpen != nil, fds},
		{"program output", backup.Program != nil && backup.Program.Output == "backup ok", output},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
	if file.File == nil || file.File.Modified.Unix() != 1795507102 {
		t.Errorf("app_config File = %+v, want modified at 1795507102", file.File)
	}
	if rootfs.Filesystem == nil || engine.ValueOr(rootfs.Filesystem.BlockUsageMB, 0) != 12688.6 {
		t.Errorf("rootfs Filesystem = %+v, want 12688.6 MB used", rootfs.Filesystem)
	}
}

// normalised clears what only some layouts print, so that the rest can be compared.
func normalised(st engine.Status) engine.Status {
	st.MonitVersion = ""
	for i := range st.Services {
		s := &st.Services[i]
		if s.Process != nil {
			s.Process.Threads, s.Process.FDOpen = nil, nil
		}
		if s.Filesystem != nil {
			s.Filesystem.FSType = ""
		}
		if s.File != nil {
			s.File.Accessed, s.File.Changed = time.Time{}, time.Time{}
		}
		if s.Program != nil {
			s.Program.Output = ""
		}
	}
	return st
}

func dropService(in []engine.Snapshot, name string) []engine.Snapshot {
	var out []engine.Snapshot
	for _, s := range in {
		if s.Name != name {
			out = append(out, s)
		}
	}
	return out
}

func compareStatus(t *testing.T, got, want engine.Status) {
	t.Helper()
	if g, w := marshal(t, got), marshal(t, want); !bytes.Equal(g, w) {
		t.Errorf("ParseStatus() = %s\nwant the newest layout's\n%s", g, w)
	}
}

func parseLayout(t *testing.T, version string) engine.Status {
	t.Helper()
	st, err := parseFile(t, filepath.Join(fixtureDir, "layout-"+version+".xml"))
	if err != nil {
		t.Fatalf("layout %s: %v", version, err)
	}
	return st
}

// TestUnknownElementsNeverBreak: elements monit-intel does not know, at any depth, with any
// content, are skipped; a known one inside an unknown one is not mistaken for the service's.
func TestUnknownElementsNeverBreak(t *testing.T) {
	base := `<monit><server><localhostname>h</localhostname><future>1</future></server>` +
		`<hostgroups><name><![CDATA[g]]></name></hostgroups>` +
		`<service type="3"><name>p</name><status>0</status>%s<pid>7</pid></service></monit>`
	tests := []struct {
		name, extra string
	}{
		{"5.34 hardlink", `<hardlink>1</hardlink>`},
		{"empty element", `<newthing/>`},
		{"nested with a status inside", `<probe><status>32</status><pid>9</pid></probe>`},
		{"attributes and CDATA", `<x a="1" b='2'><![CDATA[<status>1</status>]]></x>`},
		{"text and a comment", `<note>a &amp; b</note><!-- later -->`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := monit.ParseStatus(strings.NewReader(strings.Replace(base, "%s", tt.extra, 1)))
			if err != nil {
				t.Fatalf("ParseStatus() error = %v", err)
			}
			s := st.Services[0]
			if s.Status != 0 || s.Process == nil || engine.ValueOr(s.Process.PID, 0) != 7 || len(s.ParseNotes) != 0 {
				t.Errorf("ParseStatus() = %s, want status 0, pid 7, no notes", marshal(t, s))
			}
		})
	}
}

// TestFieldCaseOldFiguresWithUnits is field case 03: a Monit 5.3 document whose filesystem
// figures carry " MB" and whose flags are numeric. All three services are kept and the
// filesystem is read in megabytes.
func TestFieldCaseOldFiguresWithUnits(t *testing.T) {
	st, err := parseFile(t, filepath.Join(fixtureDir, "field-5.3-units.xml"))
	if err != nil {
		t.Fatalf("ParseStatus() error = %v", err)
	}
	if len(st.Services) != 3 {
		t.Fatalf("ParseStatus() = %d services, want 3", len(st.Services))
	}
	fs, _ := monittest.Find(st, "datafs")
	if f := fs.Filesystem; f == nil || engine.ValueOr(f.BlockUsageMB, 0) != 2051.3 || engine.ValueOr(f.BlockTotalMB, 0) != 4134.5 {
		t.Errorf("datafs Filesystem = %s, want 2051.3 of 4134.5 MB", marshal(t, fs.Filesystem))
	}
}

// serviceHead is a format 1 service's opening: the type attribute, then the name element.
var serviceHead = regexp.MustCompile(`<service type="(\d+)"><name>([^<]*)</name>`)

// serverHead is format 1's root and the server's identity, which format 2 moves to the root's
// attributes.
var serverHead = regexp.MustCompile(`<monit><server><id>([^<]*)</id><incarnation>([^<]*)</incarnation><version>([^<]*)</version>`)

// TestOlderLayoutsFormat2: every layout's format 2 (what /_status2 and the M/Monit collector
// get, laid out by the same status_service() with V == 2) parses to the same status as its
// format 1.
func TestOlderLayoutsFormat2(t *testing.T) {
	for _, l := range layouts {
		t.Run(l.version, func(t *testing.T) {
			doc := fixture(t, "layout-"+l.version+".xml")
			v2 := serverHead.ReplaceAll(doc, []byte(`<monit id="$1" incarnation="$2" version="$3"><server>`))
			v2 = serviceHead.ReplaceAll(v2, []byte(`<service name="$2"><type>$1</type>`))
			v2 = bytes.Replace(v2, []byte(`</platform>`), []byte(`</platform><services>`), 1)
			v2 = bytes.Replace(v2, []byte(`</monit>`), []byte(`</services><servicegroups></servicegroups></monit>`), 1)
			if bytes.Equal(v2, doc) || bytes.Contains(v2, []byte(`<service type=`)) {
				t.Fatal("the layout did not turn into format 2")
			}
			got, err := monit.ParseStatus(bytes.NewReader(v2))
			if err != nil {
				t.Fatalf("ParseStatus(format 2) error = %v", err)
			}
			compareStatus(t, got, parseLayout(t, l.version))
		})
	}
}

// TestOldRequestWithoutCDATA: Monit 5.3 to 5.9 printed a port test's request without CDATA,
// so a query string's '&' arrives raw.
func TestOldRequestWithoutCDATA(t *testing.T) {
	doc := bytes.Replace(fixture(t, "layout-5.3.2.xml"), []byte("<request>/</request>"),
		[]byte("<request>/status?format=xml&level=full</request>"), 1)
	st, err := monit.ParseStatus(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("ParseStatus() error = %v", err)
	}
	gw, _ := monittest.Find(st, "gateway")
	if len(gw.Ports) != 1 || gw.Ports[0].Request != "/status?format=xml&level=full" {
		t.Errorf("gateway Ports = %+v, want the request with its '&'", gw.Ports)
	}
}
