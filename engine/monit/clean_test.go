package monit

import (
	"strings"
	"testing"
)

func TestCleanDocument(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"well-formed stays", `<a x="1">b &amp; &lt;c&gt; &#233; &#xE9;</a>`, `<a x="1">b &amp; &lt;c&gt; &#233; &#xE9;</a>`},
		{"stray ampersand", `<controlfile>/etc/a&b</controlfile> x & y`, `<controlfile>/etc/a&amp;b</controlfile> x &amp; y`},
		{"unterminated entity", `<name>amp&lt<name></name>`, `<name>amp&amp;lt&lt;name&gt;</name>`},
		{"unknown entity", `<x>&nbsp;</x>`, `<x>&amp;nbsp;</x>`},
		{"reference to a forbidden character", `<x>&#1;&#x1B;&#xD800;</x>`, `<x>&amp;#1;&amp;#x1B;&amp;#xD800;</x>`},
		{"reference without digits", `<x>&#; &#x;</x>`, `<x>&amp;#; &amp;#x;</x>`},
		{"CDATA end in a name", `<name>a]]>b</name>`, `<name>a]]&gt;b</name>`},
		{"format 2 name attribute", `<service name="a<b & "c""><type>7</type>`, `<service name="a&lt;b &amp; &quot;c&quot;"><type>7</type>`},
		{"attribute ending in quote-bracket", `<service name="x">y"><type>`, `<service name="x&quot;&gt;y"><type>`},
		{"pretty-printed attribute", "<service name=\"vm\">\n  <type>5</type>", "<service name=\"vm\">\n  <type>5</type>"},
		{"servicegroup", `<servicegroups><servicegroup name="a&b"><service>x<y</service></servicegroup></servicegroups>`,
			`<servicegroups><servicegroup name="a&amp;b"><service>x&lt;y</service></servicegroup></servicegroups>`},
		{"event service", `<event><service>a<b</service></event><service><name>c</name></service>`,
			`<event><service>a&lt;b</service></event><service><name>c</name></service>`},
		{"service outside lists", `<service><name>a</name></service>`, `<service><name>a</name></service>`},
		{"CDATA kept verbatim", `<output><![CDATA[<b> & ]]&gt; ]]></output>`, `<output><![CDATA[<b> & ]]&gt; ]]></output>`},
		{"control characters dropped", "<o><![CDATA[\x1b[31mred\x07\x00\t\r\n]]></o>", "<o><![CDATA[[31mred\t\r\n]]></o>"},
		{"noncharacters dropped", "<o>a\uFFFEb\uFFFFc</o>", "<o>abc</o>"},
		{"UTF-8 kept", "<name>café ☃ 𝄞</name>", "<name>café ☃ 𝄞</name>"},
		{"Latin-1 decoded", "<name>caf\xe9 \xfc</name>", "<name>café ü</name>"},
		{"mixed UTF-8 and Latin-1", "<o>caf\xc3\xa9 \xe9t\xe9</o>", "<o>café été</o>"},
		{"C1 Latin-1 byte", "<o>\x85</o>", "<o>\u0085</o>"},
		{"truncated name", `<name>abc<`, `<name>abc&lt;`},
		{"truncated CDATA", `<o><![CDATA[abc`, `<o><![CDATA[abc`},
		{"truncated attribute", `<service name="ab`, `<service name="ab`},
		{"ampersand at end", `<x>a&`, `<x>a&amp;`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := cleanDocument([]byte(tt.in))
			if string(got) != tt.want {
				t.Errorf("cleanDocument(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanDocumentOffsets(t *testing.T) {
	// Every edit shifts later bytes; original() must point back at the same byte.
	in := "<x>\x01a & b\xe9 <name>c<d</name> Z</x>"
	out, offsets := cleanDocument([]byte(in))
	tests := []struct {
		name string
		char string
	}{
		{"before any edit", "<x>"},
		{"after a dropped byte", "a "},
		{"after an escaped ampersand", " b"},
		{"after an escaped name", "</name>"},
		{"last byte", "Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := strings.Index(string(out), tt.char)
			got := offsets.original(int64(at))
			want := int64(strings.Index(in, tt.char))
			if got != want {
				t.Errorf("original(%d) = %d, want %d", at, got, want)
			}
		})
	}
}

func TestParseStatusErrors(t *testing.T) {
	const head = `<?xml version="1.0" encoding="ISO-8859-1"?>`
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"empty", "", "parse monit status: malformed document: empty document"},
		{"blank", " \n ", "parse monit status: malformed document: empty document"},
		{"declaration only", head, "unexpected EOF"},
		{"not monit", head + "<html><body>hi</body></html>", "expected element type <monit> but have <html>"},
		{"no host", head + "<monit><server></server></monit>", "no <localhostname>"},
		{"service without name", head + `<monit><server><localhostname>h</localhostname></server><service type="2"></service></monit>`, "service 1: no name"},
		{"other encoding", `<?xml version="1.0" encoding="UTF-16"?><monit/>`, `unsupported encoding "UTF-16"`},
		{"truncated", head + "<monit><server><localhostname>h</localhostname></server><service type=", "unexpected EOF at byte offset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseStatus(strings.NewReader(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseStatus() error = %v, want one containing %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "parse monit status: ") {
				t.Errorf("ParseStatus() error = %q, want it to start with %q", err, "parse monit status: ")
			}
		})
	}
}

func TestParseStatusMinimal(t *testing.T) {
	// Fields Monit did not print stay nil, whatever the type.
	doc := `<monit><server><localhostname>h</localhostname></server>` +
		`<service type="3"><name>p</name><collected_sec>10</collected_sec><collected_usec>5</collected_usec><monitor>2</monitor></service>` +
		`<service type="7"><name>q</name></service><service type="0"><name>f</name></service>` +
		`<service type="5"><name>s</name></service><service type="8"><name>n</name></service>` +
		`<service type="6"><name>o</name></service><service type="9"><name>future</name></service></monit>`
	st, err := ParseStatus(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st.Services {
		if s.Process != nil || s.Program != nil || s.Filesystem != nil || s.System != nil || s.File != nil || s.Net != nil {
			t.Errorf("ParseStatus() %s has figures %+v, want none", s.Name, s)
		}
	}
	if got := st.Services[0].CollectedAt.UnixMicro(); got != 10_000_005 {
		t.Errorf("CollectedAt = %d µs, want 10000005", got)
	}
	if got := st.Services[6].Type.String(); got != "unknown" {
		t.Errorf("type 9 = %q, want %q (kept, not rejected)", got, "unknown")
	}
}
