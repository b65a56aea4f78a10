//go:build race

package repl_test

// raceEnabled makes the terminal tests build their test binary with -race too.
const raceEnabled = true
