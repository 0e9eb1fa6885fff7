package exetrim

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// residentKB sums the Rss of the executable's read-only mappings
// (/proc/self/smaps).
func residentKB(t *testing.T) int {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if p, err := filepath.EvalSymlinks(exe); err == nil {
		exe = p
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	total, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = len(fields) >= 6 && strings.Join(fields[5:], " ") == exe && !strings.Contains(fields[1], "w")
			continue
		}
		if in && len(fields) == 3 && fields[0] == "Rss:" {
			kb, _ := strconv.Atoi(fields[1])
			total += kb
		}
	}
	return total
}

// TestTrim: the executable's read-only mappings are found, and afterwards
// fewer of their pages are resident than before (those the test runs
// come back, one page at a time).
func TestTrim(t *testing.T) {
	before := residentKB(t)
	n, err := Trim()
	if err != nil {
		t.Fatal(err)
	}
	after := residentKB(t)
	t.Logf("mapped %d KB of executable; resident %d KB before, %d KB after", n>>10, before, after)
	if n <= 0 {
		t.Fatalf("Trim covered %d bytes: found no read-only mapping of the executable", n)
	}
	if after >= before {
		t.Errorf("resident executable pages: %d KB before, %d KB after; want fewer", before, after)
	}
	if _, err := Trim(); err != nil { // again: nothing breaks on a trimmed process
		t.Fatal(err)
	}
}
