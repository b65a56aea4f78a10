package engine

import "context"

// Redactor removes secrets from outside text (logs/redact.Redactor): main builds one and hands
// it to every place where outside text comes in, so that nothing Monit, a program, a command or
// a log reports is stored, served or put in a prompt with a password or a token in it.
type Redactor interface {
	// Text redacts text of any number of lines.
	Text(text string) string
}

// RedactStatus returns st with the free text Monit reported redacted: a program check's output,
// a port check's request (a URL, which may carry user:password) and what Monit printed where a
// figure was expected (ParseNotes). st's figures are shared with the result, never changed.
func RedactStatus(r Redactor, st Status) Status {
	if r == nil {
		return st
	}
	services := make([]Snapshot, len(st.Services))
	for i, s := range st.Services {
		if s.Program != nil {
			p := *s.Program
			p.Output = r.Text(p.Output)
			s.Program = &p
		}
		if len(s.ParseNotes) > 0 {
			notes := make([]ParseNote, len(s.ParseNotes))
			for j, n := range s.ParseNotes {
				n.Value, n.Problem = r.Text(n.Value), r.Text(n.Problem)
				notes[j] = n
			}
			s.ParseNotes = notes
		}
		if len(s.Ports) > 0 {
			ports := make([]PortCheck, len(s.Ports))
			for j, pc := range s.Ports {
				pc.Request = r.Text(pc.Request)
				ports[j] = pc
			}
			s.Ports = ports
		}
		services[i] = s
	}
	st.Services = services
	return st
}

// RedactingLLM is an LLM whose every message is redacted before it is sent: the last guard of
// the prompts of analysis and Mother, which quote logs, program output, stored answers and
// conversations.
type RedactingLLM struct {
	LLM
	Redactor Redactor
}

// Chat redacts req's messages and sends them.
func (m RedactingLLM) Chat(ctx context.Context, req LLMRequest) (LLMReply, error) {
	return m.LLM.Chat(ctx, m.redact(req))
}

// ChatStream redacts req's messages and sends them.
func (m RedactingLLM) ChatStream(ctx context.Context, req LLMRequest, fn func(chunk string) error) (LLMReply, error) {
	return m.LLM.ChatStream(ctx, m.redact(req), fn)
}

func (m RedactingLLM) redact(req LLMRequest) LLMRequest {
	msgs := make([]LLMMessage, len(req.Messages))
	for i, msg := range req.Messages {
		msg.Content = m.Redactor.Text(msg.Content)
		msgs[i] = msg
	}
	req.Messages = msgs
	return req
}
