package auth_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/auth"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for _, prefix := range []string{"", auth.APITokenPrefix} {
		t.Run("prefix "+prefix, func(t *testing.T) {
			for i := 0; i < 100; i++ {
				tok, hash := auth.NewToken(prefix)
				body, ok := strings.CutPrefix(tok, prefix)
				raw, err := base64.RawURLEncoding.Strict().DecodeString(body)
				if !ok || err != nil || len(raw) != 32 {
					t.Fatalf("token %q: want %q and 32 bytes in unpadded base64url", tok, prefix)
				}
				sum := sha256.Sum256([]byte(tok))
				if want := hex.EncodeToString(sum[:]); hash != want || auth.HashToken(tok) != want {
					t.Fatalf("hash of %q: got %q, want hex SHA-256 %q of the whole token", tok, hash, want)
				}
				if seen[tok] {
					t.Fatalf("token %q repeated", tok)
				}
				seen[tok] = true
			}
		})
	}
}
