package exetrim

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Trim applies the advice to the read-only mappings of the running
// executable (text, rodata, pclntab; the writable .data is left alone) and
// drops the file's unmapped pages from the page cache. It returns how many
// bytes of mappings it covered.
func Trim() (int64, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	if p, err := filepath.EvalSymlinks(exe); err == nil {
		exe = p
	}
	ranges, err := readOnlyMappings(exe)
	if err != nil {
		return 0, err
	}
	ef, err := os.Open(exe)
	if err != nil {
		return 0, err
	}
	defer ef.Close()
	var total int64
	for _, r := range ranges {
		if err := madvise(r, unix.MADV_RANDOM); err != nil {
			return 0, err
		}
		total += int64(r[1] - r[0])
	}
	// Twice: the pages this function and the runtime fault back between
	// the unmapping and the eviction come back as large folios the first
	// time, as single pages the second.
	for range 2 {
		for _, r := range ranges {
			if err := madvise(r, unix.MADV_DONTNEED); err != nil {
				return total, err
			}
		}
		// Unmapped here, the pages can leave the page cache (those other
		// processes map stay).
		if err := unix.Fadvise(int(ef.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
			return total, fmt.Errorf("fadvise: %w", err)
		}
	}
	return total, nil
}

// readOnlyMappings lists the [start, end) ranges of /proc/self/smaps that
// map file exe without write permission and hold no private copies of its
// pages. A position-independent build has its relocated read-only data
// (RELRO) in such a mapping as copy-on-write pages: dropped, they would come
// back from the file unrelocated.
func readOnlyMappings(exe string) ([][2]uintptr, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		ranges [][2]uintptr
		cur    [2]uintptr
		in     bool
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if name, ok := strings.CutSuffix(fields[0], ":"); ok {
			// "Anonymous: 0 kB": the last field of a mapping that matters here.
			if in && name == "Anonymous" && len(fields) >= 2 && fields[1] != "0" {
				in = false
			}
			if in && name == "VmFlags" {
				ranges = append(ranges, cur)
				in = false
			}
			continue
		}
		// 00400000-02877000 r-xp 00000000 fe:01 123 /path/to/opsgraph
		in = false
		if len(fields) < 6 || strings.Join(fields[5:], " ") != exe || strings.Contains(fields[1], "w") {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		cur, in = [2]uintptr{uintptr(start), uintptr(end)}, true
	}
	return ranges, sc.Err()
}

func madvise(r [2]uintptr, advice int) error {
	if _, _, e := unix.Syscall(unix.SYS_MADVISE, r[0], r[1]-r[0], uintptr(advice)); e != 0 {
		return fmt.Errorf("madvise %#x-%#x: %w", r[0], r[1], e)
	}
	return nil
}
