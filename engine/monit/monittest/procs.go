package monittest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// killMarked kills every process whose environment holds marker: the daemon's leftovers,
// such as the background processes its start programs launched. Monit starts them in their
// own sessions, so they are not in the daemon's process group; they do inherit its
// environment. It waits (bounded) until they are dead. Without /proc (not Linux) there is
// nothing to scan and nothing is killed.
func killMarked(marker string) error {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	want := append([]byte(marker), 0)
	var errs []error
	var killed []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(append(env, 0), want) {
			continue // gone, not ours to read, or not marked
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("kill leftover pid %d: %w", pid, err))
			continue
		}
		killed = append(killed, pid)
	}
	deadline := time.Now().Add(2 * time.Second)
	for _, pid := range killed {
		for Alive(pid) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if Alive(pid) {
			errs = append(errs, fmt.Errorf("leftover pid %d survived SIGKILL", pid))
		}
	}
	return errors.Join(errs...)
}

// Alive reports whether process pid exists and is not a zombie (a killed process stays a
// zombie until its parent reaps it).
func Alive(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return syscall.Kill(pid, 0) == nil // no /proc: the best we can tell
	}
	// The state follows the command name, which is in parentheses and may contain spaces.
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
