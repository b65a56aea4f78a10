// Package user owns the people who may use the web UI: their names, roles and password
// hashes, and the check of a password at login.
//
// It hashes with argon2id (golang.org/x/crypto) and never keeps, logs or returns a password.
// Storage is behind the small Store interface (bolt.Store implements it); this package opens
// no files and serves no HTTP.
package user
