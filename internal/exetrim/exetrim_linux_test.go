package exetrim

import (
	"bufio"
	"debug/elf"
	"os"
	"os/exec"
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

// TestTrimPIE: a position-independent build keeps its relocated read-only
// data (RELRO, copy-on-write pages in a read-only mapping of the file);
// trimming must leave it alone, or the program crashes on its next use of
// an interface table or type descriptor.
func TestTrimPIE(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	bin := filepath.Join(t.TempDir(), "piemain")
	build := exec.Command("go", "build", "-buildmode=pie", "-o", bin, "./testdata/piemain")
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // the Go linker alone: no C toolchain needed
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -buildmode=pie: %v\n%s", err, out)
	}
	if elfType(t, bin) != "DYN" {
		t.Fatalf("%s is not position-independent", bin)
	}
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil {
		t.Fatalf("trimmed PIE program: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "ok ") || strings.HasPrefix(string(out), "ok 0 ") {
		t.Fatalf("trimmed PIE program printed %q, want ok with the trimmed bytes", out)
	}
	t.Logf("%s", out)
}

// elfType is the ELF file type of path: EXEC, or DYN for a
// position-independent executable.
func elfType(t *testing.T, path string) string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return strings.TrimPrefix(f.Type.String(), "ET_")
}
