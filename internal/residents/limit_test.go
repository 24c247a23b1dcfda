package residents

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Hour)
	l.Now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if !l.Allow("ip:1", "dev:a") {
			t.Fatalf("submission %d refused", i+1)
		}
	}
	if l.Allow("ip:1", "dev:b") {
		t.Fatal("a fourth submission from one address passed")
	}
	if l.Allow("ip:2", "dev:a") {
		t.Fatal("a fourth submission from one device passed")
	}
	if !l.Allow("ip:2", "dev:b") {
		t.Fatal("another address and device refused")
	}
	now = now.Add(time.Hour)
	if !l.Allow("ip:1", "dev:a") {
		t.Fatal("still refused after the window")
	}
}
