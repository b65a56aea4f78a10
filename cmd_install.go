package main

import (
	"context"
	"flag"
	"fmt"

	"monit-intel/engine/deploy"
)

func cmdInstall(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "install", args)
	user := fs.String("user", deploy.DefaultUser, "unprivileged user the service runs as")
	cfg := fs.String("config", deploy.DefaultConfigPath, "configuration file the unit points at")
	bin := fs.String("binary", "", "installed monit-intel binary (default: this executable)")
	root := fs.String("root", "", "write everything under this directory instead of / (no user is created)")
	dry := fs.Bool("dry-run", false, "print what would be written, change nothing")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	a, err := deploy.LoadActions(*root, *cfg)
	if err != nil {
		return err
	}
	_, err = deploy.Install(ctx, deploy.Options{Root: *root, User: *user, ConfigPath: *cfg, BinaryPath: *bin,
		DryRun: *dry, Sudo: a.Sudo, Units: a.Units, Out: e.stdout})
	return err
}

// cmdUninstall has flags of its own: it reads what install wrote from the manifest, so the
// configuration and binary flags of install mean nothing to it.
func cmdUninstall(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "uninstall", args)
	user := fs.String("user", deploy.DefaultUser, "the user install created, named in the notes on what is left")
	root := fs.String("root", "", "remove what install wrote under this directory instead of /")
	dry := fs.Bool("dry-run", false, "print what would be removed, change nothing")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	_, err := deploy.Uninstall(ctx, deploy.Options{Root: *root, User: *user, DryRun: *dry, Out: e.stdout})
	return err
}

// parseNoArgs parses flags of a command that takes no positional argument.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	return nil
}
