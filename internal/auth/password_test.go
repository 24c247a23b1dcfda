package auth_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
)

// cheap parameters keep tests fast; production hashes use DefaultParams.
var cheap = auth.Params{Memory: 1024, Time: 1, Threads: 1}

func mustHash(tb testing.TB, p auth.Params, pw string) string {
	tb.Helper()
	h, err := p.Hash(pw)
	if err != nil {
		tb.Fatalf("hash: %v", err)
	}
	return h
}

func TestHashPasswordDefaults(t *testing.T) {
	const pw = "Бишкек-2026 сырсөз"
	h, err := auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(h, "$")
	if len(parts) != 6 || strings.Join(parts[:4], "$") != "$argon2id$v=19$m=65536,t=3,p=2" {
		t.Fatalf("got %q, want $argon2id$v=19$m=65536,t=3,p=2$salt$hash", h)
	}
	for i, want := range map[int]int{4: 16, 5: 32} {
		b, err := base64.RawStdEncoding.DecodeString(parts[i])
		if err != nil || len(b) != want {
			t.Errorf("field %d %q: got %d bytes (%v), want %d in unpadded base64", i, parts[i], len(b), err, want)
		}
	}
	if ok, err := auth.CheckPassword(h, pw); err != nil || !ok {
		t.Errorf("CheckPassword(right): got %v, %v, want true", ok, err)
	}
	if auth.NeedsRehash(h) {
		t.Error("NeedsRehash of a fresh default hash: got true, want false")
	}
}

func TestHashPasswordSalted(t *testing.T) {
	a, b := mustHash(t, cheap, "same password"), mustHash(t, cheap, "same password")
	if a == b {
		t.Errorf("two hashes of one password are equal (%q): the salt is not random", a)
	}
}

func TestCheckPassword(t *testing.T) {
	const pw = "Бишкек-2026 сырсөз"
	h := mustHash(t, cheap, pw)
	for _, c := range []struct {
		name, pw string
		want     bool
	}{
		{"right", pw, true},
		{"other case", "бишкек-2026 сырсөз", false},
		{"one letter off", "Бишкек-2026 сырсоз", false},
		{"prefix", pw[:len(pw)-1], false},
		{"trailing space", pw + " ", false},
		{"empty", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ok, err := auth.CheckPassword(h, c.pw)
			if err != nil || ok != c.want {
				t.Errorf("got %v, %v, want %v", ok, err, c.want)
			}
		})
	}
}

func TestCheckPasswordRefusesBadHashes(t *testing.T) {
	const pw = "correct horse battery"
	h := mustHash(t, cheap, pw)
	parts := strings.Split(h, "$") // "", argon2id, v=19, m=…, salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	flip := func(s string) string { // change the first character
		c := "A"
		if s[0] == 'A' {
			c = "B"
		}
		return c + s[1:]
	}
	zeroKey := base64.RawStdEncoding.EncodeToString(make([]byte, 32))
	for _, c := range []struct {
		name, encoded string
		wantErr       bool
	}{
		{"tampered key", with(5, flip(parts[5])), false},
		{"tampered salt", with(4, flip(parts[4])), false},
		{"other time cost", with(3, "m=1024,t=2,p=1"), false},
		{"zero key", with(5, zeroKey), false},
		{"empty key", with(5, ""), true},
		{"short key", with(5, parts[5][:10]), true},
		{"short salt", with(4, "AAAA"), true},
		{"padded base64", with(5, parts[5]+"="), true},
		{"time 0", with(3, "m=1024,t=0,p=1"), true},
		{"threads 0", with(3, "m=1024,t=1,p=0"), true},
		{"threads 256", with(3, "m=4096,t=1,p=256"), true},
		{"memory below 8 per thread", with(3, "m=8,t=1,p=2"), true},
		{"memory 4 TiB", with(3, "m=4294967295,t=1,p=1"), true},
		{"parameters reordered", with(3, "t=1,m=1024,p=1"), true},
		{"trailing text in parameters", with(3, "m=1024,t=1,p=1x"), true},
		{"negative parameter", with(3, "m=1024,t=-1,p=1"), true},
		{"version 16", with(2, "v=16"), true},
		{"argon2i", with(1, "argon2i"), true},
		{"extra field", h + "$x", true},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", true},
		{"plain text", pw, true},
		{"empty", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ok, err := auth.CheckPassword(c.encoded, pw)
			if ok {
				t.Fatalf("CheckPassword(%q): got a match, want none", c.encoded)
			}
			if (err != nil) != c.wantErr {
				t.Errorf("CheckPassword(%q): got error %v, want error %v", c.encoded, err, c.wantErr)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	// NeedsRehash reads parameters, so a well-formed string will do.
	def := "$argon2id$v=19$m=65536,t=3,p=2$" + base64.RawStdEncoding.EncodeToString(make([]byte, 16)) + "$" +
		base64.RawStdEncoding.EncodeToString(make([]byte, 32))
	for _, c := range []struct {
		name, encoded string
		want          bool
	}{
		{"default parameters", def, false},
		{"cheaper memory", strings.Replace(def, "m=65536", "m=19456", 1), true},
		{"fewer passes", strings.Replace(def, "t=3", "t=2", 1), true},
		{"more threads", strings.Replace(def, "p=2", "p=4", 1), true},
		{"test parameters", mustHash(t, cheap, "x"), true},
		{"shorter key", def[:len(def)-11], true},
		{"not argon2id", "$2a$10$abc", true},
		{"empty", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := auth.NeedsRehash(c.encoded); got != c.want {
				t.Errorf("NeedsRehash(%q): got %v, want %v", c.encoded, got, c.want)
			}
		})
	}
}

func TestParamsHashRefusesBadParams(t *testing.T) {
	for _, p := range []auth.Params{{Memory: 1024, Time: 0, Threads: 1}, {Memory: 1024, Time: 1, Threads: 0}, {Memory: 4, Time: 1, Threads: 1}} {
		if h, err := p.Hash("x"); err == nil {
			t.Errorf("%+v: got %q, want an error", p, h)
		}
	}
}

func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for i := 0; i < 4000; i++ {
		p := auth.RandomPassword()
		if seen[p] {
			t.Fatalf("RandomPassword repeated %q", p)
		}
		seen[p] = true
		groups := strings.Split(p, "-")
		if len(p) != 23 || len(groups) != 4 {
			t.Fatalf("got %q, want four groups of five separated by '-'", p)
		}
		for _, g := range groups {
			if len(g) != 5 {
				t.Fatalf("got %q, want four groups of five", p)
			}
			for _, r := range g {
				if !strings.ContainsRune("23456789abcdefghjkmnpqrstuvwxyz", r) {
					t.Fatalf("got %q with %q, want only unambiguous lower case letters and digits", p, r)
				}
				counts[r]++
			}
		}
		if err := aldyn.ValidatePassword(p); err != nil {
			t.Fatalf("%q does not pass the password policy: %v", p, err)
		}
	}
	// Pearson's chi-squared over the 31 characters (30 degrees of freedom):
	// a uniform draw exceeds 80 with probability about 1e-6; taking bytes
	// modulo 31 without rejection favours 8 characters by 9/8 and scores
	// about 230 here.
	if len(counts) != 31 {
		t.Fatalf("got %d distinct characters, want 31", len(counts))
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	expected, chi2 := float64(total)/31, 0.0
	for _, n := range counts {
		d := float64(n) - expected
		chi2 += d * d / expected
	}
	if chi2 > 80 {
		t.Errorf("chi-squared of character counts: got %.1f, want below 80 for a uniform draw (counts %v)", chi2, counts)
	}
}

// BenchmarkHashPassword measures one production hash, the cost of a
// sign-in and of every guess against a stolen hash.
func BenchmarkHashPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := auth.HashPassword("correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}
