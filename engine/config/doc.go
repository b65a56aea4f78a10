// Package config loads monit-intel's YAML configuration: defaults first, strict decoding (an
// unknown key is an error that names it), environment overrides for credentials, then
// validation that reports every problem with its field name.
//
// Config is not runtime state: nothing here changes after Load returns.
package config
