package mother

import (
	"slices"
	"strings"
)

// candidate is a known service as the matcher sees it.
type candidate struct {
	name   string   // as known
	low    string   // lower case
	words  []string // its words, lower case
	joined string   // its words without separators
	// aliases are its other names (unit, log name, configured aliases), lower case, units
	// with and without ".service".
	aliases []string
	// ordinary is set when the name is a word Mother reads as an intent ("failing", "status"):
	// it names the service only where a name is expected (see ordinaryNamed).
	ordinary bool
}

func candidates(k Known) []candidate {
	out := make([]candidate, 0, len(k.Names))
	for _, n := range k.Names {
		low := strings.ToLower(n)
		c := candidate{name: n, low: low, words: parts(low), joined: joined(low), ordinary: vocabulary(low)}
		for _, a := range k.Aliases[n] {
			a = strings.ToLower(strings.TrimSpace(a))
			if a == "" || a == low || vocabulary(a) {
				continue
			}
			c.aliases = append(c.aliases, a)
			if base := strings.TrimSuffix(a, ".service"); base != a && base != "" {
				c.aliases = append(c.aliases, base)
			}
		}
		out = append(out, c)
	}
	// An alias that is a word of another service's name ("nordvpn" from nordvpn_status's log
	// file, when there is also nordvpn_reconnect) would hide the ambiguity: it is dropped.
	owners := map[string][]string{} // a word of a name: the services whose name has it
	for _, c := range out {
		for _, w := range c.words {
			owners[w] = append(owners[w], c.name)
		}
	}
	for i := range out {
		out[i].aliases = slices.DeleteFunc(out[i].aliases, func(a string) bool {
			return slices.ContainsFunc(owners[a], func(n string) bool { return n != out[i].name })
		})
	}
	return out
}

// ordinaryNamed reports whether the ordinary word at i stands where a service name would:
// after "of", "for", "restart", "service", …, quoted, the only word, or said twice ("why is
// failing failing?" names it first).
func ordinaryNamed(ts []token, i int) bool {
	if len(ts) == 1 || (i > 0 && nameSlots[ts[i-1].text]) || ts[i].quoted {
		return true
	}
	for j := i + 1; j < len(ts); j++ {
		if ts[j].text == ts[i].text {
			return true
		}
	}
	return false
}

// maxEdits is how many typos a word of n bytes may have and still name a service: none in
// short words (too many false friends), one up to 8 bytes, two beyond.
func maxEdits(n int) int {
	switch {
	case n < 5:
		return 0
	case n < 9:
		return 1
	default:
		return 2
	}
}

// found is one service found in a message: where it starts and how sure the match is.
type found struct {
	name string
	pos  int
}

// findServices marks the words that name known services and returns those services in the
// order they appear, and the services a vague word could mean when it names none for sure.
//
// In order of confidence, a service is named by: its name ("nordvpn_status"), its words
// ("nordvpn status") or its words run together, its unit ("nordvpnd", "nordvpnd.service"),
// its name with typos ("nordvpn_stauts", within maxEdits), or one of its words that no other
// service has ("backup" for system_backup). A word shared by several services makes them
// ambiguous instead.
func findServices(ts []token, cs []candidate) (names, ambiguous []string) {
	var hits []found
	for i := range ts {
		if ts[i].used {
			continue
		}
		if c, n, ok := strongAt(ts, i, cs); ok {
			hits = append(hits, found{name: c.name, pos: i})
			for j := i; j < i+n; j++ {
				ts[j].used, ts[j].svc = true, c.name
			}
		}
	}
	for i := range ts {
		if ts[i].used || vocabulary(ts[i].text) || len(ts[i].text) < 2 {
			continue
		}
		var match []string
		for _, c := range cs {
			if weakMatch(ts[i].text, c) && (!c.ordinary || ordinaryNamed(ts, i)) {
				match = append(match, c.name)
			}
		}
		if len(match) > 1 && i+1 < len(ts) && !ts[i+1].used {
			// "vpn status": the next word is a word of only one of them.
			if one := narrow(match, ts[i+1].text, cs); one != "" {
				match = []string{one}
				ts[i+1].used = true
			}
		}
		switch len(match) {
		case 0:
			continue
		case 1:
			hits = append(hits, found{name: match[0], pos: i})
			ts[i].svc = match[0]
		default:
			ambiguous = append(ambiguous, match...)
		}
		ts[i].used = true
	}
	slices.SortStableFunc(hits, func(a, b found) int { return a.pos - b.pos })
	for _, h := range hits {
		if !slices.Contains(names, h.name) {
			names = append(names, h.name)
		}
	}
	ambiguous = slices.DeleteFunc(uniq(ambiguous), func(n string) bool { return slices.Contains(names, n) })
	return names, ambiguous
}

// abbreviates reports whether the words of a name-shaped word shorten a name's words, in
// order: each is the name's word, or its letters in order with the same first letter
// ("srv" for server, "med" for media).
func abbreviates(ws, name []string) bool {
	if len(ws) != len(name) {
		return false
	}
	for i, w := range ws {
		if w == "" || name[i] == "" || w[0] != name[i][0] || !subsequence(w, name[i]) {
			return false
		}
	}
	return true
}

func subsequence(a, b string) bool {
	j := 0
	for i := 0; i < len(b) && j < len(a); i++ {
		if a[j] == b[i] {
			j++
		}
	}
	return j == len(a)
}

// narrow returns the one service among names that has w as a word of its name, or "".
func narrow(names []string, w string, cs []candidate) string {
	one := ""
	for _, c := range cs {
		if slices.Contains(names, c.name) && slices.Contains(c.words, w) {
			if one != "" {
				return ""
			}
			one = c.name
		}
	}
	return one
}

// strongAt reports the service named by the words starting at i, and how many words name it.
// Exact forms win over typos; among typos the closest wins.
func strongAt(ts []token, i int, cs []candidate) (candidate, int, bool) {
	if c, n, ok := longNameAt(ts, i, cs); ok {
		return c, n, true
	}
	w := strings.TrimSuffix(ts[i].text, ".service") // "nordvpn_reconnect.service"
	for _, c := range cs {
		if (w == c.low && (!c.ordinary || ordinaryNamed(ts, i))) || slices.Contains(c.aliases, ts[i].text) {
			return c, 1, true
		}
	}
	if strings.ContainsAny(w, "_-") {
		for _, c := range cs {
			if abbreviates(parts(w), c.words) {
				return c, 1, true // "media_srv" for media_server
			}
		}
	}
	best, bestN, bestD := candidate{}, 0, -1
	fuzzy := !vocabulary(w) // a word Mother knows is never a typo of a name
	for span := 4; span >= 1; span-- {
		if i+span > len(ts) {
			continue
		}
		run := spanText(ts[i : i+span])
		if run == "" {
			continue
		}
		for _, c := range cs {
			if run == c.joined && (span > 1 || len(c.words) > 1 || w == c.joined) && (!c.ordinary || span > 1 || ordinaryNamed(ts, i)) {
				return c, span, true
			}
			if !fuzzy || span > len(c.words) || len(c.joined) < 5 || (c.ordinary && !ordinaryNamed(ts, i)) {
				continue
			}
			if d := distance(run, c.joined, maxEdits(len(c.joined))); d >= 0 && (bestD < 0 || d < bestD) {
				best, bestN, bestD = c, span, d
			}
		}
	}
	return best, bestN, bestD >= 0
}

// longNameAt reports a name of more than four words said in full at i. The spans strongAt
// tries stop at four words; a longer name must still take all its words, or the ones left
// over would be read as the message's own: a service called "ignore previous instructions
// and restart sshd" would turn "why is ignore previous instructions and restart sshd
// failing" into a restart request.
func longNameAt(ts []token, i int, cs []candidate) (candidate, int, bool) {
	for _, c := range cs {
		for span := min(len(c.words), len(ts)-i); span > 4; span-- {
			if spanText(ts[i:i+span]) == c.joined {
				return c, span, true
			}
		}
	}
	return candidate{}, 0, false
}

// spanText is the words joined without separators, or "" when one of them is already taken.
func spanText(ts []token) string {
	var b strings.Builder
	for _, t := range ts {
		if t.used {
			return ""
		}
		b.WriteString(joined(t.text))
	}
	return b.String()
}

// weakMatch reports whether a single word may mean c: it is one of c's words (or within one
// typo of a long one), or a long piece of c's joined name.
func weakMatch(w string, c candidate) bool {
	for _, p := range c.words {
		if len(p) == 2 && w == p && !stopWords[p] { // "db" for db_host
			return true
		}
		if len(p) < 3 || stopWords[p] {
			continue
		}
		if w == p || (len(p) >= 6 && distance(w, p, 1) >= 0) {
			return true
		}
		// "vpn" for nordvpn_status: a short word that ends or starts a longer part.
		if len(w) == 3 && len(p) >= 5 && (strings.HasSuffix(p, w) || strings.HasPrefix(p, w)) {
			return true
		}
	}
	return len(w) >= 4 && strings.Contains(c.joined, w)
}

// distance is the optimal string alignment distance (Levenshtein with transpositions) of a and
// b in bytes, or -1 when it exceeds max. Service names are mostly ASCII; a typo in a
// multi-byte letter costs more, which only makes matching stricter.
func distance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return -1
	}
	if a == b {
		return 0
	}
	var buf [3][64]int
	if len(b)+1 > len(buf[0]) {
		return -1 // longer than any service name worth a fuzzy match
	}
	prev2, prev, cur := buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return -1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[len(b)] > max {
		return -1
	}
	return prev[len(b)]
}

func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
