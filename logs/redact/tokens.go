package redact

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
)

// tokenRules are gitleaks' default rules, compiled once, with a keyword index: a line runs
// only the rules whose keywords it holds (gitleaks' own prefilter), so a line that names no
// provider costs one pass of the keyword automaton.
//
// Why not detect.Detector: measured here on 100 log lines, DetectString costs ~8 µs a line
// before any rule runs (a logger, a map and a decoder per call; ~0.9 ms for 100 plain lines),
// and 18 ms on the lines joined, since a keyword anywhere runs its rule over all of them. Its
// package also pulls in archive readers (7z, rar, zstd, brotli) that a log line never needs.
// The rule set is the maintained part; this file applies it as detect does: keywords, regex,
// secret group, entropy, then the global and the rule's allowlists.
type tokenRules struct {
	rules     []tokenRule
	trie      *ahocorasick.Trie
	byPattern [][]int // keyword pattern index → indices in rules
	always    []int   // rules without keywords: run on every line
	global    []*config.Allowlist
}

type tokenRule struct {
	id          string
	re          *regexp.Regexp
	secretGroup int
	entropy     float64
	allow       []*config.Allowlist
	// anchored is set for rules of the form (?i)[\w.-]{0,50}?(?:keyword|…)rest (95 of gitleaks'
	// rules, generic-api-key among them). Go's regexp runs the lazy 50-character prefix at every
	// position of the line (~250 µs a line for generic-api-key); anchored is ^(?i)(?:keyword|…)rest,
	// tried only where one of the rule's keywords starts, and the prefix is then found by
	// walking back over [\w.-] (see findAnchored). TestAnchoredMatchesGitleaks checks that both
	// find the same secrets.
	anchored *regexp.Regexp
	lazy     bool    // anchored replaces lazyPrefix; otherwise it replaces a leading \b
	keywords []int64 // the rule's keyword patterns in the trie
	// assigns is set for anchored rules built on gitleaks' template for an identifier assigned
	// a value (identifier, up to 20 of [ \t\w.-], up to 3 of [\s'"], then = : > , | or ?): a
	// keyword with no such operator after it cannot start a match, and the expression is not
	// run (see assignment).
	assigns bool
}

// assignTemplate is the part of gitleaks' semi-generic rules between identifier and value.
const assignTemplate = `(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)`

// lazyPrefix starts the regular expressions that anchored replaces.
const lazyPrefix = `(?i)[\w.-]{0,50}?`

// prefixLen is the longest prefix lazyPrefix matches.
const prefixLen = 50

// loadTokenRules parses gitleaks' embedded default configuration with a viper instance of its
// own (the package-level viper is global state) and keeps the rules that look at content.
func loadTokenRules() (*tokenRules, error) {
	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(strings.NewReader(config.DefaultConfig)); err != nil {
		return nil, fmt.Errorf("gitleaks default config: %w", err)
	}
	var vc config.ViperConfig
	if err := v.Unmarshal(&vc); err != nil {
		return nil, fmt.Errorf("gitleaks default config: %w", err)
	}
	cfg, err := vc.Translate()
	if err != nil {
		return nil, fmt.Errorf("gitleaks default config: %w", err)
	}
	t := &tokenRules{global: cfg.Allowlists}
	var keywords []string
	kwIndex := map[string]int{}
	for _, r := range cfg.GetOrderedRules() {
		// Path rules (a file's name) and parts of multi-part rules say nothing about one line.
		if r.Regex == nil || r.Path != nil || r.SkipReport || len(r.RequiredRules) > 0 {
			continue
		}
		i := len(t.rules)
		rule := tokenRule{id: r.RuleID, re: r.Regex, secretGroup: r.SecretGroup, entropy: r.Entropy, allow: r.Allowlists}
		if len(r.Keywords) == 0 {
			t.rules = append(t.rules, rule)
			t.always = append(t.always, i)
			continue
		}
		for _, k := range r.Keywords {
			k = strings.ToLower(k)
			p, ok := kwIndex[k]
			if !ok {
				p = len(keywords)
				kwIndex[k] = p
				keywords = append(keywords, k)
				t.byPattern = append(t.byPattern, nil)
			}
			if !slices.Contains(t.byPattern[p], i) {
				t.byPattern[p] = append(t.byPattern[p], i)
				rule.keywords = append(rule.keywords, int64(p))
			}
		}
		if err := rule.anchor(r.Regex.String(), r.Keywords); err != nil {
			return nil, fmt.Errorf("gitleaks rule %s: %w", r.RuleID, err)
		}
		t.rules = append(t.rules, rule)
	}
	t.trie = ahocorasick.NewTrieBuilder().AddStrings(keywords).Build()
	return t, nil
}

// anchor sets r.anchored when every match of src starts at one of the rule's keywords, or
// lazyPrefix before one:
//   - (?i)[\w.-]{0,50}?(?:keyword|…)rest: gitleaks' semi-generic rules;
//   - \bliteral… or \b(literal…: a fixed prefix that starts with a keyword (\b(ey… for JWTs,
//     whose keyword "ey" is in every "key"; \bcurl\b… for curl's -H and -u). Go's regexp finds
//     no literal prefix behind \b and tries every position; anchored, it tries the keyword's.
func (r *tokenRule) anchor(src string, keywords []string) error {
	pattern := ""
	if core, ok := strings.CutPrefix(src, lazyPrefix); ok {
		pattern, r.lazy = `(?i)(?:`+core+`)`, true
		r.assigns = strings.Contains(core, assignTemplate)
	} else if rest, ok := strings.CutPrefix(src, `\b`); ok {
		re, err := regexp.Compile(rest)
		if err != nil {
			return err
		}
		lit, _ := re.LiteralPrefix()
		if lit == "" || !wordish(lit[0]) || !slices.ContainsFunc(keywords, func(k string) bool {
			return strings.HasPrefix(strings.ToLower(lit), strings.ToLower(k))
		}) {
			return nil
		}
		pattern = rest
	} else {
		return nil
	}
	anchored, err := regexp.Compile(`^(?:` + pattern + `)`)
	r.anchored = anchored
	return err
}

// span is a part of a line to replace.
type span struct{ start, end int }

// hit is where a keyword starts in a line.
type hit struct {
	pattern    int64
	start, end int // end is past the keyword
}

// find returns the secrets the rules find in line, as spans sorted by start. lower is line in
// lower case (the keywords are lower case).
func (t *tokenRules) find(line string, lower []byte) []span {
	hits := t.hits(lower)
	var spans []span
	for _, i := range t.always {
		spans = t.rules[i].find(line, nil, t.global, spans)
	}
	if len(hits) > 0 {
		run := make([]bool, len(t.rules))
		for _, h := range hits {
			for _, i := range t.byPattern[h.pattern] {
				run[i] = true
			}
		}
		for i, yes := range run {
			if yes {
				spans = t.rules[i].find(line, hits, t.global, spans)
			}
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	return spans
}

// hits returns where the keywords start and end in lower, in the order they start.
func (t *tokenRules) hits(lower []byte) []hit {
	var hits []hit
	t.trie.Walk(lower, func(end, n, pattern int64) bool {
		hits = append(hits, hit{pattern: pattern, start: int(end - n + 1), end: int(end + 1)})
		return true
	})
	slices.SortStableFunc(hits, func(a, b hit) int { return a.start - b.start })
	return hits
}

// find appends to spans the secrets rule r finds in line; hits are the line's keywords.
func (r *tokenRule) find(line string, hits []hit, global []*config.Allowlist, spans []span) []span {
	var matches [][]int
	if r.anchored != nil {
		matches = r.findAnchored(line, hits)
	} else {
		matches = r.re.FindAllStringSubmatchIndex(line, -1)
	}
	for _, m := range matches {
		s := secretSpan(m, r.secretGroup)
		secret := line[s.start:s.end]
		if r.entropy != 0 && shannonEntropy(secret) <= r.entropy {
			continue
		}
		match := line[m[0]:m[1]]
		if allowed(global, secret, match, line) || allowed(r.allow, secret, match, line) {
			continue
		}
		spans = append(spans, s)
	}
	return spans
}

// findAnchored finds what r.re would, from the positions where r's keywords start: the
// anchored expression from there, then the lazy prefix as the leftmost match has it, the
// [\w.-] run of at most prefixLen bytes before the keyword. Matches do not overlap.
func (r *tokenRule) findAnchored(line string, hits []hit) [][]int {
	var out [][]int
	next := 0
	for _, h := range hits {
		if h.start < next || !slices.Contains(r.keywords, h.pattern) || (r.assigns && !assignment(line, h.end)) {
			continue
		}
		if !r.lazy && h.start > 0 && wordish(line[h.start-1]) && line[h.start-1] != '.' && line[h.start-1] != '-' {
			continue // \b: a word character on both sides
		}
		m := r.anchored.FindStringSubmatchIndex(line[h.start:])
		if m == nil {
			continue
		}
		for j := range m {
			if m[j] >= 0 {
				m[j] += h.start
			}
		}
		start := h.start
		for r.lazy && start > max(next, h.start-prefixLen) && wordish(line[start-1]) {
			start--
		}
		m[0] = start
		out = append(out, m)
		next = m[1]
	}
	return out
}

// Bounds of assignTemplate, with slack for an identifier longer than its keyword.
const (
	assignGap    = 20 + 16 // [ \t\w.-]{0,20} after the identifier
	assignQuotes = 3       // [\s'"]{0,3}
	assignValue  = 10      // the shortest value the semi-generic rules accept
)

// assignment reports whether the keyword ending at end can start an assignment as
// assignTemplate describes it, followed by a value of at least assignValue characters: a cheap
// superset of what the rule's expression needs, so the expression only runs where it may match.
func assignment(line string, end int) bool {
	for gap := end; gap <= len(line) && gap <= end+assignGap; gap++ {
		for q := gap; q <= len(line) && q <= gap+assignQuotes; q++ {
			if q < len(line) && strings.IndexByte("=>:|?,", line[q]) >= 0 && valueAfter(line, q) {
				return true
			}
			if q == len(line) || strings.IndexByte(" \t\n\r\f\v'\"", line[q]) < 0 {
				break
			}
		}
		if gap == len(line) || !(wordish(line[gap]) || line[gap] == ' ' || line[gap] == '\t') {
			break
		}
	}
	return false
}

// valueAfter reports whether a value of at least assignValue characters follows the operator
// starting at op: operator characters, up to 5 quotes, spaces or '=', then the value.
func valueAfter(line string, op int) bool {
	i := op
	for i < len(line) && i < op+3 && strings.IndexByte("=>:|?,", line[i]) >= 0 {
		i++
	}
	for skip := 0; i < len(line) && skip < 5 && strings.IndexByte("`'\" \t\n\r\f\v=", line[i]) >= 0; skip++ {
		i++
	}
	n := 0
	for i+n < len(line) && (wordish(line[i+n]) || line[i+n] == '=' || line[i+n] == '+' || line[i+n] == '/') {
		n++
	}
	return n >= assignValue
}

// wordish reports whether c is in [\w.-].
func wordish(c byte) bool {
	return c == '_' || c == '.' || c == '-' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// secretSpan picks the secret out of a match as gitleaks does: the rule's secret group, else
// the first group that matched something, else the whole match.
func secretSpan(m []int, group int) span {
	if group > 0 && 2*group+1 < len(m) && m[2*group] >= 0 {
		return span{m[2*group], m[2*group+1]}
	}
	for g := 1; 2*g+1 < len(m); g++ {
		if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
			return span{m[2*g], m[2*g+1]}
		}
	}
	return span{m[0], m[1]}
}

// allowed applies gitleaks' allowlists to a finding. A log line has no path and no commit: an
// allowlist that needs one (AND with paths or commits) never applies, and an OR allowlist
// applies through its regexes and stop words.
func allowed(lists []*config.Allowlist, secret, match, line string) bool {
	for _, a := range lists {
		target := secret
		switch a.RegexTarget {
		case "match":
			target = match
		case "line":
			target = line
		}
		// Each expression alone: gitleaks joins them into one, for which Go's backtracker
		// clears a bitmap of program × input size on every call (~50 µs per finding).
		regex := target != "" && slices.ContainsFunc(a.Regexes, func(re *regexp.Regexp) bool { return re.MatchString(target) })
		stop, _ := a.ContainsStopWord(secret)
		if a.MatchCondition == config.AllowlistMatchAnd {
			if len(a.Paths) > 0 || len(a.Commits) > 0 {
				continue
			}
			if (len(a.Regexes) == 0 || regex) && (len(a.StopWords) == 0 || stop) &&
				(len(a.Regexes) > 0 || len(a.StopWords) > 0) {
				return true
			}
			continue
		}
		if regex || stop {
			return true
		}
	}
	return false
}

// shannonEntropy is the entropy of s in bits per byte, as gitleaks computes it.
func shannonEntropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := range len(s) {
		counts[s[i]]++
	}
	var e float64
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			e -= p * math.Log2(p)
		}
	}
	return e
}
