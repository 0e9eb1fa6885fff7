// Package secretbox encrypts secrets at rest (platform credentials, TOTP
// secrets) with AES-256-GCM. The key comes from OPSGRAPH_SECRET_KEY (base64 of
// 32 bytes) or from a key file generated on first start.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Box seals and opens secrets with one key.
type Box struct{ aead cipher.AEAD }

// New returns a Box for a 32-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext; the random nonce is prepended to the result.
// additional binds the ciphertext to its owner (e.g. "connection:42") so that a
// sealed value copied to another row does not open.
func (b *Box) Seal(plaintext, additional []byte) []byte {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plaintext)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return b.aead.Seal(nonce, nonce, plaintext, additional)
}

// ErrOpen is returned for a ciphertext that does not open with this key.
var ErrOpen = errors.New("secretbox: cannot decrypt (wrong key or tampered data)")

// Open decrypts what Seal produced.
func (b *Box) Open(sealed, additional []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return nil, ErrOpen
	}
	out, err := b.aead.Open(nil, sealed[:n], sealed[n:], additional)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// LoadKey returns the key from envValue (base64) if set, else from keyFile,
// creating keyFile with a new random key (mode 0600) if it does not exist.
func LoadKey(envValue, keyFile string) (key []byte, created bool, err error) {
	if envValue != "" {
		key, err = base64.StdEncoding.DecodeString(strings.TrimSpace(envValue))
		if err != nil || len(key) != 32 {
			return nil, false, errors.New("OPSGRAPH_SECRET_KEY must be the base64 encoding of 32 random bytes")
		}
		return key, false, nil
	}
	if raw, err := os.ReadFile(keyFile); err == nil {
		key, err = base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
		if err != nil || len(key) != 32 {
			return nil, false, fmt.Errorf("key file %s does not hold a base64 32-byte key", keyFile)
		}
		return key, false, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("read key file: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, err
	}
	if err := os.WriteFile(keyFile, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, false, fmt.Errorf("write key file: %w", err)
	}
	return key, true, nil
}
