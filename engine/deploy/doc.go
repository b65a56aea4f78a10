// Package deploy installs monit-intel as a systemd service and removes it again: the unit,
// the secrets template (EnvironmentFile), a sample configuration, and the rule that lets the
// service user run its whitelisted systemctl actions (a polkit rule, or a sudoers file when
// actions.sudo is set).
//
// Plan is pure: it renders the files from Options. Install writes them (under Options.Root
// when set), creates the service account when it is missing, and records what it wrote in a
// manifest (/etc/monit-intel/.install-manifest) so Uninstall removes exactly that and nothing
// else.
//
// File ownership rules, which Install and Uninstall follow:
//   - Generated files (the unit, the polkit rule, the sudoers file) belong to install: a
//     second install rewrites them. Local changes to the unit belong in a drop-in
//     (systemctl edit monit-intel).
//   - The configuration and the env file are the user's: install writes them only when they
//     are absent and never overwrites them.
//   - Uninstall removes a file only when the manifest lists it and its content is still what
//     install wrote; a file edited since (a filled-in config or env) is kept and reported.
//     Directories install created are removed when they end up empty. The service account
//     and the state directory (/var/lib/monit-intel, created by systemd) are kept.
//
// With Options.Root the files go under that directory and no account is created; owners that
// do not exist on this machine fall back to the current user, and nothing is chowned unless
// the process runs as root.
//
// This package runs commands only at install time, from the install command: useradd (to
// create the account) and visudo -c (read-only, to check a sudoers file before it is put in
// place). It never runs inside the daemon.
package deploy
