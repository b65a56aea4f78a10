package config

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// unknownField is yaml's report of a key strict decoding does not know.
var unknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)

// friendlyYAMLError rewords yaml's "line 5: field user not found in type config.Host" as
// "line 5: unknown key hosts.beta.user": the key's full path in the file, not our type
// names, so a key nested in a map or a list says where it is.
func friendlyYAMLError(err error, data []byte) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  ")
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		root = yaml.Node{}
	}
	return unknownField.ReplaceAllStringFunc(msg, func(m string) string {
		sub := unknownField.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[1])
		key := sub[2]
		if p, ok := keyPath(&root, line, key, ""); ok {
			key = p
		}
		return fmt.Sprintf("line %d: unknown key %s", line, key)
	})
}

// keyPath finds the mapping key named key on line and returns its path from the document's
// root: map keys joined by '.', list items as [i].
func keyPath(n *yaml.Node, line int, key, prefix string) (string, bool) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if p, ok := keyPath(c, line, key, prefix); ok {
				return p, true
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Line == line && k.Value == key {
				return join(k.Value), true
			}
			if p, ok := keyPath(v, line, key, join(k.Value)); ok {
				return p, true
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if p, ok := keyPath(c, line, key, fmt.Sprintf("%s[%d]", prefix, i)); ok {
				return p, true
			}
		}
	}
	return "", false
}

// validatePorts checks the port of every address in the configuration: url.Parse and
// net.SplitHostPort take any digits, so http://host:99999 would only fail when first used.
func (c Config) validatePorts(bad func(field, format string, args ...any)) {
	urls := map[string]string{"ollama.url": c.Ollama.URL, "notify_base_url": c.NotifyBaseURL}
	if c.Monit.List {
		for i, t := range c.Monit.Targets {
			urls[fmt.Sprintf("monit[%d].url", i)] = t.URL
		}
	} else {
		urls["monit.url"] = c.Monit.URL
	}
	for name, h := range c.Hosts {
		urls["hosts."+name+".url"] = h.URL
	}
	for i, t := range c.NotifyTargets() {
		urls[fmt.Sprintf("notify[%d].url", i)] = t.URL
	}
	for _, field := range slices.Sorted(maps.Keys(urls)) {
		u, err := url.Parse(urls[field])
		if err != nil { // reported where the field is checked
			continue
		}
		if p := u.Port(); p != "" && !validPort(p, 1) {
			// Only the port: a notification URL may hold a token anywhere.
			bad(field, "port %s is out of range: want 1 to 65535", p)
		}
	}
	for field, addr := range map[string]string{"listen": c.Listen, "metrics.listen": c.Metrics.Listen} {
		_, p, err := net.SplitHostPort(addr)
		if n, nerr := strconv.Atoi(p); err == nil && nerr == nil && (n < 0 || n > 65535) { // a name (":http") is net's to check
			bad(field, "port %s is out of range: want 0 (any free port) to 65535", p)
		}
	}
}

// validPort reports whether p is a decimal port number from low to 65535.
func validPort(p string, low int) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= low && n <= 65535
}
