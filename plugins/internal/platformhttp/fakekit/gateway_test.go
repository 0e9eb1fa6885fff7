package fakekit

import (
	"strconv"
	"testing"
)

func TestSession(t *testing.T) {
	s := NewSession(func(gen int) (string, string) { return "a" + strconv.Itoa(gen), "r" + strconv.Itoa(gen) })
	if a, r := s.Tokens(); a != "a0" || r != "r0" {
		t.Fatalf("initial tokens %q %q", a, r)
	}
	for tok, want := range map[string]TokenCheck{"": TokenMissing, "x": TokenInvalid, "a0": TokenValid} {
		if got := s.Check(tok); got != want {
			t.Fatalf("Check(%q) = %d, want %d", tok, got, want)
		}
	}
	s.Expire()
	if s.Check("a0") != TokenExpired {
		t.Fatal("expired token not reported")
	}
	if _, _, ok := s.Refresh("r9"); ok {
		t.Fatal("wrong refresh token accepted")
	}
	if a, r, ok := s.Refresh("r0"); !ok || a != "a1" || r != "r1" || s.Check("a1") != TokenValid || s.Check("a0") != TokenInvalid {
		t.Fatalf("refresh: %q %q %v", a, r, ok)
	}
	if a, _ := s.Grant(); a != "a2" {
		t.Fatalf("grant: %q", a)
	}
	var c CallLog
	c.Add("")
	c.Add("m")
	c.Add("")
	if c.Count("") != 2 || c.Count("m") != 1 || c.Count("n") != 0 {
		t.Fatal("call counts")
	}
}
