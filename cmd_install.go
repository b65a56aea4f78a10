package main

import (
	"context"

	"monit-intel/engine/deploy"
)

// deployFlags are shared by install and uninstall.
func deployOptions(e *env, name string, args []string) (deploy.Options, error) {
	fs := newFlags(e, name, "[--user NAME] [--config FILE] [--binary PATH] [--root DIR] [--dry-run]")
	user := fs.String("user", deploy.DefaultUser, "unprivileged user the service runs as")
	cfg := fs.String("config", deploy.DefaultConfigPath, "configuration file the unit points at")
	bin := fs.String("binary", "", "installed monit-intel binary (default: this executable)")
	root := fs.String("root", "", "write everything under this directory instead of / (no user is created)")
	dry := fs.Bool("dry-run", false, "print what would be written, change nothing")
	if _, err := parseInterleaved(fs, args); err != nil {
		return deploy.Options{}, err
	}
	a, err := deploy.LoadActions(*root, *cfg)
	if err != nil {
		return deploy.Options{}, err
	}
	return deploy.Options{Root: *root, User: *user, ConfigPath: *cfg, BinaryPath: *bin, DryRun: *dry,
		Sudo: a.Sudo, Units: a.Units, Out: e.stdout}, nil
}

func cmdInstall(ctx context.Context, e *env, args []string) error {
	opts, err := deployOptions(e, "install", args)
	if err != nil {
		return err
	}
	_, err = deploy.Install(ctx, opts)
	return err
}

func cmdUninstall(ctx context.Context, e *env, args []string) error {
	opts, err := deployOptions(e, "uninstall", args)
	if err != nil {
		return err
	}
	_, err = deploy.Uninstall(ctx, opts)
	return err
}
