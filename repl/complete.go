package repl

import (
	"slices"
	"sort"
	"strings"
)

// suggestion is one completion offered to the line editor; it replaces the word before the
// cursor.
type suggestion struct {
	text string
	desc string
}

// completionData is what completion knows besides the command table.
type completionData struct {
	services []suggestion // service names with their state as description
	hosts    []suggestion // Monit host names, offered after "on" ("restart job on alpha")
	verbs    []string
	ids      []suggestion // proposal IDs seen in this session
}

// minFreeTextWord is how much of a word free text needs before service names and action verbs
// are offered, so that ordinary chat does not pop up suggestions at every word.
const minFreeTextWord = 3

// complete returns the suggestions for the text before the cursor. The suggestions replace
// the last word (the text after the last space).
func complete(before string, d completionData) []suggestion {
	if strings.TrimSpace(before) == "" {
		return nil
	}
	word := before[strings.LastIndexByte(before, ' ')+1:]
	if fields := strings.Fields(before); word != "" && len(fields) >= 2 && strings.EqualFold(fields[len(fields)-2], "on") {
		if hosts := matchWords(d.hosts, word); len(hosts) > 0 {
			return hosts
		}
	}
	if !strings.HasPrefix(before, "/") {
		if len([]rune(word)) < minFreeTextWord {
			return nil
		}
		// "restart nordvpn_status" in plain words proposes the action, as /suggest does.
		return append(matchWords(d.services, word), matchWords(verbSuggestions(d.verbs), word)...)
	}
	fields := strings.Fields(before)
	if !strings.Contains(before, " ") {
		return matchCommands(word)
	}
	spec, ok := lookupCommand(fields[0])
	if !ok {
		return nil
	}
	pos := len(fields) - 1 // arguments already complete when the cursor follows a space
	if word != "" {
		pos--
	}
	kinds := spec.shape.kinds()
	required := slices.IndexFunc(kinds, argKind.optional)
	if required < 0 {
		required = len(kinds)
	}
	if pos >= required {
		// The optional arguments come in any order; of them only a host can be completed, and
		// only until one is given.
		if slices.Contains(kinds, argHost) && !slices.ContainsFunc(fields[1+required:1+pos], isHostWord) {
			return matchWords(d.hosts, word)
		}
		return nil
	}
	switch kinds[pos] {
	case argService:
		return matchWords(d.services, word)
	case argVerb:
		return matchWords(verbSuggestions(d.verbs), word)
	case argID:
		return matchWords(d.ids, word)
	}
	return nil
}

// isHostWord reports whether an optional argument is a host: not a count, not "on".
func isHostWord(a string) bool { return !isNumber(a) && !strings.EqualFold(a, "on") }

func verbSuggestions(verbs []string) []suggestion {
	out := make([]suggestion, len(verbs))
	for i, v := range verbs {
		out[i] = suggestion{text: v, desc: "action"}
	}
	return out
}

func matchCommands(word string) []suggestion {
	word = strings.ToLower(word)
	var out []suggestion
	for _, c := range commands {
		if strings.HasPrefix(c.name, word) {
			out = append(out, suggestion{text: c.name, desc: strings.TrimSpace(c.usage + " " + c.help)})
		}
	}
	return out
}

// matchWords returns the candidates whose text, or one of its parts after "_", "-" or ".",
// starts with word (case-insensitively): whole-name matches first, each group sorted.
func matchWords(cands []suggestion, word string) []suggestion {
	word = strings.ToLower(word)
	var whole, part []suggestion
	for _, c := range cands {
		name := strings.ToLower(c.text)
		switch {
		case strings.HasPrefix(name, word):
			whole = append(whole, c)
		case partHasPrefix(name, word):
			part = append(part, c)
		}
	}
	byText := func(s []suggestion) func(i, j int) bool {
		return func(i, j int) bool { return s[i].text < s[j].text }
	}
	sort.SliceStable(whole, byText(whole))
	sort.SliceStable(part, byText(part))
	return append(whole, part...)
}

func partHasPrefix(name, word string) bool {
	for i, r := range name {
		if (r == '_' || r == '-' || r == '.') && strings.HasPrefix(name[i+1:], word) {
			return true
		}
	}
	return false
}
