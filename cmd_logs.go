package main

import (
	"context"
	"fmt"
	"strconv"

	"monit-intel/logs"
	"monit-intel/logs/redact"
)

func cmdLogs(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "logs", args)
	cfgPath := fs.String("config", "", "configuration file (default $MONIT_INTEL_CONFIG)")
	n := fs.Int("n", 0, "number of lines (default and maximum: the service's max_lines)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want exactly one SERVICE, got %d arguments", errUsage, len(pos))
	}
	if *n < 0 {
		return fmt.Errorf("%w: -n must not be negative", errUsage)
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	red, err := redact.New()
	if err != nil {
		return err
	}
	reg, err := logs.NewRegistry(cfg.Logs, logsOptions(cfg, red))
	if err != nil {
		return err
	}
	res, err := reg.Read(ctx, pos[0], *n)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "== %s: %s (%s lines, max %d)\n", res.Service, res.Source, strconv.Itoa(len(res.Lines)), res.MaxLines)
	for _, l := range res.Lines {
		fmt.Fprintln(e.stdout, l)
	}
	return nil
}
