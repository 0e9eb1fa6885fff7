package db_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// dsn is a fresh database of backend b.
func dsn(t *testing.T, b testenv.Backend) string {
	t.Helper()
	if b.Name == "postgres" {
		return testenv.PostgresDSN(t)
	}
	return filepath.Join(t.TempDir(), "db.sqlite")
}

// TestConcurrentStarts opens (and migrates) one empty database from several
// servers at once: every one succeeds (issue 8 §7).
func TestConcurrentStarts(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		dsn := dsn(t, b)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				c, _, err := db.OpenClientPool(context.Background(), dsn, db.Pool{MaxOpen: 2}, nil)
				if err != nil {
					t.Errorf("concurrent start: %v", err)
					return
				}
				c.Close()
			})
		}
		wg.Wait()
	})
}

// TestCheckKey: the first key is recorded; the same key passes, another is
// refused with ErrKeyMismatch (issue 8 §8).
func TestCheckKey(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		dsn := dsn(t, b)
		_, sqlDB, err := db.OpenClientPool(context.Background(), dsn, db.Pool{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer sqlDB.Close()
		pg := db.IsPostgres(dsn)
		k1, k2 := make([]byte, 32), make([]byte, 32)
		k2[0] = 1
		tests := []struct {
			name    string
			key     []byte
			wantErr bool
		}{
			{"first start records the key", k1, false},
			{"same key again", k1, false},
			{"another key", k2, true},
			{"the first key still", k1, false},
		}
		for _, tt := range tests {
			err := db.CheckKey(context.Background(), sqlDB, pg, tt.key)
			if got := errors.Is(err, db.ErrKeyMismatch); got != tt.wantErr {
				t.Errorf("%s: err = %v, want mismatch %v", tt.name, err, tt.wantErr)
			}
		}
	})
}

// TestTaskLease: one owner at a time; the holder renews; another takes over
// only once the lease has expired.
func TestTaskLease(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		dsn := dsn(t, b)
		_, sqlDB, err := db.OpenClientPool(context.Background(), dsn, db.Pool{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer sqlDB.Close()
		pg := db.IsPostgres(dsn)
		tests := []struct {
			name       string
			owner      string
			now, until int64
			want       bool
		}{
			{"free lease taken", "a", 1000, 2500, true},
			{"held by a: b refused", "b", 1500, 3000, false},
			{"a renews", "a", 2000, 3500, true},
			{"still held at expiry instant", "b", 3500, 5000, false},
			{"expired: b takes over", "b", 3501, 5000, true},
			{"a refused now", "a", 3600, 5100, false},
		}
		for _, tt := range tests {
			got, err := db.TryTaskLease(context.Background(), sqlDB, pg, "tick", tt.owner, tt.now, tt.until)
			if err != nil || got != tt.want {
				t.Errorf("%s: got %v (%v), want %v", tt.name, got, err, tt.want)
			}
		}
	})
}

func TestDefaultPool(t *testing.T) {
	tests := []struct {
		dsn  string
		want db.Pool
	}{
		{"opsgraph.db", db.Pool{MaxOpen: 32, MaxIdle: 32}},
		{"postgres://u@h/db", db.Pool{MaxOpen: 10, MaxIdle: 10}},
	}
	for _, tt := range tests {
		if got := db.DefaultPool(tt.dsn); got != tt.want {
			t.Errorf("DefaultPool(%q) = %+v, want %+v", tt.dsn, got, tt.want)
		}
	}
}
