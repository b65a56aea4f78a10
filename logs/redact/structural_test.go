package redact

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	tests := []struct {
		name string
		line string
		want string
	}{
		{name: "nothing secret", line: "backup finished: 1234 files in 5m", want: "backup finished: 1234 files in 5m"},
		{name: "failed password is not a secret", line: "sshd[1]: Failed password for root from 10.0.0.1 port 22",
			want: "sshd[1]: Failed password for root from 10.0.0.1 port 22"},
		{name: "password in a URL", line: "GET https://admin:hunter2@monit.local:2812/_status",
			want: "GET https://admin:[REDACTED]@monit.local:2812/_status"},
		{name: "password in a URL without user", line: "redis://:s3cr3t@cache:6379/0",
			want: "redis://:[REDACTED]@cache:6379/0"},
		{name: "URL with user only is kept", line: "ssh://git@github.com/x.git", want: "ssh://git@github.com/x.git"},
		{name: "URL with port and @ in query is kept", line: "http://host:8080/p?mail=a@b",
			want: "http://host:8080/p?mail=a@b"},
		{name: "password=", line: "mysql -u root password=hunter2 -h db", want: "mysql -u root password=[REDACTED] -h db"},
		{name: "PASSWORD= upper case", line: "PASSWORD=Hunter2", want: "PASSWORD=[REDACTED]"},
		{name: "prefixed key", line: "db_password = hunter2;", want: "db_password = [REDACTED];"},
		{name: "token=", line: "GET /cb?access_token=abc.def&state=1", want: "GET /cb?access_token=[REDACTED]&state=1"},
		{name: "secret: value", line: "client_secret: abcdef123", want: "client_secret: [REDACTED]"},
		{name: "Secret key colon form, any case", line: "Token:xyz", want: "Token:[REDACTED]"},
		{name: "JSON password", line: `{"user":"bob","password": "p@ss word","n":1}`,
			want: `{"user":"bob","password": "[REDACTED]","n":1}`},
		{name: "JSON value with escaped quote", line: `{"token":"a\"b","x":2}`, want: `{"token":"[REDACTED]","x":2}`},
		{name: "single quoted", line: "secret='a b c' ok", want: "secret='[REDACTED]' ok"},
		{name: "unterminated quote hides the rest", line: `password="abc def`, want: `password="[REDACTED]"`},
		{name: "an empty value does not shield the next pair", line: "passwd= db_password: hunter2 end",
			want: "passwd= [REDACTED] end"},
		{name: "an empty value before JSON", line: `pAsswd= "token": "x1" end`, want: "pAsswd= [REDACTED] end"},
		{name: "a pair inside a quoted value", line: `password="token=abc" ok`, want: "password=[REDACTED] ok"},
		{name: "api key", line: "X-Api-Key: 0123456789", want: "X-Api-Key: [REDACTED]"},
		{name: "passphrase", line: "gpg passphrase=correct-horse", want: "gpg passphrase=[REDACTED]"},
		{name: "bearer token", line: "curl -H 'Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig-_x'",
			want: "curl -H 'Authorization: Bearer [REDACTED]'"},
		{name: "bearer alone", line: "sent bearer abc.def/ghi== upstream", want: "sent bearer [REDACTED] upstream"},
		{name: "bearer twice", line: "bearer bearer abc123", want: "bearer bearer [REDACTED]"},
		{name: "bearer before a word is kept", line: "no bearer header in request", want: "no bearer header in request"},
		{name: "a count of tokens is kept", line: `tokens=640 "eval_tokens": 12`, want: `tokens=640 "eval_tokens": 12`},
		{name: "several schemes", line: "Authorization: Digest token abc", want: "Authorization: Digest token [REDACTED]"},
		{name: "basic auth header", line: "authorization: Basic YWRtaW46aHVudGVyMg==", want: "authorization: Basic [REDACTED]"},
		{name: "header without scheme", line: `"Authorization":"sk-live-1"`, want: `"Authorization":"[REDACTED]"`},
		{name: "AWS access key id", line: "using key AKIAIOSFODNN7EXAMPLE for s3", want: "using key [REDACTED] for s3"},
		{name: "AWS temporary key id", line: "id=ASIAY34FZKBOKMUTVV7A", want: "id=[REDACTED]"},
		{name: "AWS secret access key", line: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			want: "aws_secret_access_key = [REDACTED]"},
		{name: "AWS secret env form", line: "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI", want: "AWS_SECRET_ACCESS_KEY=[REDACTED]"},
		{name: "private key on one line", line: "key: -----BEGIN PRIVATE KEY-----MIIEvQ-----END PRIVATE KEY----- loaded",
			want: "key: " + RedactedPrivateKey + " loaded"},
		{name: "private key begins here", line: "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXkt",
			want: RedactedPrivateKey},
		{name: "public key is kept", line: "-----BEGIN PUBLIC KEY-----", want: "-----BEGIN PUBLIC KEY-----"},
		{name: "several secrets", line: "url=https://u:p1@h token=t1 Bearer b1",
			want: "url=https://u:[REDACTED]@h token=[REDACTED] Bearer [REDACTED]"},
	}
	r := testRedactor(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Line(tt.line); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.line, got, tt.want)
			}
			if got := r.Line(tt.want); got != tt.want {
				t.Errorf("Redact(%q) = %q, want it unchanged (a second pass changes nothing)", tt.want, got)
			}
		})
	}
}

func TestLines(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{name: "nil", lines: nil, want: []string{}},
		{name: "single lines redacted", lines: []string{"a", "password=x", "b"}, want: []string{"a", "password=[REDACTED]", "b"}},
		{
			name: "key block becomes one marker",
			lines: []string{"loading", "-----BEGIN RSA PRIVATE KEY-----", "Proc-Type: 4,ENCRYPTED",
				"MIIEowIBAAKCAQEAx1234567890abcdefghij", "AAAAB3NzaC1yc2EAAAADAQABAAABAQC", "-----END RSA PRIVATE KEY-----", "loaded"},
			want: []string{"loading", RedactedPrivateKey, "loaded"},
		},
		{
			name:  "text after END is kept and redacted",
			lines: []string{"-----BEGIN EC PRIVATE KEY-----", "MHcCAQEEIBkg", "-----END EC PRIVATE KEY----- token=abc"},
			want:  []string{RedactedPrivateKey, " token=[REDACTED]"},
		},
		{
			name:  "block without END hides the rest",
			lines: []string{"x", "conf: -----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "not base64 but inside"},
			want:  []string{"x", "conf: " + RedactedPrivateKey},
		},
		{
			name: "window starting inside a block",
			lines: []string{"ts host app: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "ts host app: bXlzZWNyZXRrZXlib2R5MTIzNDU2",
				"ts host app: -----END PRIVATE KEY-----", "ts host app: next"},
			want: []string{RedactedPrivateKey, "ts host app: next"},
		},
		{
			name:  "orphan END keeps ordinary lines above it",
			lines: []string{"backup started", "c2VjcmV0c2VjcmV0c2VjcmV0", "-----END OPENSSH PRIVATE KEY-----"},
			want:  []string{"backup started", RedactedPrivateKey},
		},
		{
			name: "two blocks",
			lines: []string{"-----BEGIN PRIVATE KEY-----", "QUFBQUFBQUFBQUFBQUFB", "-----END PRIVATE KEY-----", "between",
				"-----BEGIN PGP PRIVATE KEY BLOCK-----", "", "lQOYBF0000000000000000", "-----END PGP PRIVATE KEY BLOCK-----"},
			want: []string{RedactedPrivateKey, "between", RedactedPrivateKey},
		},
		{
			name:  "inline block does not open one",
			lines: []string{"k=-----BEGIN PRIVATE KEY-----QUFB-----END PRIVATE KEY-----", "after"},
			want:  []string{"k=" + RedactedPrivateKey, "after"},
		},
	}
	r := testRedactor(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Lines(tt.lines)
			if !slices.Equal(got, tt.want) || got == nil {
				t.Errorf("RedactLines(%q) = %q, want %q", tt.lines, got, tt.want)
			}
		})
	}
}

// secretValue is what FuzzRedact plants: long enough not to occur by chance in the templates.
var secretValue = regexp.MustCompile(`^[A-Za-z0-9]{12,64}$`)

// secretTemplates put a secret where Redact must find it, whatever line surrounds it.
var secretTemplates = []string{
	"password=%s", "db_password: %s", `"token": "%s"`, "secret='%s'", "https://user:%s@host/x",
	"Authorization: Bearer %s", "bearer %s", "aws_secret_access_key = %s",
}

func FuzzRedact(f *testing.F) {
	for _, seed := range []string{"", "password=x", `{"token":"a\"b"}`, "https://u:p@h", "Bearer abc",
		"-----BEGIN PRIVATE KEY-----", "AKIAIOSFODNN7EXAMPLE", "\xff\x00password:\"", "token=token=token="} {
		f.Add(seed, "Sup3rS3cretValue")
	}
	r, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line, secret string) {
		once := r.Line(line)
		if twice := r.Line(once); twice != once {
			t.Errorf("Redact(Redact(%q)) = %q, want %q", line, twice, once)
		}
		if len(r.Lines(strings.Split(line, "\n"))) > strings.Count(line, "\n")+1 {
			t.Errorf("RedactLines(%q) returned more lines than it was given", line)
		}
		if !secretValue.MatchString(secret) || strings.Contains(line, secret) {
			return
		}
		for _, tmpl := range secretTemplates {
			if strings.HasPrefix(strings.ToLower(tmpl), "bearer") && lowerWord(secret) {
				continue // "bearer header": a lower-case word after bearer is kept by design
			}
			planted := line + " " + fmt.Sprintf(tmpl, secret) + " end"
			if got := r.Line(planted); strings.Contains(got, secret) {
				t.Errorf("Redact(%q) = %q, want %q hidden", planted, got, secret)
			}
		}
	})
}

// TestTriggerIndex: every rule fits structural's fixed table, and each trigger of each rule is
// found, in any case, where it starts.
func TestTriggerIndex(t *testing.T) {
	if len(redactRules) > maxRules {
		t.Fatalf("%d rules, structural keeps room for %d", len(redactRules), maxRules)
	}
	x := newTriggerIndex()
	firsts := make([]int, len(redactRules))
	for i, rule := range redactRules {
		for _, trig := range rule.triggers {
			line := "x " + strings.ToUpper(trig)
			x.first(lowerASCII(nil, line), firsts)
			if firsts[i] != 2 {
				t.Errorf("rule %d, trigger %q in %q: first = %d, want 2", i, trig, line, firsts[i])
			}
		}
	}
}
