package content

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// statusWrite is how ent code sets a content status.
var statusWrite = regexp.MustCompile(`SetStatus\((ent)?content\.Status`)

// TestNoOtherCodeChangesContentStatus: outside this package, only the
// generated ent code and seeding (demo data, test fixtures creating rows)
// mention setting a content status; everything else goes through Transition.
func TestNoOtherCodeChangesContentStatus(t *testing.T) {
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case "ent", "content", "demo", ".git", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if loc := statusWrite.FindIndex(b); loc != nil {
			t.Errorf("%s sets a content status directly; use content.Transition", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
