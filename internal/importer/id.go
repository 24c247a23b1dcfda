package importer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strings"
)

// MinKeyBytes is the shortest installation secret OffenseID accepts.
const MinKeyBytes = 16

// OffenseID returns a record's pseudonymous ID: the hex HMAC-SHA256, under
// the installation's secret key, of the source register and the
// registration number (trimmed and upper-cased, so that "12-ab" and "12-AB "
// are one record). The same record always gets the same ID in one
// installation, so re-imports deduplicate; without the key the number
// cannot be recovered or even confirmed by guessing, as a plain hash of a
// short structured number could be.
func OffenseID(key []byte, source, registrationNumber string) string {
	id, _ := newIDHasher(key).id(source, strings.TrimSpace(registrationNumber))
	return id
}

type idHasher struct {
	mac    hash.Hash
	buf    []byte
	digest []byte
	hex    [2 * sha256.Size]byte
}

func newIDHasher(key []byte) *idHasher {
	return &idHasher{mac: hmac.New(sha256.New, key), digest: make([]byte, 0, sha256.Size)}
}

// id returns the hex ID of a trimmed registration number and its first 8
// bytes as a number, the within-file duplicate key.
func (h *idHasher) id(source, num string) (string, uint64) {
	sum, key := h.sum(source, num)
	hex.Encode(h.hex[:], sum)
	return string(h.hex[:]), key
}

// sum is id without the hex string; the slice is valid until the next call.
func (h *idHasher) sum(source, num string) ([]byte, uint64) {
	h.buf = append(append(h.buf[:0], source...), 0x1f)
	// Upper-case ASCII in place; other letters through strings.ToUpper.
	for i := 0; i < len(num); i++ {
		c := num[i]
		if c >= 0x80 {
			h.buf = append(h.buf[:len(source)+1], strings.ToUpper(num)...)
			break
		}
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		h.buf = append(h.buf, c)
	}
	h.mac.Reset()
	h.mac.Write(h.buf)
	h.digest = h.mac.Sum(h.digest[:0])
	return h.digest, binary.BigEndian.Uint64(h.digest)
}
