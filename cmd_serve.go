package main

import (
	"context"
	"errors"
	"fmt"

	"monit-intel/engine/schedule"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "[--config F] [--listen ADDR]")
	cfgPath := fs.String("config", "", "configuration file (default $MONIT_INTEL_CONFIG)")
	listen := fs.String("listen", "", "address of the REST API (default the config's listen)")
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	s, err := openStores(ctx, cfg)
	if err != nil {
		return err
	}
	in, _, err := newIngester(cfg, s, e)
	if err != nil {
		s.Close()
		return err
	}
	sched, err := schedule.New(e.logger)
	if err != nil {
		s.Close()
		return err
	}
	err = sched.Every("ingest", cfg.Monit.Interval.D(), func(ctx context.Context) error {
		_, err := in.RunCycle(ctx)
		return err
	})
	if err != nil {
		return errors.Join(err, sched.Shutdown(), s.Close())
	}
	e.logger.Info("monit-intel started", "monit", cfg.Monit.URL, "interval", cfg.Monit.Interval.D().String(),
		"data_dir", cfg.DataDir)
	<-ctx.Done()
	e.logger.Info("shutting down")
	if err := errors.Join(sched.Shutdown(), s.Close()); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
