package auth

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/argon2"
)

// Hashes keep verifying with the parameters they were made with: accounts
// created before the switch to 7 MiB × 5 passes (decision 0219) still log in.
func TestCheckPassword(t *testing.T) {
	salt := []byte("0123456789abcdef")
	old := fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, 19*1024, 2, 1,
		b64.EncodeToString(salt), b64.EncodeToString(argon2.IDKey([]byte("correct horse"), salt, 2, 19*1024, 1, 32)))
	current, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(current, "$m=7168,t=5,p=1$") {
		t.Errorf("new hash %q does not use 7 MiB × 5 passes", current)
	}
	for _, tc := range []struct {
		name, hash, password string
		want                 bool
	}{
		{"current parameters", current, "correct horse", true},
		{"current parameters, wrong password", current, "correct horsf", false},
		{"19 MiB × 2 hash", old, "correct horse", true},
		{"19 MiB × 2 hash, wrong password", old, "Correct horse", false},
		{"not argon2id", strings.Replace(current, "argon2id", "argon2i", 1), "correct horse", false},
		{"truncated", current[:20], "correct horse", false},
		{"bad salt", strings.Replace(old, b64.EncodeToString(salt), "!!!", 1), "correct horse", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckPassword(tc.hash, tc.password); got != tc.want {
				t.Errorf("CheckPassword = %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("a 5-character password was hashed")
	}
}

// Parallel logins all get their answer; at most GOMAXPROCS derivations hold
// their memory at once.
func TestParallelChecks(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	fails := make(chan int, 16)
	for i := range 16 {
		wg.Go(func() {
			password, want := "correct horse", true
			if i%2 == 1 {
				password, want = "wrong horse", false
			}
			if CheckPassword(h, password) != want {
				fails <- i
			}
		})
	}
	wg.Wait()
	close(fails)
	for i := range fails {
		t.Errorf("check %d gave the wrong answer", i)
	}
	if n := len(argonSlots); n != 0 {
		t.Errorf("%d derivation slots still taken", n)
	}
}
