// Package slowfake is an in-process engine.LLM for tests of what a slow model does to its
// callers: it answers after a delay measured on the caller's clock, so that testing/synctest
// runs minutes of model time in milliseconds (the HTTP fake, ollamafake, cannot run inside a
// synctest bubble). It counts calls and the most in flight at once.
//
// It is for tests only and knows nothing of Ollama's protocol; ollamafake is the fake to use
// where the wire matters.
package slowfake
