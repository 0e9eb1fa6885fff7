package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
)

// BenchmarkInsights runs the whole insights bench small: CI runs it once
// (-benchtime 1x) to keep the command working; the figures worth quoting
// come from `go run ./bench/insights` at full size (README, Performance).
func BenchmarkInsights(b *testing.B) {
	for b.Loop() {
		rep, err := Run(context.Background(), Config{DSN: filepath.Join(b.TempDir(), "bench.db"),
			Orders: 6000, Stores: 10, Buyers: 1000, Days: 120, Runs: 5, Out: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
		if rep.WritePlain <= 0 || rep.WriteMaintained <= 0 || rep.MonthP50 <= 0 || rep.RFMBuyers == 0 {
			b.Fatalf("empty measurement %+v", rep)
		}
		b.ReportMetric(100*rep.Overhead, "rollup-overhead-%")
		b.ReportMetric(float64(rep.MonthP50.Microseconds())/1000, "month-p50-ms")
		b.ReportMetric(float64(rep.RFM.Microseconds())/1000, "rfm-ms")
	}
}
