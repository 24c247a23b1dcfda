package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the cost parameters of an argon2id password hash.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes
}

// DefaultParams are the parameters of new password hashes: 64 MiB, 3
// passes, 2 lanes. OWASP's Password Storage Cheat Sheet asks for at least
// m=19 MiB, t=2, p=1 and lists stronger equivalents; RFC 9106 §4 names
// m=64 MiB, t=3 as the choice when 2 GiB per hash is not available. We take
// that memory and time with 2 lanes instead of 4 because the servers we
// expect have 2 cores: a hash then takes about 0.19 s and 64 MiB on such a
// server (BenchmarkHashPassword), slow for an attacker with a stolen table
// and fast enough for a login. Each hash records its parameters, so they can
// be raised later; NeedsRehash tells which hashes are older.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

// Bounds on the parameters read back from a stored hash. A hash whose
// parameters are outside them is refused rather than computed: t=0 or p=0
// make argon2 panic, and a huge m would take the server's memory.
const (
	maxMemory  = 2 * 1024 * 1024 // KiB, RFC 9106's first option
	maxTime    = 64
	saltLen    = 16
	keyLen     = 32
	minSaltLen = 8  // RFC 9106 §3.1
	minKeyLen  = 16 // an empty key would match every password
	maxKeyLen  = 64
)

var errNotArgon2id = errors.New("auth: not an argon2id hash")

func (p Params) valid() error {
	if p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory {
		return fmt.Errorf("auth: argon2id parameters m=%d,t=%d,p=%d out of range", p.Memory, p.Time, p.Threads)
	}
	return nil
}

// Hash returns the PHC string of an argon2id hash of pw with a new random
// salt: $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>, both in unpadded
// standard base64 as the PHC format asks.
func (p Params) Hash(pw string) (string, error) {
	if err := p.valid(); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	return p.encode(salt, argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)), nil
}

func (p Params) encode(salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// HashPassword returns the PHC string of an argon2id hash of pw made with
// DefaultParams.
func HashPassword(pw string) (string, error) { return DefaultParams.Hash(pw) }

// decode parses a PHC argon2id string strictly: fixed field order, no
// trailing text, parameters within bounds.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errNotArgon2id
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("auth: unsupported argon2 version %q", parts[2])
	}
	var nums [3]uint64
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, nil, nil, fmt.Errorf("auth: bad argon2id parameters %q", parts[3])
	}
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(kv[i], name)
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return p, nil, nil, fmt.Errorf("auth: bad argon2id parameters %q", parts[3])
		}
		nums[i] = n
	}
	if nums[2] > 255 {
		return p, nil, nil, fmt.Errorf("auth: bad argon2id parameters %q", parts[3])
	}
	p = Params{Memory: uint32(nums[0]), Time: uint32(nums[1]), Threads: uint8(nums[2])}
	if err := p.valid(); err != nil {
		return p, nil, nil, err
	}
	if salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil || len(salt) < minSaltLen {
		return p, nil, nil, fmt.Errorf("auth: bad argon2id salt")
	}
	if key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, fmt.Errorf("auth: bad argon2id hash")
	}
	return p, salt, key, nil
}

// checkPassword reports whether pw matches the PHC argon2id string
// encoded. The comparison takes the same time wherever the keys differ. A
// string that is not a well-formed argon2id hash is an error, never a
// match. It is unexported so that every check outside tests goes through
// Service.verify, within the rate limit and the pool of hashes.
func checkPassword(encoded, pw string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// DefaultParams (or is no argon2id hash at all), so that it should be
// replaced by a new hash the next time the password is known.
func NeedsRehash(encoded string) bool {
	p, salt, key, err := decode(encoded)
	return err != nil || p != DefaultParams || len(salt) != saltLen || len(key) != keyLen
}

// Readable characters of one-time passwords: lower case and digits without
// 0/o, 1/l/i, which are easily confused when read aloud or from a screen.
const passwordAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// RandomPassword returns a one-time password of 20 random characters in
// four groups of five, like "k7m2q-x9rtb-4hn8p-w3cfe": about 99 bits, from
// characters that cannot be mistaken for one another. It passes
// aldyn.ValidatePassword.
func RandomPassword() string {
	const groups, size = 4, 5
	out := make([]byte, 0, groups*size+groups-1)
	// Rejection sampling keeps every character equally likely: bytes at or
	// above the largest multiple of the alphabet's size are drawn again.
	const limit = 256 - 256%len(passwordAlphabet)
	var buf [64]byte
	for n := 0; n < groups*size; {
		rand.Read(buf[:]) // never fails since Go 1.24
		for _, b := range buf {
			if n == groups*size {
				break
			}
			if int(b) >= limit {
				continue
			}
			if n > 0 && n%size == 0 {
				out = append(out, '-')
			}
			out = append(out, passwordAlphabet[int(b)%len(passwordAlphabet)])
			n++
		}
	}
	return string(out)
}
