package platformsync

import (
	"slices"
	"strings"
	"testing"
)

func TestPlatformIDs(t *testing.T) {
	long := strings.Repeat("9", maxPlatformIDLen+1)
	many := make([]string, maxPlatformIDs+5)
	for i := range many {
		many[i] = strings.Repeat("x", i+1)
	}
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil", nil, nil},
		{"kept in order", []string{"mjs-123024_211143", "123024"}, []string{"mjs-123024_211143", "123024"}},
		{"empty, duplicate and over-long dropped", []string{"", "a", "a", long, "b"}, []string{"a", "b"}},
		{"not UTF-8 dropped", []string{"\xff\xfe", "c"}, []string{"c"}},
		{"at most maxPlatformIDs", many, many[:maxPlatformIDs]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := platformIDs(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("platformIDs(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	for in, want := range map[string]string{"3762517386": "3762517386", "": "", long: "", "\xff": ""} {
		if got := platformID(in); got != want {
			t.Errorf("platformID(%q) = %q, want %q", in, got, want)
		}
	}
}
