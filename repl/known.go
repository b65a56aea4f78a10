package repl

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"
)

// knownNames are the service names and proposal IDs completion offers. The service list is
// refreshed in the background, so completion never waits for the daemon.
type knownNames struct {
	mu       sync.RWMutex
	fetched  bool // a service list has been set
	services []suggestion
	hosts    []suggestion
	ids      map[string]suggestion
	verbs    []string
}

func newKnownNames(verbs []string) *knownNames {
	return &knownNames{ids: map[string]suggestion{}, verbs: verbs}
}

// setServices replaces the service and host lists; a name on several hosts is offered once.
func (k *knownNames) setServices(sts []ServiceStatus) {
	seen, seenHost := map[string]bool{}, map[string]bool{}
	list := make([]suggestion, 0, len(sts))
	var hosts []suggestion
	for _, s := range sts {
		if s.Host != "" && !seenHost[s.Host] {
			seenHost[s.Host] = true
			hosts = append(hosts, suggestion{text: sanitizeLine(s.Host), desc: "host"})
		}
		if s.Service == "" || seen[s.Service] {
			continue
		}
		seen[s.Service] = true
		desc := sanitizeLine(s.State)
		if s.Status != 0 {
			desc += " · " + sanitizeLine(s.StatusText)
		}
		list = append(list, suggestion{text: sanitizeLine(s.Service), desc: desc})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].text < list[j].text })
	sort.Slice(hosts, func(i, j int) bool { return hosts[i].text < hosts[j].text })
	k.mu.Lock()
	k.services, k.hosts, k.fetched = list, hosts, true
	k.mu.Unlock()
}

// hostCount is how many hosts the last service list had: with several, tables name each
// row's host. Without a list yet (pipe mode keeps none in the background) it fetches one
// first; when that fails it counts none.
func (k *knownNames) hostCount(ctx context.Context, b Backend) int {
	k.mu.RLock()
	fetched := k.fetched
	k.mu.RUnlock()
	if !fetched {
		_, _ = k.refreshServices(ctx, b, initialTimeout)
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return len(k.hosts)
}

// hostNames are the hosts of the last service list and of sts, sorted.
func (k *knownNames) hostNames(sts []ServiceStatus) []string {
	k.mu.RLock()
	var out []string
	for _, h := range k.hosts {
		out = append(out, h.text)
	}
	k.mu.RUnlock()
	for _, s := range sts {
		out = append(out, s.Host)
	}
	slices.Sort(out)
	return slices.DeleteFunc(slices.Compact(out), func(h string) bool { return h == "" })
}

// addIDs remembers proposal IDs for /approve and /reject.
func (k *knownNames) addIDs(ps ...Proposal) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, p := range ps {
		if p.ID != "" {
			k.ids[p.ID] = suggestion{text: sanitizeLine(p.ID), desc: sanitizeLine(p.Action + " " + p.Service)}
		}
	}
}

// data is a snapshot for one completion.
func (k *knownNames) data() completionData {
	k.mu.RLock()
	defer k.mu.RUnlock()
	ids := make([]suggestion, 0, len(k.ids))
	for _, s := range k.ids {
		ids = append(ids, s)
	}
	return completionData{services: k.services, hosts: k.hosts, verbs: k.verbs, ids: ids}
}

// refreshServices fetches the service list once, giving up after timeout.
func (k *knownNames) refreshServices(ctx context.Context, b Backend, timeout time.Duration) ([]ServiceStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	sts, err := b.Status(ctx, false)
	if err != nil {
		return nil, err
	}
	k.setServices(sts)
	return sts, nil
}

// keepFresh refreshes the service list every interval until ctx ends. Errors are ignored:
// the list just stays as it was, and the user sees the error at the next command.
func (k *knownNames) keepFresh(ctx context.Context, b Backend, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, _ = k.refreshServices(ctx, b, every/2)
		}
	}
}
