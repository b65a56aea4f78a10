package analyze

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/fleet"
	"monit-intel/engine/rca"
	"monit-intel/logs"
)

// Store is what the workflow reads and writes in the history.
type Store interface {
	// EventsOn returns a service's failure events on one host, newest first.
	EventsOn(ctx context.Context, host, service string, limit int) ([]engine.Event, error)
	SaveAnalysis(ctx context.Context, a engine.Analysis) (int64, error)
	// CachedAnalysis returns the newest model analysis of the same failure of the service on
	// that host: another host's nginx may fail alike for another reason.
	CachedAnalysis(ctx context.Context, host, service, fingerprint, model, promptVersion string) (engine.Analysis, bool, error)
}

// LogReader reads a service's registry logs (logs.Registry).
type LogReader interface {
	Read(ctx context.Context, service string, n int) (logs.Result, error)
}

// Options configure an Analyzer.
type Options struct {
	// LLM is the model; nil means rules only.
	LLM engine.LLM
	// NumCtx is the model's context window, sent with every call.
	NumCtx int
	// Timeout bounds one model call (default 60 s).
	Timeout time.Duration
	// Actions returns the whitelisted action names that apply to a service; the model may
	// only suggest those.
	Actions func(service string) []string
	// LocalHost is this machine's Monit host, "" while unknown: a service of another host
	// gets no log lines from here (fleet.LogsHere). Nil means unknown.
	LocalHost func() string
	// Now and Nonce are injectable for tests.
	Now    func() time.Time
	Nonce  func() string
	Logger *slog.Logger
}

// recentEvents is how many failure events go into an analysis's context.
const recentEvents = 5

// Analyzer runs analyses.
type Analyzer struct {
	store Store
	logs  LogReader
	opts  Options
	log   *slog.Logger
}

// New returns an Analyzer.
func New(store Store, logs LogReader, opts Options) *Analyzer {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Nonce == nil {
		opts.Nonce = randomNonce
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.NumCtx <= 0 {
		opts.NumCtx = 8192
	}
	if opts.Actions == nil {
		opts.Actions = func(string) []string { return nil }
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Analyzer{store: store, logs: logs, opts: opts, log: opts.Logger.With("component", "analyze")}
}

func randomNonce() string {
	b := make([]byte, 12)
	rand.Read(b) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}

// AfterCycle analyses the services the cycle classified NEW or CHANGED: ONGOING and OK need
// nothing, RECOVERED is recorded as an event but not analysed. One service's failure does not
// stop the others.
func (a *Analyzer) AfterCycle(ctx context.Context, res engine.CycleResult) ([]engine.Analysis, error) {
	var out []engine.Analysis
	var errs []error
	for _, c := range res.Services {
		if !needsAnalysis(c) {
			continue
		}
		an, err := a.Analyze(ctx, c.Snapshot, eventID(c), false)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, an)
	}
	return out, errors.Join(errs...)
}

// needsAnalysis reports whether the cycle classified c NEW or CHANGED.
func needsAnalysis(c engine.Classified) bool {
	return c.State.State.IsFailure()
}

// eventID is the ID of the failure event the cycle stored for c, 0 when none.
func eventID(c engine.Classified) int64 {
	if c.Event == nil {
		return 0
	}
	return c.Event.ID
}

// Analyze analyses one snapshot and stores the result. The model is asked unless an analysis
// of the same failure (service, fingerprint, model, prompt version) exists and force is false;
// then that answer is reused. The error is about storage only: the model's failures are part
// of the analysis.
func (a *Analyzer) Analyze(ctx context.Context, snap engine.Snapshot, eventID int64, force bool) (engine.Analysis, error) {
	an, err := a.build(ctx, snap, eventID, force, "")
	if err != nil {
		return engine.Analysis{}, err
	}
	return a.save(ctx, an)
}

// AnalyzeNow stores at once the analysis that needs no new model call: the rules', with the
// model's earlier answer to the same failure when there is one. It reports whether the model
// still has to be asked (AnalyzeModel, later); then why is the analysis's LLMError, saying
// what keeps the model's part out for now.
func (a *Analyzer) AnalyzeNow(ctx context.Context, snap engine.Snapshot, eventID int64, why string) (engine.Analysis, bool, error) {
	an, err := a.build(ctx, snap, eventID, false, why)
	if err != nil {
		return engine.Analysis{}, false, err
	}
	an, err = a.save(ctx, an)
	return an, err == nil && a.opts.LLM != nil && an.Source != engine.SourceLLM, err
}

// AnalyzeModel asks the model about one snapshot (after AnalyzeNow) and stores the whole
// analysis only when the model answered. When it did not, nothing is stored (the rules'
// analysis stands) and the error wraps errNoAnswer, saying why.
func (a *Analyzer) AnalyzeModel(ctx context.Context, snap engine.Snapshot, eventID int64) (engine.Analysis, error) {
	an, err := a.build(ctx, snap, eventID, false, "")
	if err != nil {
		return engine.Analysis{}, err
	}
	if an.Source != engine.SourceLLM {
		return an, fmt.Errorf("analyze %s: %w: %s", snap.Name, errNoAnswer, an.LLMError)
	}
	return a.save(ctx, an)
}

// errNoAnswer is AnalyzeModel's error when the model gave no usable answer.
var errNoAnswer = errors.New("no answer from the model")

// build analyses one snapshot without storing it; a non-empty skipModel stops it short of a
// model call (AnalyzeNow).
func (a *Analyzer) build(ctx context.Context, snap engine.Snapshot, eventID int64, force bool, skipModel string) (engine.Analysis, error) {
	start := a.opts.Now()
	in, err := a.input(ctx, snap)
	if err != nil {
		return engine.Analysis{}, err
	}
	f := rca.Analyze(in)
	an := engine.Analysis{
		At: start, Host: snap.Host, Service: snap.Name, EventID: eventID, Source: engine.SourceRules,
		Fingerprint: rca.Fingerprint(in, f), PromptVersion: rca.PromptVersion, Summary: f.Summary,
	}
	for _, c := range f.Causes {
		an.Causes = append(an.Causes, c.ID)
	}
	answer := a.modelPart(ctx, in, f, &an, force, skipModel)
	an.Text = rca.Render(f, answer, an.LLMError)
	an.Duration = a.opts.Now().Sub(start)
	return an, nil
}

// save stores an and logs it.
func (a *Analyzer) save(ctx context.Context, an engine.Analysis) (engine.Analysis, error) {
	id, err := a.store.SaveAnalysis(ctx, an)
	if err != nil {
		return engine.Analysis{}, fmt.Errorf("analyze %s: %w", an.Service, err)
	}
	an.ID = id
	a.log.Info("analysed", "host", an.Host, "service", an.Service, "source", an.Source, "cached", an.Cached,
		"causes", an.Causes, "duration_ms", an.Duration.Milliseconds(), "llm_error", an.LLMError)
	return an, nil
}

// input gathers the context of an analysis. A service without logs still gets analysed: the
// reason goes into the prompt instead.
func (a *Analyzer) input(ctx context.Context, snap engine.Snapshot) (rca.Input, error) {
	in := rca.Input{Snapshot: snap, Actions: a.opts.Actions(snap.Name)}
	events, err := a.store.EventsOn(ctx, snap.Host, snap.Name, recentEvents)
	if err != nil {
		return in, fmt.Errorf("analyze %s: %w", snap.Name, err)
	}
	in.Events = events
	if a.opts.LocalHost != nil {
		if err := fleet.LogsHere(a.opts.LocalHost(), snap.Host, snap.Name); err != nil {
			in.LogError = err.Error()
			return in, nil
		}
	}
	res, err := a.logs.Read(ctx, snap.Name, 0)
	switch {
	case errors.Is(err, logs.ErrNoSource):
		// Without the registry's list of other services: the model needs none of it.
		in.LogError = "no log source configured for " + snap.Name
		return in, nil
	case err != nil:
		in.LogError = err.Error()
		return in, nil
	}
	in.Logs, in.LogSource = res.Lines, res.Source
	return in, nil
}

// modelPart fills the model's fields of an and returns its answer, or nil with an.LLMError
// saying why there is none. A non-empty skipModel is that reason when no earlier answer to
// the same failure can be reused: the model is not called.
func (a *Analyzer) modelPart(ctx context.Context, in rca.Input, f rca.Findings, an *engine.Analysis, force bool, skipModel string) *rca.Answer {
	llm := a.opts.LLM
	if llm == nil {
		an.LLMError = "no model configured"
		return nil
	}
	an.Model = llm.Model()
	allowed := allowedSet(in.Actions)
	if !force {
		cached, ok, err := a.store.CachedAnalysis(ctx, an.Host, an.Service, an.Fingerprint, an.Model, an.PromptVersion)
		if err != nil {
			a.log.Warn("analysis cache unavailable", "host", an.Host, "service", an.Service, "err", err)
		}
		if ok {
			return a.reuse(cached, an)
		}
	}
	if skipModel != "" {
		an.LLMError = skipModel
		return nil
	}
	budget := rca.Budget{NumCtx: a.opts.NumCtx}
	temp := 0.0
	req := engine.LLMRequest{
		Messages:    rca.BuildPrompt(in, f, budget, a.opts.Nonce()),
		Schema:      rca.Schema(in.Actions),
		NumCtx:      budget.NumCtx,
		NumPredict:  budget.Predict(),
		Temperature: &temp,
	}
	cctx, cancel := context.WithTimeout(ctx, a.opts.Timeout)
	defer cancel()
	reply, err := llm.Chat(cctx, req)
	if err != nil {
		an.LLMError = err.Error() // the adapter says "llm unavailable: <why>"
		return nil
	}
	an.PromptTokens, an.ResponseTokens, an.Truncated = reply.PromptTokens, reply.ResponseTokens, reply.Truncated
	if reply.Truncated {
		a.log.Warn("prompt cut by the model server", "host", an.Host, "service", an.Service, "prompt_tokens", reply.PromptTokens,
			"num_ctx", req.NumCtx)
	}
	answer, err := rca.ParseAnswer(reply.Content, func(name string) bool { return allowed[name] })
	if err != nil {
		an.LLMError = "model answer unusable: " + err.Error()
		return nil
	}
	answer.Model = an.Model
	a.fromAnswer(answer, an)
	return &answer
}

// reuse copies a cached model answer into an.
func (a *Analyzer) reuse(cached engine.Analysis, an *engine.Analysis) *rca.Answer {
	an.Source, an.Cached = engine.SourceLLM, true
	an.ProbableCause = cached.ProbableCause
	for _, s := range cached.SuggestedActions { // the cached failure may be another host's
		an.SuggestedActions = append(an.SuggestedActions, engine.SuggestedAction{Action: s.Action, Host: an.Host, Service: s.Service})
	}
	an.PromptTokens, an.ResponseTokens = cached.PromptTokens, cached.ResponseTokens
	answer := &rca.Answer{Model: an.Model, ProbableCause: cached.ProbableCause,
		Summary: cached.Summary, Notes: []string{fmt.Sprintf("reused the model's analysis #%d of the same failure", cached.ID)}}
	for _, s := range cached.SuggestedActions {
		answer.SuggestedActions = append(answer.SuggestedActions, rca.Suggested{Action: s.Action, Service: s.Service})
	}
	an.Summary = cached.Summary
	return answer
}

func (a *Analyzer) fromAnswer(answer rca.Answer, an *engine.Analysis) {
	an.Source = engine.SourceLLM
	an.ProbableCause = answer.ProbableCause
	if answer.Summary != "" {
		an.Summary = answer.Summary
	}
	for _, s := range answer.SuggestedActions {
		// The host is the analysed service's, from the data; the model names no host.
		an.SuggestedActions = append(an.SuggestedActions, engine.SuggestedAction{Action: s.Action, Host: an.Host, Service: s.Service})
	}
}

func allowedSet(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
