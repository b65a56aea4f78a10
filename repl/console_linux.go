package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Keys the terminal console reacts to.
const (
	keyCtrlC     = 0x03
	keyCtrlD     = 0x04
	keyBackspace = 0x7f
	keyCtrlH     = 0x08
)

// maxAnswer bounds the typed answer to a yes/no question; maxQueue bounds type-ahead.
const (
	maxAnswer = 16
	maxQueue  = 4096
)

// errNoInput tells go-prompt's reader that no key is waiting; it ignores errors and polls again.
var errNoInput = errors.New("no input")

// ttyConsole owns the terminal's input. It is go-prompt's ConsoleParser (through
// promptInput) and watches the keyboard while a command runs, in cbreak mode without signals
// (ISIG off): Ctrl-C arrives as a byte that cancels the call in progress instead of a SIGINT
// that would end the whole program, and other keys typed meanwhile are queued for the prompt
// rather than echoed into the streamed answer. Every mode is derived from the terminal's
// original settings, never from the current ones.
type ttyConsole struct {
	fd   int
	orig unix.Termios // the terminal as it was before the prompt started
	out  io.Writer
	poll time.Duration

	mu    sync.Mutex
	queue []byte // typed bytes not yet handed to the prompt
}

func newTTYConsole(fd int, out io.Writer) (*ttyConsole, error) {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, fmt.Errorf("read terminal mode: %w", err)
	}
	return &ttyConsole{fd: fd, orig: *t, out: out, poll: 50 * time.Millisecond}, nil
}

// cbreak is the mode while a command runs: the original minus line editing, echo and signals.
func (c *ttyConsole) cbreak() error {
	t := c.orig
	t.Lflag &^= unix.ICANON | unix.ECHO | unix.ISIG | unix.IEXTEN
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(c.fd, unix.TCSETS, &t)
}

// raw is the line editor's mode, the one go-prompt sets itself (output processing stays on).
func (c *ttyConsole) raw() error {
	t := c.orig
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR |
		unix.ICRNL | unix.IXON
	t.Lflag &^= unix.ECHO | unix.ICANON | unix.IEXTEN | unix.ISIG | unix.ECHONL
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(c.fd, unix.TCSETS, &t)
}

func (c *ttyConsole) restore() error {
	return unix.IoctlSetTermios(c.fd, unix.TCSETS, &c.orig)
}

// readKeys waits up to timeout for typed bytes; it returns nil when nothing came.
func (c *ttyConsole) readKeys(buf []byte, timeout time.Duration) ([]byte, error) {
	fds := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, int(timeout.Milliseconds()))
	switch {
	case errors.Is(err, unix.EINTR) || n == 0:
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("poll terminal: %w", err)
	case fds[0].Revents&unix.POLLIN == 0:
		return nil, io.EOF // hung up
	}
	m, err := unix.Read(c.fd, buf)
	switch {
	case errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read terminal: %w", err)
	case m == 0:
		return nil, io.EOF
	}
	return buf[:m], nil
}

// enqueue keeps typed bytes for the prompt, up to maxQueue.
func (c *ttyConsole) enqueue(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queue = append(c.queue, b[:min(len(b), maxQueue-len(c.queue))]...)
}

// nextKey removes and returns the first key of the queue, nil when it is empty.
func (c *ttyConsole) nextKey() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 {
		return nil
	}
	n := keyLen(c.queue)
	k := bytes.Clone(c.queue[:n])
	c.queue = c.queue[n:]
	return k
}

// discard forgets type-ahead, in the queue and in the terminal's input buffer.
func (c *ttyConsole) discard() {
	c.mu.Lock()
	c.queue = nil
	c.mu.Unlock()
	_ = unix.IoctlSetInt(c.fd, unix.TCFLSH, unix.TCIFLUSH)
}

// interruptible watches the keyboard until stop is called: Ctrl-C cancels the returned
// context and drops the type-ahead; other keys are queued for the prompt. Without cbreak mode
// (the terminal refused) the call simply cannot be interrupted.
func (c *ttyConsole) interruptible(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	if err := c.cbreak(); err != nil {
		return ctx, cancel
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		buf := make([]byte, 256)
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			default:
			}
			keys, err := c.readKeys(buf, c.poll)
			if err != nil {
				return
			}
			if bytes.IndexByte(keys, keyCtrlC) >= 0 {
				c.discard()
				cancel()
				return
			}
			c.enqueue(keys)
		}
	}()
	return ctx, func() {
		close(done)
		<-stopped
		_ = c.restore()
		cancel()
	}
}

// confirm asks question and reads a short answer, echoing it. Keys typed before the question
// are discarded so that type-ahead can never approve an action; Ctrl-C or Ctrl-D answer no.
func (c *ttyConsole) confirm(ctx context.Context, question string) (bool, bool, error) {
	if err := c.cbreak(); err != nil {
		return false, true, fmt.Errorf("terminal mode: %w", err)
	}
	c.discard()
	io.WriteString(c.out, question)
	answer, err := c.readAnswer(ctx)
	io.WriteString(c.out, "\n")
	if rerr := c.restore(); rerr != nil && err == nil {
		err = fmt.Errorf("terminal mode: %w", rerr)
	}
	if err != nil {
		return false, true, err
	}
	return parseConfirm(answer), true, nil
}

// readAnswer reads up to Enter with backspace editing; escape sequences (arrow keys) and
// other control keys are ignored. Keys after Enter are queued for the prompt.
func (c *ttyConsole) readAnswer(ctx context.Context) (string, error) {
	var answer []byte
	buf := make([]byte, 64)
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		keys, err := c.readKeys(buf, c.poll)
		if err != nil {
			return "", err
		}
		for len(keys) > 0 {
			n := keyLen(keys)
			k := keys[0]
			switch {
			case n > 1 && k < 0x20:
				// an escape sequence: ignored
			case k == '\r' || k == '\n':
				c.enqueue(keys[n:])
				return string(answer), nil
			case k == keyCtrlC || k == keyCtrlD:
				return "", nil
			case (k == keyBackspace || k == keyCtrlH) && len(answer) > 0:
				answer = answer[:len(answer)-1]
				io.WriteString(c.out, "\b \b")
			case k >= 0x20 && k < 0x7f:
				typed := keys[:min(n, maxAnswer-len(answer))]
				answer = append(answer, typed...)
				c.out.Write(typed)
			}
			keys = keys[n:]
		}
	}
}

// promptInput is go-prompt's ConsoleParser on the console: it reads the terminal fd without
// blocking and hands go-prompt one key at a time, so a pasted line followed by Enter runs
// instead of becoming text with a carriage return in it.
type promptInput struct{ c *ttyConsole }

func (p promptInput) Setup() error    { return p.c.raw() }
func (p promptInput) TearDown() error { return p.c.restore() }

func (p promptInput) Read() ([]byte, error) {
	if k := p.c.nextKey(); k != nil {
		return k, nil
	}
	buf := make([]byte, 1024)
	keys, err := p.c.readKeys(buf, 0)
	if err != nil {
		return nil, err
	}
	p.c.enqueue(keys)
	if k := p.c.nextKey(); k != nil {
		return k, nil
	}
	return nil, errNoInput
}

// winSize reports the terminal size; 80×24 when the terminal does not say.
func (p promptInput) winSize() (rows, cols uint16) {
	ws, err := unix.IoctlGetWinsize(p.c.fd, unix.TIOCGWINSZ)
	if err != nil || ws.Row == 0 || ws.Col == 0 {
		return 24, 80
	}
	return ws.Row, ws.Col
}
