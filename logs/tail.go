package logs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// blockSize is how much of a file is read at a time, backwards from the end.
const blockSize = 64 << 10

// tailAttempts is how often a read is tried when the file shrinks under it (copytruncate
// rotation) before giving up.
const tailAttempts = 3

// errFileChanged reports a file that shrank while it was read.
var errFileChanged = errors.New("file shrank while being read (truncated or rotated)")

// logFile is what the tail reader needs of an open file.
type logFile interface {
	io.ReaderAt
	io.Closer
	Stat() (fs.FileInfo, error)
}

// openLogFile opens a regular file for reading, never through a symbolic link: O_NOFOLLOW
// refuses a link in the last component (a link to /etc/shadow put where a log was), and
// O_NONBLOCK keeps a FIFO put there from blocking the open; what was opened is then checked to
// be a regular file. The directories above the file are the configuration's, not the
// service's, and are followed.
func openLogFile(path string) (logFile, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%w: %s is a symbolic link, and the log registry never follows links", ErrNotLogFile, path)
	}
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil {
		err = checkRegular(path, info)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// checkRegular refuses directories, devices, sockets, pipes and links.
func checkRegular(path string, info fs.FileInfo) error {
	switch {
	case info.IsDir():
		return fmt.Errorf("%w: %s is a directory, not a log file", ErrNotLogFile, path)
	case info.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%w: %s is a symbolic link, and the log registry never follows links", ErrNotLogFile, path)
	case !info.Mode().IsRegular():
		return fmt.Errorf("%w: %s is not a regular file (mode %s)", ErrNotLogFile, path, info.Mode().Type())
	}
	return nil
}

// tailFile returns the last n lines of the file at path, sanitised. A file that shrinks while it
// is read is read again, up to tailAttempts times.
func tailFile(open func(string) (logFile, error), path string, n int) ([]string, error) {
	buf := make([]byte, blockSize)
	var err error
	for range tailAttempts {
		var lines []string
		lines, err = tailOnce(open, path, n, buf)
		if !errors.Is(err, errFileChanged) {
			return lines, err
		}
	}
	return nil, fmt.Errorf("%w; tried %d times", err, tailAttempts)
}

func tailOnce(open func(string) (logFile, error), path string, n int, buf []byte) ([]string, error) {
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, info); err != nil {
		return nil, err
	}
	size := info.Size()
	start, err := lastLinesStart(f, size, n, buf)
	if err != nil {
		return nil, err
	}
	c := newLineCollector(n)
	copied, err := io.CopyBuffer(c, io.NewSectionReader(f, start, size-start), buf)
	if err != nil {
		return nil, err
	}
	if copied < size-start {
		return nil, errFileChanged
	}
	// A file truncated and written again between the two passes could hand us a mix of old and
	// new bytes without a short read; its size tells.
	if after, err := f.Stat(); err != nil {
		return nil, err
	} else if after.Size() < size {
		return nil, errFileChanged
	}
	return c.lines(), nil
}

// lastLinesStart returns the offset of the first byte of the last n lines of the first size bytes
// of r, reading backwards in blocks of len(buf). A final '\n' ends the last line rather than
// starting an empty one.
func lastLinesStart(r io.ReaderAt, size int64, n int, buf []byte) (int64, error) {
	pos, first := size, true
	for pos > 0 {
		k := int64(len(buf))
		if k > pos {
			k = pos
		}
		pos -= k
		got, err := r.ReadAt(buf[:k], pos)
		if int64(got) < k {
			if err == nil || errors.Is(err, io.EOF) {
				err = errFileChanged
			}
			return 0, err
		}
		block := buf[:k]
		if first {
			block, first = bytes.TrimSuffix(block, []byte{'\n'}), false
		}
		for {
			i := bytes.LastIndexByte(block, '\n')
			if i < 0 {
				break
			}
			if n--; n == 0 {
				return pos + int64(i) + 1, nil
			}
			block = block[:i]
		}
	}
	return 0, nil
}
