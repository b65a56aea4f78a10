// Command fakemother runs repl.Run against an in-process, scripted backend so the terminal
// client can be driven for real (in tmux) without a daemon. It is a test tool: it knows a few
// services, streams answers chunk by chunk (slowly when the message says "slow"), offers a
// restart when the message says "restart", and appends every Execute and every cancelled
// chat to the file named by -record.
package main
