package llm

// Ollama 0.17.4 cuts prompts that do not fit the context silently, in three places. What the
// final chunk of the reply then shows was checked against the real server (tiny model,
// num_ctx 512, see TestE2ETruncation):
//
//  1. server/prompt.go chatPrompt drops whole messages from the front of the conversation
//     until the rendered prompt fits num_ctx, but never a system message and never the last
//     message. Nothing in the reply shows it: prompt_eval_count is merely smaller (a 1000-token
//     earlier turn dropped left 34). A system message plus one user message, which is what
//     the engine sends, is never cut here.
//  2. The runner (runner/llamarunner and runner/ollamarunner NewSequence): a prompt longer
//     than the context keeps its first num_keep tokens (4 by default) and loses the tokens
//     right after them (the start of the system prompt) until exactly the context size is
//     left. The server logs "truncating input prompt" and prompt_eval_count is then exactly
//     the context size: 521, 2021 and 3021 prompt tokens all reported 512.
//  3. While generating, when prompt plus generated tokens overflow the context, the runner
//     shifts its cache: it throws away half of the tokens after num_keep (prompt tokens
//     again) and goes on. The reply then shows prompt_eval_count + eval_count > context
//     (the debug log said "context limit hit - shifting" for 509+5 and 511+5 with num_ctx
//     512, never for 506+5). Right at the edge (507 or 508 + 5) it depends on the prompt
//     cache, so the rule below may flag a reply that just escaped a shift.
//
// The context is num_ctx capped at the model's trained context length (llm/server.go logs
// "requested context size too large for model"): num_ctx 4096 on a 2048-token model reported
// 2048. Ping learns that length from /api/show; before it, only num_ctx is known.
//
// So a reply counts as truncated when prompt_eval_count >= context (case 2) or
// prompt_eval_count + eval_count > context (case 3). Case 1 cannot be seen from the reply.
func truncated(promptTokens, responseTokens, ctxLen int) bool {
	if promptTokens <= 0 || ctxLen <= 0 {
		return false
	}
	return promptTokens >= ctxLen || promptTokens+responseTokens > ctxLen
}

// effectiveCtx is the context the runner really has: num_ctx capped at the model's trained
// length when that is known (modelCtx > 0).
func effectiveCtx(numCtx, modelCtx int) int {
	if modelCtx > 0 && modelCtx < numCtx {
		return modelCtx
	}
	return numCtx
}
