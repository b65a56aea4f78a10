package repl

import (
	"fmt"

	prompt "github.com/c-bata/go-prompt"
)

// lineEditor reads input lines with completion and history. goPrompt is the implementation;
// the interface keeps go-prompt (unmaintained) swappable and the terminal loop testable.
type lineEditor interface {
	// Run calls execute with each line until execute returns true, the user presses Ctrl-D on
	// an empty line, or stop reports true.
	Run(execute func(line string) (quit bool)) error
}

// goPrompt runs github.com/c-bata/go-prompt on promptInput, whose terminal modes derive from
// the original settings (go-prompt's own parser overwrites its saved copy with the raw mode,
// which is why it leaves terminals raw). The caller still restores the terminal on every path.
type goPrompt struct {
	input    promptInput
	prefix   string
	history  []string
	complete func(before string) []suggestion
	stop     func() bool
}

// Run starts go-prompt's loop. Leaving goes through the exit checker, never os.Exit; a panic
// inside go-prompt (no terminal size, no /dev/tty) becomes an error so the caller can still
// restore the terminal and report it.
func (g *goPrompt) Run(execute func(line string) (quit bool)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("line editor: %v", r)
		}
	}()
	quit := false
	p := prompt.New(
		func(line string) { quit = execute(line) },
		func(d prompt.Document) []prompt.Suggest {
			return toPromptSuggests(g.complete(d.TextBeforeCursor()))
		},
		prompt.OptionParser(g.input),
		prompt.OptionPrefix(g.prefix),
		// go-prompt draws the prompt once more after the executor, before the exit checker
		// runs: draw an empty one when leaving so the shell's prompt starts on a clean line.
		prompt.OptionLivePrefix(func() (string, bool) { return "", quit }),
		prompt.OptionHistory(g.history),
		prompt.OptionMaxSuggestion(8),
		prompt.OptionSetExitCheckerOnInput(func(_ string, breakline bool) bool {
			return (breakline && quit) || g.stop()
		}),
	)
	p.Run()
	return nil
}

func toPromptSuggests(ss []suggestion) []prompt.Suggest {
	out := make([]prompt.Suggest, len(ss))
	for i, s := range ss {
		out[i] = prompt.Suggest{Text: s.text, Description: s.desc}
	}
	return out
}

// GetWinSize makes promptInput a go-prompt ConsoleParser.
func (p promptInput) GetWinSize() *prompt.WinSize {
	rows, cols := p.winSize()
	return &prompt.WinSize{Row: rows, Col: cols}
}

var _ prompt.ConsoleParser = promptInput{}
