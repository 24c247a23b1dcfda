package importer

// idSet remembers the duplicate keys (the first 8 bytes of record IDs) of
// one file. It is the only state of an import that grows with the file:
// 8 to 16 bytes per distinct record, 16 MB for a million. Keys are uniform
// (they are HMAC outputs), so open addressing with linear probing needs no
// further hashing, and one probe both looks up and inserts. Two different
// records share a key with probability n²/2⁶⁵ (3·10⁻⁶ for ten million);
// the second would be counted as a duplicate.
type idSet struct {
	slots []uint64 // 0 marks an empty slot; key 0 is stored as 1
	n     int
}

// add inserts k and reports whether it was new.
func (s *idSet) add(k uint64) bool {
	if k == 0 {
		k = 1
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := k & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case k:
			return false
		case 0:
			s.slots[i] = k
			s.n++
			return true
		}
	}
}

func (s *idSet) grow() {
	old := s.slots
	s.slots = make([]uint64, max(1024, 2*len(old)))
	s.n = 0
	for _, k := range old {
		if k != 0 {
			s.add(k)
		}
	}
}
