// Package ollamatest starts a real Ollama server with the tiny deterministic model for
// end-to-end tests.
//
// It uses the kit in shared/ollama-e2e (build-ollama.sh, tiny.gguf, Modelfile), found through
// OLLAMA_E2E_DIR, else ../shared/ollama-e2e beside the repository root, else
// /work/shared/ollama-e2e. Building Ollama takes minutes, so Start only runs the build script
// when the binary is already cached or CI=true; otherwise it skips and says how to build.
// A missing kit or binary skips the test, except under CI=true, where it fails.
//
// It only talks to 127.0.0.1 on a free port, keeps models and HOME in temp dirs, and stops
// the server and its runner processes when the test ends. It must not be imported by
// non-test code.
package ollamatest
