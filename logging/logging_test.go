package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"
)

func TestDurationsInMillisecondsWithRequestID(t *testing.T) {
	for _, tc := range []struct {
		key, wantKey string
		d            time.Duration
		want         float64
	}{
		{"took", "took_ms", 1500 * time.Millisecond, 1500},
		{"duration", "duration_ms", 250 * time.Microsecond, 0.25},
		{"wait_ms", "wait_ms", 2 * time.Second, 2000},
	} {
		var buf bytes.Buffer
		log := New(&buf, "json", slog.LevelInfo)
		log.InfoContext(WithRequestID(context.Background(), "r-1"), "x", tc.key, tc.d)
		var rec map[string]any
		if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if rec[tc.wantKey] != tc.want || rec["request_id"] != "r-1" {
			t.Errorf("%s=%v logged as %s", tc.key, tc.d, buf.Bytes())
		}
	}
}
