// Package auth owns how people and machines prove who they are: argon2id
// password hashes, server-side sessions, API tokens, the sign-in rate limit
// and the cookie and header that carry tokens over HTTP. The store keeps
// only hashes of passwords, session tokens and API tokens; who may do what
// once signed in is decided by aldyn.Actor and the store, not here.
package auth
