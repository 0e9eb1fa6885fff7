// Package auth authenticates callers: argon2id passwords, opaque random tokens
// stored as SHA-256 hashes (sessions and API tokens), login throttling and
// lock-out, TOTP second factor, and new-address alerts.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: of the configurations the OWASP Password Storage Cheat
// Sheet lists as equally strong (19 MiB × 2 passes, 12 × 3, 9 × 4, 7 × 5), the
// one that holds the least memory: 7 MiB, 5 passes, 1 lane. Same CPU per
// login; a login no longer doubles the server's heap goal (decision 0219).
// Hashes made with other parameters keep verifying: they are read from the
// stored hash.
const (
	argonTime    = 5
	argonMemory  = 7 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", errors.New("password must be at least 8 characters")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := deriveKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

// dummyHash is checked against when the account does not exist, so that a
// login for an unknown email takes as long as one for a known one. Made on
// first use: at package init it cost every process (and every command such as
// --version) 100 ms and its key derivation's memory as resident memory.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not-a-real-password")
	return h
})

// argonSlots bounds the key derivations running at once to the CPUs: each
// holds its memory parameter (7 MiB, or 19 MiB for older hashes), and more of
// them than cores only queue for CPU, so a burst of logins would otherwise grow
// the heap per concurrent attempt without finishing any sooner.
var argonSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

func deriveKey(password, salt []byte, t, m uint32, p uint8, keyLen uint32) []byte {
	argonSlots <- struct{}{}
	defer func() { <-argonSlots }()
	return argon2.IDKey(password, salt, t, m, p, keyLen)
}

// CheckPassword reports whether password matches an argon2id hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := deriveKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Token prefixes tell a session from an API token at a glance (and let secret
// scanners recognise leaked ones).
const (
	SessionPrefix  = "ogs_"
	APITokenPrefix = "ogt_"
)

// NewToken returns a new random token (256 bits) with prefix, and its hash.
func NewToken(prefix string) (token string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the stored form of a token. A fast hash is right here: tokens
// are 256 random bits, so there is nothing to brute-force.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
