package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

func TestLoginWaitsForAHashingSlot(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	b := &aldyn.Body{TerritoryCode: "41708203000000", Type: "police", NameKy: "Аламүдүн", NameRu: "Аламудин", NameEn: "Alamudun"}
	if err := db.CreateBody(ctx, aldyn.System, b); err != nil {
		t.Fatal(err)
	}
	p := Params{Memory: 1024, Time: 1, Threads: 1}
	s := NewService(db, Options{Params: &p, MaxConcurrentHashes: 1, PerLogin: 1, PerIP: 1})
	if err := s.CreateUser(ctx, aldyn.System, &aldyn.User{Login: "analyst", Name: "A", Role: aldyn.RoleAnalyst, BodyID: b.ID}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	s.slots <- struct{}{} // every slot busy
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, _, err := s.Login(short, "analyst", "wrong password!", "10.0.0.1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("login with no free slot: got %v, want the context's deadline", err)
	}
	<-s.slots
	// The abandoned attempt did not count: with a limit of one, the right
	// password still gets in.
	if _, _, err := s.Login(ctx, "analyst", "correct horse battery", "10.0.0.1"); err != nil {
		t.Errorf("login after a slot is free: got %v, want success", err)
	}
}
