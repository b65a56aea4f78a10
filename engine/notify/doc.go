// Package notify tells people what changed: failure events (NEW, CHANGED, RECOVERED and any
// kind the engine adds), flapping services, the model's analysis when it follows the rules', and
// new pending proposals with a link to approve them in the web UI.
//
// A Notifier decides what to send to which target (filters, min_duration holds, flapping,
// repeats) and puts each message in a persistent Outbox; a Dispatcher delivers the outbox with
// retries and exponential backoff with jitter and deletes a message only after its target
// confirmed it. Targets are URLs: shoutrrr's services (ntfy, Slack, Discord, Telegram, Gotify,
// Matrix, SMTP, …) or a plain http(s) URL, our JSON webhook whose body is Message.
//
// It must not print a target's URL other than through Redact: notify URLs carry tokens and
// passwords. It never acts on anything a message says.
package notify
