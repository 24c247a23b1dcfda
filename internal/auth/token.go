package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// APITokenPrefix starts every API token, so that secret scanners (and
// people) recognise a leaked one in a repository or a log.
const APITokenPrefix = "aldyn_"

// NewToken returns a new token, prefix followed by 32 random bytes in
// unpadded base64url (43 characters), and the hash under which the store
// keeps it.
//
// The hash is a plain SHA-256 in hex, not argon2: a slow, salted hash is
// there to make guessing low-entropy secrets such as passwords expensive,
// but a 256-bit random token cannot be guessed whatever the hash costs, and
// a hash without salt lets the store find a token by an indexed equality
// lookup on every request instead of running argon2 per request.
func NewToken(prefix string) (token, hash string) {
	var b [32]byte
	rand.Read(b[:]) // never fails since Go 1.24
	token = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken returns the hex SHA-256 of a whole token, prefix included: the
// key under which sessions and API tokens are stored and looked up.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}
