package client

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"monit-intel/repl"
	"monit-intel/rest"
)

// Chat sends a message to Mother and streams the answer: onChunk gets each piece as it is
// generated, on the caller's goroutine. Cancelling ctx closes the stream, which stops the
// model on the daemon.
func (c *Client) Chat(ctx context.Context, session, message string, onChunk func(string)) (repl.ChatReply, error) {
	req, err := c.request(ctx, http.MethodPost, "/mother/chat", nil, rest.ChatRequest{Message: message, Session: session})
	if err != nil {
		return repl.ChatReply{}, err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.http.Do(req)
	if err != nil {
		return repl.ChatReply{}, fmt.Errorf("daemon at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	if err := checkStatus(resp); err != nil {
		return repl.ChatReply{}, err
	}
	reply, err := readEvents(resp.Body, onChunk)
	if err != nil && ctx.Err() != nil {
		return repl.ChatReply{}, ctx.Err()
	}
	return reply, err
}

// readEvents reads chunk events until done or error.
func readEvents(r io.Reader, onChunk func(string)) (repl.ChatReply, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var event, data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			data += strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")
		case line == "":
			reply, done, err := handleEvent(event, data, onChunk)
			if done || err != nil {
				return reply, err
			}
			event, data = "", ""
		}
	}
	if err := sc.Err(); err != nil {
		return repl.ChatReply{}, fmt.Errorf("read the answer: %w", err)
	}
	return repl.ChatReply{}, errors.New("the daemon closed the answer before it was done")
}

func handleEvent(event, data string, onChunk func(string)) (repl.ChatReply, bool, error) {
	switch event {
	case "chunk":
		var c rest.ChatChunk
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return repl.ChatReply{}, true, fmt.Errorf("decode a chunk: %w", err)
		}
		onChunk(c.Text)
	case "error":
		var e rest.ChatError
		json.Unmarshal([]byte(data), &e)
		return repl.ChatReply{}, true, errors.New(e.Detail)
	case "done":
		var r rest.ChatReply
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			return repl.ChatReply{}, true, fmt.Errorf("decode the answer: %w", err)
		}
		out := repl.ChatReply{Text: r.Text, ModelNote: r.ModelNote}
		for _, p := range r.Proposals {
			out.Proposals = append(out.Proposals, toProposal(p))
		}
		if len(r.Refused) > 0 {
			note := "refused: " + strings.Join(r.Refused, "; ")
			if out.ModelNote != "" {
				note = out.ModelNote + "; " + note
			}
			out.ModelNote = note
		}
		return out, true, nil
	}
	return repl.ChatReply{}, false, nil
}

// ClearSession forgets a conversation (DELETE /mother/clear).
func (c *Client) ClearSession(ctx context.Context, session string) error {
	return c.do(ctx, http.MethodDelete, "/mother/clear", url.Values{"session": {session}}, nil, nil)
}
