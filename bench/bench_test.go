package main

import (
	"context"
	"io"
	"testing"
	"time"
)

// BenchmarkReadPath runs the whole bench (build, catalogue, servers, load)
// with short measurements: CI runs it once (-benchtime 1x) to keep the
// command working; the figures worth quoting come from `go run ./bench`.
func BenchmarkReadPath(b *testing.B) {
	for b.Loop() {
		rs, err := Run(context.Background(), Config{Duration: 500 * time.Millisecond, Connections: 16, Products: 500, SKUs: 3, Out: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rs {
			if r.Requests == 0 || r.PerSecond <= 0 || r.BodyBytes == 0 || r.PeakRSSMiB <= 0 || r.PeakAnonMiB <= 0 || r.PeakFileMiB <= 0 {
				b.Fatalf("%s: empty measurement %+v", r.Name, r)
			}
		}
		b.ReportMetric(rs[0].PerSecond/rs[2].PerSecond, "list/floor")
		b.ReportMetric(rs[1].PerSecond/rs[2].PerSecond, "byid/floor")
		b.ReportMetric(rs[0].PeakRSSMiB, "rss-MiB")
		b.ReportMetric(rs[0].PeakAnonMiB, "private-MiB")
	}
}
