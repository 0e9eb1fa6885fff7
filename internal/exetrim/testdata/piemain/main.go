// Command piemain trims its own executable and then uses what a
// position-independent build relocates (interface tables, type data,
// function values, maps): TestTrimPIE builds it with -buildmode=pie.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/opsgraph/opsgraph/internal/exetrim"
)

func main() {
	n, err := exetrim.Trim()
	if err != nil {
		fmt.Fprintln(os.Stderr, "trim:", err)
		os.Exit(1)
	}
	runtime.GC()
	words := map[string]int{}
	for _, w := range strings.Fields("the quick brown fox jumps over the lazy dog the end") {
		words[w]++
	}
	keys := make([]string, 0, len(words))
	for k := range words {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var s fmt.Stringer = &strings.Builder{}
	fmt.Printf("ok %d %v %d %T\n", n, keys, words["the"], s)
}
