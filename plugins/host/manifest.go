package host

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// ManifestFile is the name of the manifest in Config.PluginDir.
const ManifestFile = "plugins.json"

// Manifest is the plugins.json file that lists the third-party plugins in a plugin
// directory. Only binaries listed here are ever launched; each is checked against
// its SHA-256 before every launch. Example:
//
//	{
//	  "version": 1,
//	  "plugins": [
//	    {"id": "acme", "file": "opsgraph-plugin-acme", "sha256": "9f86d0…", "args": []}
//	  ]
//	}
type Manifest struct {
	Version int             `json:"version"` // 1; 0 is read as 1
	Plugins []ManifestEntry `json:"plugins"`
}

// ManifestEntry describes one third-party plugin binary.
type ManifestEntry struct {
	ID     string   `json:"id"`             // the platform id the plugin describes itself with
	File   string   `json:"file"`           // file name inside the plugin directory, no path separators
	SHA256 string   `json:"sha256"`         // lowercase hex SHA-256 of the file
	Args   []string `json:"args,omitempty"` // extra command-line arguments
}

// Sentinel causes of launch refusals; the *sdk.Error returned by Get wraps them.
var (
	ErrChecksumMismatch = errors.New("plugin binary checksum mismatch")
	ErrProtocolVersion  = errors.New("plugin speaks an unsupported protocol version")
	ErrUnknownPlugin    = errors.New("unknown plugin")
	ErrClosed           = errors.New("plugin host closed")
)

var (
	idRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// ValidID reports whether id is acceptable as a plugin id.
func ValidID(id string) bool { return idRE.MatchString(id) }

// LoadManifest reads and validates dir/plugins.json and returns one Spec per
// entry. A missing manifest is reported with errors.Is(err, fs.ErrNotExist).
func LoadManifest(dir string) ([]Spec, error) {
	path := filepath.Join(dir, ManifestFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("plugin manifest %s: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("plugin manifest %s: trailing data after the JSON object", path)
	}
	if m.Version != 0 && m.Version != 1 {
		return nil, fmt.Errorf("plugin manifest %s: unsupported manifest version %d (this host reads version 1)", path, m.Version)
	}
	seen := map[string]bool{}
	specs := make([]Spec, 0, len(m.Plugins))
	for i, e := range m.Plugins {
		where := fmt.Sprintf("plugin manifest %s: plugins[%d]", path, i)
		if !ValidID(e.ID) {
			return nil, fmt.Errorf("%s: invalid id %q (want lowercase letters, digits, '-' or '_')", where, e.ID)
		}
		if seen[e.ID] {
			return nil, fmt.Errorf("%s: duplicate id %q", where, e.ID)
		}
		seen[e.ID] = true
		if e.File == "" || e.File == "." || e.File == ".." || filepath.Base(e.File) != e.File || strings.ContainsAny(e.File, `/\`) {
			return nil, fmt.Errorf("%s (%s): file %q must be a plain file name inside %s", where, e.ID, e.File, dir)
		}
		sum := strings.ToLower(strings.TrimSpace(e.SHA256))
		if !sha256RE.MatchString(sum) {
			return nil, fmt.Errorf("%s (%s): sha256 must be 64 hex digits, got %q", where, e.ID, e.SHA256)
		}
		specs = append(specs, Spec{
			ID:     e.ID,
			Path:   filepath.Join(dir, e.File),
			Args:   append([]string(nil), e.Args...),
			SHA256: sum,
		})
	}
	return specs, nil
}

// FileSHA256 returns the lowercase hex SHA-256 of the file at path, as written in
// a manifest (`sha256sum <file>` prints the same).
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// verifyBinary checks that path is an executable regular file whose SHA-256 is want.
func verifyBinary(id, path, want string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("plugin %q: binary %s: %w", id, path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("plugin %q: %s is not a regular file", id, path)
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("plugin %q: %s is not executable (chmod +x it)", id, path)
	}
	got, err := FileSHA256(path)
	if err != nil {
		return fmt.Errorf("plugin %q: hashing %s: %w", id, path, err)
	}
	if got != want {
		return fmt.Errorf("%w: plugin %q: %s has sha256 %s but the manifest expects %s; refusing to launch it (if you replaced the binary on purpose, update %s)",
			ErrChecksumMismatch, id, path, got, want, ManifestFile)
	}
	return nil
}
