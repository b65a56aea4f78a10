package redact

import (
	"regexp"
	"strings"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
)

// Markers that replace what Redact removes.
const (
	// Redacted replaces a secret value.
	Redacted = "[REDACTED]"
	// RedactedPrivateKey replaces a whole private key block.
	RedactedPrivateKey = "[REDACTED PRIVATE KEY]"
)

// A redaction rule: where it applies (a cheap substring check, triggerIndex, that saves running
// the expression on the many lines that cannot match) and what it replaces.
type redactRule struct {
	triggers []string // the rule runs when the line holds any of them (ignoring ASCII case)
	// start: every match begins with a trigger, so the search starts at the first one. Go's
	// regexp has no fast path for a case-insensitive alternation and otherwise tries every
	// position of the line.
	start bool
	// needs: the rule runs only when the line holds one of these after the trigger (the
	// operator of a key=value pair); it spares the expression most lines that name a keyword.
	needs []string
	re    *regexp.Regexp
	repl  func(re *regexp.Regexp, s string) string
}

// keyBlock matches a private key from its BEGIN line to its END line, or to the end of the line
// when the block goes on below.
var keyBlock = regexp.MustCompile(
	`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|.*)`)

var (
	keyBegin = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`)
	keyEnd   = regexp.MustCompile(`-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`)
	// keyBody is the last field of a base64 line inside a PEM block.
	keyBody = regexp.MustCompile(`^[A-Za-z0-9+/]{16,}={0,2}$`)
)

// redactRules run in this order; each leaves text the later ones and a second pass leave alone.
var redactRules = []redactRule{
	{
		triggers: []string{"-----BEGIN "},
		start:    true,
		re:       keyBlock,
		repl:     replaceWith(RedactedPrivateKey),
	},
	{
		// Authorization: Bearer abc / Basic abc / abc
		triggers: []string{"authorization"},
		start:    true,
		re: regexp.MustCompile(`(?i)(authorization["']?\s*[:=]\s*["']?` +
			`(?:(?:bearer|basic|digest|token|negotiate|ntlm|aws4-hmac-sha256)\s+)*)[^\s"',;]+`),
		repl: replaceWith("${1}" + Redacted),
	},
	{
		triggers: []string{"bearer"},
		start:    true,
		// "bearer bearer x" is one credential, and a second pass leaves [REDACTED] alone.
		re:   regexp.MustCompile(`(?i)((?:bearer\s+)+)(\[REDACTED\]|[A-Za-z0-9\-._~+/]+=*)`),
		repl: replaceBearer,
	},
	{
		// scheme://user:password@host. RFC 3986 allows no raw '@' in the password, yet people
		// write one: the password runs to the last '@' before the path.
		triggers: []string{"://"},
		re:       regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^\s:@/]*:)[^\s/]+@`),
		repl:     replaceWith("${1}" + Redacted + "@"),
	},
	{
		// Go's MySQL DSN: user:password@tcp(host:3306)/db, user:password@unix(/run/mysqld.sock)/db.
		triggers: []string{"@tcp(", "@unix("},
		re:       regexp.MustCompile(`([\w.-]*:)[^\s:]+@(tcp|unix)\(`),
		repl:     replaceWith("${1}" + Redacted + "@${2}("),
	},
	{
		// Cookie: a=b; c=d and Set-Cookie: session=…: every value is a credential.
		triggers: []string{"cookie"},
		start:    true,
		re:       regexp.MustCompile(`(?i)((?:set-)?cookie["']?\s*:\s*)\S.*`),
		repl:     replaceWith("${1}" + Redacted),
	},
	{
		// mysql -pSECRET (the password glued to -p), in any MySQL or MariaDB client.
		triggers: []string{"mysql", "mariadb"},
		start:    true,
		re:       regexp.MustCompile(`((?i:mysql|mariadb)[\w-]*\s(?:[^|;&]*?\s)?-p)[^\s'"]+`),
		repl:     replaceWith("${1}" + Redacted),
	},
	{
		// Clients whose password option has a short name of its own: redis-cli -a SECRET,
		// sshpass -p SECRET, smbclient/rpcclient -U user%SECRET.
		triggers: []string{"redis-cli", "sshpass", "smbclient", "rpcclient"},
		start:    true,
		re: regexp.MustCompile(`(?i)((?:redis-cli\b[^|;&]*?\s-a[ \t]+|sshpass\b[^|;&]*?\s-p[ \t]*|` +
			`(?:smb|rpc)client\b[^|;&]*?\s-U[ \t]*["']?[^\s%"']+%)["']?)(?:[^\s"']+)`),
		repl: replaceWith("${1}" + Redacted),
	},
	{
		// --password SECRET, --token SECRET: an option and its value as two arguments.
		triggers: []string{"-pass", "-pwd", "-token", "-secret", "-api"},
		start:    true,
		re: regexp.MustCompile(`(?i)(-(?:password|passwd|pass|pwd|token|secret|api-?key|api-?token)[ \t]+)` +
			`(?:"[^"]*"?|'[^']*'?|[^\s"'-][^\s]*)`),
		repl: replaceWith("${1}" + Redacted),
	},
	{
		// "the password is hunter2", "token was abc": prose, skipped when the next word says
		// something about the password rather than being it (see notValue).
		triggers: []string{"pass", "secret", "token", "pin "},
		start:    true,
		needs:    []string{" is ", " was ", " to ", "\tis ", "\twas "},
		re: regexp.MustCompile(`(?i)(\b(?:password|passwd|passphrase|pin|secret|token)` +
			`(?:\s+(?:(?:is|was|has been)\s+(?:set|reset|changed)\s+to|(?:set|reset|changed)\s+to|is|was)|` +
			`\s+for\s+\S+\s+(?:(?:is|was|has been)\s+)?(?:(?:set|reset|changed)\s+)?to)\s+)` +
			`(["']?)([^\s"']+)`),
		repl: replaceProse,
	},
	{
		// pwd=, pass=, pw= as whole keys (Pwd=x; in connection strings, MYSQL_PWD=x). A value
		// that is a path is a working directory (sudo's PWD=/home/bob) and stays.
		triggers: []string{"pwd", "pass", "pw"},
		needs:    []string{"=", ":"},
		re: regexp.MustCompile(`(?i)((?:^|[^a-z0-9])(?:pwd|pass|pw)["']?\s*[:=]\s*)` +
			`("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s/~,;&"'}\[][^\s,;&"'}]*)`),
		repl: replaceValue,
	},
	{
		// password=x, db_password: x, "token": "x", 'secret'='x', aws_secret_access_key = x.
		// An opening quote without its closing quote hides the rest of the line.
		triggers: []string{"pass", "token", "secret", "credential", "auth", "api", "access"},
		start:    true,
		needs:    []string{"=", ":"},
		// The match starts at the keyword, not at the start of the key (db_password): a leading
		// [\w.-]* makes every position a candidate and the search several times slower.
		re: regexp.MustCompile(`(?i)((?:password|passwd|passphrase|token|secret|credentials?|auth[_-]?key|api[_-]?key|access[_-]?key)` +
			`[\w.-]*["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,;&"'}]+)`),
		repl: replaceValue,
	},
	{
		// AWS access key ids (long-term AKIA…, temporary ASIA…): gitleaks' rule wants
		// entropy, and a key id in a log is a credential whatever its letters.
		triggers: []string{"AKIA", "ASIA"},
		start:    true,
		re:       regexp.MustCompile(`(?:AKIA|ASIA)[0-9A-Z]{16}`),
		repl:     replaceWith(Redacted),
	},
}

// notValue are words that follow "password is" without being the password.
var notValue = map[string]bool{
	"incorrect": true, "invalid": true, "wrong": true, "expired": true, "too": true, "required": true,
	"empty": true, "missing": true, "not": true, "correct": true, "valid": true, "weak": true,
	"set": true, "unset": true, "changed": true, "about": true, "going": true, "being": true,
	"already": true, "ok": true, "stored": true, "hashed": true, "encrypted": true, "the": true,
	"a": true, "an": true, "now": true, "still": true, "due": true, "locked": true, "disabled": true,
}

// replaceProse replaces the word after "password is" unless it is one of notValue.
func replaceProse(re *regexp.Regexp, s string) string {
	return re.ReplaceAllStringFunc(s, func(m string) string {
		sub := re.FindStringSubmatch(m)
		if notValue[strings.ToLower(strings.TrimRight(sub[3], ".,;:!?"))] || sub[3] == Redacted {
			return m
		}
		return sub[1] + sub[2] + Redacted + sub[2]
	})
}

// replaceBearer replaces what follows "bearer" unless it is a word ("no bearer header"):
// lower-case letters only, fewer than 20 of them.
func replaceBearer(re *regexp.Regexp, s string) string {
	return re.ReplaceAllStringFunc(s, func(m string) string {
		sub := re.FindStringSubmatch(m)
		if lowerWord(sub[2]) {
			return m
		}
		return sub[1] + Redacted
	})
}

// lowerWord reports whether s is a word rather than a credential: fewer than 20 characters,
// all lower-case ASCII letters.
func lowerWord(s string) bool {
	if len(s) >= 20 {
		return false
	}
	for i := range len(s) {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func replaceWith(template string) func(*regexp.Regexp, string) string {
	return func(re *regexp.Regexp, s string) string { return re.ReplaceAllString(s, template) }
}

// pairKeys start every key the key=value rules match, lower case.
var pairKeys = []string{"pass", "token", "secret", "credential", "auth", "api", "access", "pwd", "pw"}

// containsFold reports whether s holds one of subs (lower case), ignoring ASCII case.
func containsFold(s string, subs []string) bool {
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		for _, sub := range subs {
			if c == sub[0] && len(s)-i >= len(sub) && strings.EqualFold(s[i:i+len(sub)], sub) {
				return true
			}
		}
	}
	return false
}

// countKey reports whether key (with its separator) names a count of tokens (tokens=640,
// "eval_tokens": 12), which a model server logs and which is no secret.
func countKey(key string) bool {
	key = strings.ToLower(strings.TrimRight(key, "\"' \t:="))
	return strings.HasSuffix(key, "tokens")
}

// replaceValue replaces each value and keeps its key and quotes. A value that holds the key of
// another pair ("passwd= db_password: x") is replaced together with that pair,
// so a key with an empty value cannot shield the next one.
func replaceValue(re *regexp.Regexp, s string) string {
	var b strings.Builder
	pos := 0
	for pos < len(s) {
		if pos > 0 && !containsFold(s[pos:], pairKeys) {
			break // the expression would try every position to find nothing
		}
		m := re.FindStringSubmatchIndex(s[pos:])
		if m == nil {
			break
		}
		start, end := pos+m[4], pos+m[5] // the value
		if countKey(s[pos+m[2] : pos+m[3]]) {
			b.WriteString(s[pos:end])
			pos = end
			continue
		}
		nested := false
		for probe := start; containsFold(s[probe:min(len(s), end+len("passphrase"))], pairKeys); {
			n := re.FindStringSubmatchIndex(s[probe:])
			if n == nil || probe+n[0] >= end {
				break
			}
			end, nested = max(end, probe+n[5]), true
			probe += n[4]
		}
		b.WriteString(s[pos:start])
		if q := s[start]; (q == '"' || q == '\'') && !nested {
			b.WriteString(s[start:start+1] + Redacted + s[start:start+1])
		} else {
			b.WriteString(Redacted)
		}
		pos = end
	}
	if pos == 0 {
		return s
	}
	b.WriteString(s[pos:])
	return b.String()
}

// structural removes the secrets whose shape comes from where they stand rather than from a
// provider's format: passwords in URLs, password=/token=/secret= values (also "key: value" and
// JSON forms, any case), bearer and Authorization credentials, cookies, command-line passwords,
// and private keys that start on this line. It errs on the side of hiding too much.
func (x *triggerIndex) structural(line string) string {
	var buf [512]byte // lines are short: lower-casing them here costs no allocation
	var firstBuf [maxRules]int
	firsts := firstBuf[:len(redactRules)]
	x.first(lowerASCII(buf[:0], line), firsts)
	for i, rule := range redactRules {
		at := firsts[i]
		if at < 0 || (rule.needs != nil && firstIndex(line[at:], rule.needs) < 0) {
			continue
		}
		if !rule.start {
			at = 0
		}
		if rest := rule.repl(rule.re, line[at:]); rest != line[at:] {
			line = line[:at] + rest
			x.first(lowerASCII(buf[:0], line), firsts)
		}
	}
	return line
}

// maxRules bounds redactRules, so structural keeps its positions on the stack
// (TestTriggerIndex checks it).
const maxRules = 32

// triggerIndex finds where each rule's triggers first occur in a line, in one pass of an
// Aho–Corasick automaton over the line in lower case instead of a search per trigger. A rule
// whose triggers are case-sensitive is found ignoring case too: it then runs its expression,
// which is.
type triggerIndex struct {
	trie    *ahocorasick.Trie
	rulesOf [][]int // pattern → the rules it triggers
}

func newTriggerIndex() *triggerIndex {
	x := &triggerIndex{}
	var patterns []string
	at := map[string]int{}
	for i, rule := range redactRules {
		for _, t := range rule.triggers {
			t = strings.ToLower(t)
			p, ok := at[t]
			if !ok {
				p = len(patterns)
				at[t] = p
				patterns = append(patterns, t)
				x.rulesOf = append(x.rulesOf, nil)
			}
			x.rulesOf[p] = append(x.rulesOf[p], i)
		}
	}
	x.trie = ahocorasick.NewTrieBuilder().AddStrings(patterns).Build()
	return x
}

// first sets firsts[i] to where rule i's first trigger starts in lower, or -1.
func (x *triggerIndex) first(lower []byte, firsts []int) {
	for i := range firsts {
		firsts[i] = -1
	}
	x.trie.Walk(lower, func(end, n, pattern int64) bool {
		start := int(end - n + 1)
		for _, i := range x.rulesOf[pattern] {
			if firsts[i] < 0 || start < firsts[i] {
				firsts[i] = start
			}
		}
		return true
	})
}

// firstIndex returns the index of the first of subs in s, or -1.
func firstIndex(s string, subs []string) int {
	first := -1
	for _, sub := range subs {
		if i := strings.Index(s, sub); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}

// lowerASCII appends s to dst with ASCII letters in lower case.
func lowerASCII(dst []byte, s string) []byte {
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// opensKey reports whether the last private key that begins on line does not end on it.
func opensKey(line string) bool {
	begins := keyBegin.FindAllStringIndex(line, -1)
	if begins == nil {
		return false
	}
	return !keyEnd.MatchString(line[begins[len(begins)-1][1]:])
}

// dropKeyBody removes the trailing lines of out that look like the inside of a PEM block: base64
// as the last field (after any log prefix), a PEM header, or nothing.
func dropKeyBody(out []string) []string {
	for len(out) > 0 {
		line := out[len(out)-1]
		fields := strings.Fields(line)
		inside := len(fields) == 0 || keyBody.MatchString(fields[len(fields)-1]) ||
			strings.Contains(line, "Proc-Type:") || strings.Contains(line, "DEK-Info:")
		if !inside {
			break
		}
		out = out[:len(out)-1]
	}
	return out
}
