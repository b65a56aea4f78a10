// Package redact removes secrets from outside text before monit-intel stores it, serves it or
// puts it in a prompt: log lines, a program check's output, an action's output, Monit's
// messages. One Redactor, built once in main and injected where text comes in, is the only
// redaction step.
//
// Two rule sets run on every line:
//   - structural patterns of our own for secrets whose shape comes from where they stand:
//     a URL's user:password, password=/token=/secret= values (key: value and JSON forms too),
//     pwd= and Pwd=…; connection strings, Authorization and bearer credentials, cookies,
//     mysql -pX, --password X, "the password is X", private key blocks;
//   - gitleaks' default rules (github.com/zricethezav/gitleaks/v8, the field's maintained set of
//     hundreds of providers' token formats: GitHub, Slack, Stripe, JWTs, AWS, GCP…), applied as
//     gitleaks applies them: keyword prefilter, regular expression, secret group, entropy and
//     allowlists.
//
// It errs on the side of hiding too much, and a second pass changes nothing. It must not log,
// keep state between calls, or panic on any input.
package redact
