package host

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/plugins/sdk"
)

func TestMain(m *testing.M) {
	if len(os.Args) >= 3 && os.Args[1] == testPluginArg {
		serveTestPlugin(os.Args[2])
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// logSink is an slog.Handler that keeps every record and lets a test wait for
// a message (plugin log lines arrive through go-plugin's stderr relay).
type logSink struct {
	mu      sync.Mutex
	lines   []string
	waiters map[string][]chan struct{}
}

func newLogSink() *logSink { return &logSink{waiters: map[string][]chan struct{}{}} }

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *logSink) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &attrHandler{sink: s, attrs: attrs}
}
func (s *logSink) WithGroup(string) slog.Handler { return s }
func (s *logSink) Handle(_ context.Context, r slog.Record) error {
	s.record(r, nil)
	return nil
}

func (s *logSink) record(r slog.Record, attrs []slog.Attr) {
	var b strings.Builder
	b.WriteString(r.Message)
	for _, a := range attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lines = append(s.lines, b.String())
	for _, ch := range s.waiters[r.Message] {
		close(ch)
	}
	delete(s.waiters, r.Message)
}

// await returns a channel closed when a record with exactly msg is logged.
func (s *logSink) await(msg string) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.waiters[msg] = append(s.waiters[msg], ch)
	return ch
}

func (s *logSink) all() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

type attrHandler struct {
	sink  *logSink
	attrs []slog.Attr
}

func (h *attrHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *attrHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return &attrHandler{sink: h.sink, attrs: append(append([]slog.Attr(nil), h.attrs...), a...)}
}
func (h *attrHandler) WithGroup(string) slog.Handler { return h }
func (h *attrHandler) Handle(_ context.Context, r slog.Record) error {
	h.sink.record(r, h.attrs)
	return nil
}

func newTestManager(t testing.TB, cfg Config) (*Manager, *logSink) {
	t.Helper()
	sink := newLogSink()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(sink)
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		_ = m.Close()
		assertNoChildren(t)
	})
	return m, sink
}

// childPIDs lists the live or zombie children of this process.
func childPIDs(t testing.TB) []int {
	t.Helper()
	self := os.Getpid()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may contain spaces, so split after ')'.
		s := string(raw)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) >= 2 {
			if ppid, _ := strconv.Atoi(f[1]); ppid == self {
				out = append(out, pid)
			}
		}
	}
	return out
}

func assertNoChildren(t testing.TB) {
	t.Helper()
	if kids := childPIDs(t); len(kids) > 0 {
		t.Errorf("child processes left behind (running or zombie): %v", kids)
	}
}

// assertReaped checks that pid no longer exists at all: neither running nor a
// zombie waiting to be reaped (kill(pid, 0) succeeds on zombies).
func assertReaped(t testing.TB, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("bad pid %d", pid)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still exists (kill 0: %v)", pid, err)
	}
}

func wantKind(t testing.TB, err error, kind sdk.ErrorKind) *sdk.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %s error, got nil", kind)
	}
	var e *sdk.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *sdk.Error of kind %s, got %T: %v", kind, err, err)
	}
	if e.Kind != kind {
		t.Fatalf("want kind %s, got %s: %v", kind, e.Kind, err)
	}
	return e
}

func mustStatus(t testing.TB, m *Manager, id string) Status {
	t.Helper()
	s, ok := m.Status(id)
	if !ok {
		t.Fatalf("no status for %q", id)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	m, _ := newTestManager(t, Config{Builtins: []Spec{testPluginSpec("echo", "acme")}})
	if s := mustStatus(t, m, "acme"); s.Health != HealthNotStarted || s.PID != 0 {
		t.Fatalf("before first use: %+v", s)
	}
	ctx := context.Background()
	p, err := m.Get(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	d, err := p.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.PlatformID != "acme" || d.PluginVersion != "1.2.3" || len(d.Capabilities) != 3 || len(d.CredentialFields) != 2 || !d.CredentialFields[1].Secret {
		t.Fatalf("Describe = %+v", d)
	}
	// Paging round trip with nested SKUs, timestamps and UTF-8.
	var ids []string
	cursor := ""
	for range 10 {
		page, err := p.ListProducts(ctx, sdk.ListProductsRequest{Cursor: cursor, PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range page.Products {
			ids = append(ids, pr.ExternalID)
			if len(pr.SKUs) != 1 || pr.UpdatedAt.IsZero() || !strings.HasPrefix(pr.Title, "商品") {
				t.Fatalf("product %+v", pr)
			}
		}
		if page.Total != testProducts {
			t.Fatalf("total %d", page.Total)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if got := strings.Join(ids, ","); got != "item-0,item-1,item-2,item-3,item-4" {
		t.Fatalf("products %s", got)
	}
	tok, err := p.Authorize(ctx, sdk.AuthorizeRequest{Code: "abc"})
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at-abc" || !tok.ExpiresAt.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) || tok.ShopName != "测试店铺" {
		t.Fatalf("token %+v", tok)
	}
	s := mustStatus(t, m, "acme")
	if s.Health != HealthRunning || s.PID == 0 || s.DisplayName != "Test acme" || s.PluginVersion != "1.2.3" ||
		s.ProtocolVersion != sdk.ProtocolVersion || len(s.Capabilities) != 3 || !s.Builtin || s.Restarts != 0 {
		t.Fatalf("status %+v", s)
	}
	if m.PID("acme") != s.PID {
		t.Fatalf("PID %d != status PID %d", m.PID("acme"), s.PID)
	}
}

func TestTypedErrorsCrossTheBoundary(t *testing.T) {
	m, _ := newTestManager(t, Config{Builtins: []Spec{testPluginSpec("echo", "acme")}})
	ctx := context.Background()
	p, err := m.Get(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.UpdateStock(ctx, sdk.UpdateStockRequest{SKUExternalID: "limited", Quantity: 1})
	e := wantKind(t, err, sdk.KindRateLimited)
	if e.RetryAfter != 7*time.Second || e.PlatformCode != "isv.rate-limit" || e.Message != "too many calls" {
		t.Fatalf("rate limit error %#v", e)
	}
	_, err = p.UpdateStock(ctx, sdk.UpdateStockRequest{Quantity: -1})
	wantKind(t, err, sdk.KindInvalidRequest)
	_, err = p.UpdateStock(ctx, sdk.UpdateStockRequest{SKUExternalID: "down"})
	wantKind(t, err, sdk.KindUnavailable)
	_, err = p.RefreshToken(ctx, sdk.Connection{})
	if e := wantKind(t, err, sdk.KindAuthExpired); e.PlatformCode != "27" {
		t.Fatalf("auth error %#v", e)
	}
	_, err = p.FetchMetrics(ctx, sdk.FetchMetricsRequest{From: "2025-01-01", To: "2025-01-02"})
	wantKind(t, err, sdk.KindUnimplemented)
	_, err = p.ListProducts(ctx, sdk.ListProductsRequest{Cursor: "untyped"})
	wantKind(t, err, sdk.KindPlatform)
	if !errors.Is(err, sdk.ErrUntyped) {
		t.Fatalf("untyped plugin error should carry ErrUntyped: %v", err)
	}
	// A panicking call is an error, not a dead plugin.
	pid := m.PID("acme")
	_, err = p.ListProducts(ctx, sdk.ListProductsRequest{Cursor: "panic"})
	if e := wantKind(t, err, sdk.KindPlatform); !strings.Contains(e.Message, "panicked") {
		t.Fatalf("panic error %v", e)
	}
	if _, err := p.Describe(ctx); err != nil || m.PID("acme") != pid {
		t.Fatalf("plugin should survive a panicking call: err=%v pid %d→%d", err, pid, m.PID("acme"))
	}
}

func TestPluginLogsAreRelayedWithoutSecrets(t *testing.T) {
	m, sink := newTestManager(t, Config{Builtins: []Spec{testPluginSpec("echo", "acme")}})
	ctx := context.Background()
	p, err := m.Get(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	logged := sink.await("authorizing")
	conn := sdk.Connection{ShopID: "shop-9", Credentials: map[string]string{"app_key": "key-public", "app_secret": "s3cr3t-value"},
		AccessToken: "tok-abcdef", RefreshToken: "ref-abcdef"}
	if _, err := p.Authorize(ctx, sdk.AuthorizeRequest{Connection: conn, Code: "zz9"}); err != nil {
		t.Fatal(err)
	}
	<-logged
	all := sink.all()
	for _, secret := range []string{"s3cr3t-value", "tok-abcdef", "ref-abcdef", "at-zz9"} {
		if strings.Contains(all, secret) {
			t.Errorf("secret %q reached the log:\n%s", secret, all)
		}
	}
	if !strings.Contains(all, "key-public") || !strings.Contains(all, "shop-9") {
		t.Errorf("non-secret fields should be logged:\n%s", all)
	}
}

func TestSIGKILLMidCallThenRestart(t *testing.T) {
	m, sink := newTestManager(t, Config{Builtins: []Spec{testPluginSpec("echo", "acme")}})
	ctx := context.Background()
	p, err := m.Get(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	pid := m.PID("acme")
	blocked := sink.await(msgBlocked)
	errc := make(chan error, 1)
	go func() {
		_, err := p.ListProducts(ctx, sdk.ListProductsRequest{Cursor: "block"})
		errc <- err
	}()
	<-blocked // the call is inside the plugin
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = <-errc
	e := wantKind(t, err, sdk.KindUnavailable)
	if !strings.Contains(e.Message, "exited during ListProducts") {
		t.Fatalf("message should say the process died: %q", e.Message)
	}
	s := mustStatus(t, m, "acme")
	if s.Health != HealthCrashed || s.PID != 0 || !strings.Contains(s.LastError, "exited unexpectedly") || s.LastErrorAt.IsZero() {
		t.Fatalf("after crash: %+v", s)
	}
	assertReaped(t, pid)

	// Next use restarts it, through the same client value.
	page, err := p.ListProducts(ctx, sdk.ListProductsRequest{})
	if err != nil {
		t.Fatalf("call after crash: %v", err)
	}
	if len(page.Products) != 2 {
		t.Fatalf("page %+v", page)
	}
	s = mustStatus(t, m, "acme")
	if s.Health != HealthRunning || s.Restarts != 1 || s.PID == 0 || s.PID == pid {
		t.Fatalf("after restart: %+v (old pid %d)", s, pid)
	}
}

// fakeClock is a settable clock for backoff tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// killAndWait SIGKILLs the running plugin and waits until its exit is observed.
func killAndWait(t *testing.T, m *Manager, id string) int {
	t.Helper()
	p := m.plugins[id]
	p.mu.Lock()
	inst := p.inst
	p.mu.Unlock()
	if inst == nil {
		t.Fatalf("%s not running", id)
	}
	if err := syscall.Kill(inst.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-inst.runner.exited
	return inst.pid
}

func TestRestartBackoff(t *testing.T) {
	m, _ := newTestManager(t, Config{
		Builtins:   []Spec{testPluginSpec("echo", "acme")},
		MinBackoff: time.Hour, MaxBackoff: 4 * time.Hour, StableAfter: 24 * time.Hour,
	})
	clk := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	m.now = clk.Now
	ctx := context.Background()
	p, _ := m.Client("acme")
	if _, err := p.Describe(ctx); err != nil {
		t.Fatal(err)
	}
	// First crash: immediate restart.
	killAndWait(t, m, "acme")
	if _, err := p.Describe(ctx); err != nil {
		t.Fatalf("first restart should be immediate: %v", err)
	}
	// Second crash in a row: backoff of MinBackoff.
	killAndWait(t, m, "acme")
	_, err := p.Describe(ctx)
	e := wantKind(t, err, sdk.KindUnavailable)
	if e.RetryAfter != time.Hour {
		t.Fatalf("RetryAfter = %s, want 1h (%v)", e.RetryAfter, e)
	}
	if s := mustStatus(t, m, "acme"); s.Health != HealthBackoff || s.Restarts != 1 || !s.NextAttemptAt.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("status in backoff: %+v", s)
	}
	if _, err := m.Get(ctx, "acme"); sdk.KindOf(err) != sdk.KindUnavailable {
		t.Fatalf("Get during backoff: %v", err)
	}
	clk.Add(time.Hour)
	if _, err := p.Describe(ctx); err != nil {
		t.Fatalf("after backoff: %v", err)
	}
	// Third crash: backoff doubles.
	killAndWait(t, m, "acme")
	_, err = p.Describe(ctx)
	if e := wantKind(t, err, sdk.KindUnavailable); e.RetryAfter != 2*time.Hour {
		t.Fatalf("RetryAfter = %s, want 2h", e.RetryAfter)
	}
	// A plugin that ran longer than StableAfter starts over: immediate restart.
	clk.Add(2 * time.Hour)
	if _, err := p.Describe(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Add(25 * time.Hour)
	killAndWait(t, m, "acme")
	if _, err := p.Describe(ctx); err != nil {
		t.Fatalf("restart after a stable run should be immediate: %v", err)
	}
	if s := mustStatus(t, m, "acme"); s.Restarts != 4 || s.Health != HealthRunning {
		t.Fatalf("final status %+v", s)
	}
}

func TestBackoffIsBounded(t *testing.T) {
	m := &Manager{cfg: Config{MinBackoff: time.Second, MaxBackoff: 10 * time.Second}}
	want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for n, w := range want {
		if got := m.backoff(n); got != w {
			t.Errorf("backoff(%d) = %s, want %s", n, got, w)
		}
	}
	if got := m.backoff(1000); got != 10*time.Second {
		t.Errorf("backoff(1000) = %s", got)
	}
}

func TestProtocolVersionMismatchRefused(t *testing.T) {
	m, _ := newTestManager(t, Config{Builtins: []Spec{testPluginSpec("v2", "acme")}})
	_, err := m.Get(context.Background(), "acme")
	e := wantKind(t, err, sdk.KindUnavailable)
	if !errors.Is(err, ErrProtocolVersion) {
		t.Fatalf("want ErrProtocolVersion, got %v", err)
	}
	for _, want := range []string{`"acme"`, "protocol version 2", "supports only version 1"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("message %q lacks %q", e.Message, want)
		}
	}
	if s := mustStatus(t, m, "acme"); s.Health != HealthFailed || !strings.Contains(s.LastError, "protocol version 2") {
		t.Fatalf("status %+v", s)
	}
	assertNoChildren(t)
}

func writeManifest(t *testing.T, dir string, entries ...ManifestEntry) {
	t.Helper()
	raw, err := json.MarshalIndent(Manifest{Version: 1, Plugins: entries}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyTestBinary puts a copy of this test binary (which serves the test plugin)
// into dir as name.
func copyTestBinary(t *testing.T, dir, name string) string {
	t.Helper()
	raw, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, raw, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestThirdPartyChecksum(t *testing.T) {
	dir := t.TempDir()
	path := copyTestBinary(t, dir, "acme-plugin")
	sum, err := FileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{testPluginArg, "echo:acme"}

	t.Run("mismatch refused", func(t *testing.T) {
		writeManifest(t, dir, ManifestEntry{ID: "acme", File: "acme-plugin", SHA256: strings.Repeat("ab", 32), Args: args})
		m, _ := newTestManager(t, Config{PluginDir: dir})
		_, err := m.Get(context.Background(), "acme")
		e := wantKind(t, err, sdk.KindUnavailable)
		if !errors.Is(err, ErrChecksumMismatch) || !strings.Contains(e.Message, "refusing to launch") || !strings.Contains(e.Message, sum) {
			t.Fatalf("error %v", err)
		}
		if s := mustStatus(t, m, "acme"); s.Health != HealthFailed || s.Builtin || s.PID != 0 {
			t.Fatalf("status %+v", s)
		}
		assertNoChildren(t)
	})

	t.Run("match runs, checked again before every launch", func(t *testing.T) {
		writeManifest(t, dir, ManifestEntry{ID: "acme", File: "acme-plugin", SHA256: sum, Args: args})
		m, _ := newTestManager(t, Config{PluginDir: dir})
		ctx := context.Background()
		p, err := m.Get(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Describe(ctx); err != nil {
			t.Fatal(err)
		}
		// Tamper with the binary, then crash the plugin: the relaunch is refused.
		// (A running executable cannot be written to; replace the file instead.)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".new", append(raw, 0), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".new", path); err != nil {
			t.Fatal(err)
		}
		killAndWait(t, m, "acme")
		_, err = p.Describe(ctx)
		if !errors.Is(err, ErrChecksumMismatch) {
			t.Fatalf("relaunch of a modified binary: %v", err)
		}
	})
}

func TestManifestValidation(t *testing.T) {
	good := strings.Repeat("0", 64)
	cases := []struct {
		name, manifest, want string
	}{
		{"bad json", `{"plugins": [`, "plugin manifest"},
		{"unknown field", `{"plugins": [{"id":"a","file":"a","sha256":"` + good + `","extra":1}]}`, "unknown field"},
		{"bad version", `{"version": 2, "plugins": []}`, "manifest version 2"},
		{"bad id", `{"plugins": [{"id":"A B","file":"a","sha256":"` + good + `"}]}`, "invalid id"},
		{"dup id", `{"plugins": [{"id":"a","file":"a","sha256":"` + good + `"},{"id":"a","file":"b","sha256":"` + good + `"}]}`, "duplicate id"},
		{"path escape", `{"plugins": [{"id":"a","file":"../a","sha256":"` + good + `"}]}`, "plain file name"},
		{"no sha", `{"plugins": [{"id":"a","file":"a"}]}`, "sha256 must be 64 hex"},
		{"short sha", `{"plugins": [{"id":"a","file":"a","sha256":"abc"}]}`, "sha256 must be 64 hex"},
		{"builtin clash", `{"plugins": [{"id":"taken","file":"a","sha256":"` + good + `"}]}`, "defined twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(c.manifest), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := New(Config{PluginDir: dir, Builtins: []Spec{{ID: "taken", Path: "/bin/true"}}, Logger: slog.New(newLogSink())})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
	t.Run("missing manifest is empty", func(t *testing.T) {
		m, err := New(Config{PluginDir: t.TempDir(), Logger: slog.New(newLogSink())})
		if err != nil || len(m.IDs()) != 0 {
			t.Fatalf("m=%v err=%v", m, err)
		}
	})
	t.Run("missing dir", func(t *testing.T) {
		if _, err := New(Config{PluginDir: filepath.Join(t.TempDir(), "nope")}); err == nil {
			t.Fatal("want error")
		}
	})
}

func TestCallDeadline(t *testing.T) {
	m, sink := newTestManager(t, Config{Builtins: []Spec{testPluginSpec("echo", "acme")}, CallTimeout: 300 * time.Millisecond})
	ctx := context.Background()
	p, err := m.Get(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	check := func(err error, start time.Time) {
		t.Helper()
		e := wantKind(t, err, sdk.KindUnavailable)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(e.Message, "deadline") {
			t.Fatalf("want a deadline error, got %v", err)
		}
		if el := time.Since(start); el > 10*time.Second {
			t.Fatalf("deadline not enforced: call took %s", el)
		}
	}
	// CallTimeout applies to a plugin that ignores its context entirely.
	hanging := sink.await(msgHanging)
	start := time.Now()
	_, err = p.ListProducts(ctx, sdk.ListProductsRequest{Cursor: "hang"})
	check(err, start)
	<-hanging
	// The caller's shorter deadline reaches the plugin, which honours it.
	m.cfg.CallTimeout = time.Hour
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = p.ListProducts(cctx, sdk.ListProductsRequest{Cursor: "block"})
	check(err, start)
	// The plugin is still healthy.
	if _, err := p.Describe(ctx); err != nil {
		t.Fatal(err)
	}
	if s := mustStatus(t, m, "acme"); s.Health != HealthRunning || s.Restarts != 0 {
		t.Fatalf("status %+v", s)
	}
}

func TestCloseLeavesNoProcesses(t *testing.T) {
	m, sink := newTestManager(t, Config{
		Builtins:    []Spec{testPluginSpec("echo", "one"), testPluginSpec("echo", "two")},
		KillTimeout: 3 * time.Second,
	})
	ctx := context.Background()
	one, err := m.Get(ctx, "one")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(ctx, "two"); err != nil {
		t.Fatal(err)
	}
	pids := []int{m.PID("one"), m.PID("two")}
	if len(childPIDs(t)) != 2 {
		t.Fatalf("want 2 children, have %v", childPIDs(t))
	}
	// A call stuck in a plugin that ignores its context must not hold up Close.
	hanging := sink.await(msgHanging)
	errc := make(chan error, 1)
	go func() {
		_, err := one.ListProducts(ctx, sdk.ListProductsRequest{Cursor: "hang"})
		errc <- err
	}()
	<-hanging
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	wantKind(t, <-errc, sdk.KindUnavailable)
	for _, pid := range pids {
		assertReaped(t, pid)
	}
	assertNoChildren(t)
	for _, s := range m.Statuses() {
		if s.Health != HealthStopped || s.PID != 0 {
			t.Fatalf("after Close: %+v", s)
		}
	}
	if _, err := m.Get(ctx, "one"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Close: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentFirstUseStartsOneProcess(t *testing.T) {
	m, _ := newTestManager(t, Config{Builtins: []Spec{testPluginSpec("echo", "acme")}})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := m.Get(context.Background(), "acme")
			if err == nil {
				_, err = p.Describe(context.Background())
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if kids := childPIDs(t); len(kids) != 1 {
		t.Fatalf("want exactly one plugin process, have %v", kids)
	}
	if s := mustStatus(t, m, "acme"); s.Restarts != 0 || s.Health != HealthRunning {
		t.Fatalf("status %+v", s)
	}
}

func TestUnknownPluginAndWrongID(t *testing.T) {
	m, _ := newTestManager(t, Config{Builtins: []Spec{{ID: "liar", Path: os.Args[0], Args: []string{testPluginArg, "echo:acme"}}}})
	_, err := m.Get(context.Background(), "nope")
	if !errors.Is(err, ErrUnknownPlugin) || !strings.Contains(err.Error(), "liar") {
		t.Fatalf("unknown plugin: %v", err)
	}
	_, err = m.Get(context.Background(), "liar")
	if err == nil || !strings.Contains(err.Error(), `describes itself as platform "acme"`) {
		t.Fatalf("wrong id: %v", err)
	}
	assertNoChildren(t)
}

func TestNotAPlugin(t *testing.T) {
	m, _ := newTestManager(t, Config{Builtins: []Spec{{ID: "sh", Path: "/bin/sh", Args: []string{"-c", "echo hello; exit 0"}}}, StartTimeout: 10 * time.Second})
	_, err := m.Get(context.Background(), "sh")
	wantKind(t, err, sdk.KindUnavailable)
	if s := mustStatus(t, m, "sh"); s.Health != HealthFailed || s.LastError == "" {
		t.Fatalf("status %+v", s)
	}
}

func BenchmarkPluginCall(b *testing.B) {
	m, _ := newTestManager(b, Config{Builtins: []Spec{testPluginSpec("echo", "acme")}, Logger: slog.New(slog.DiscardHandler)})
	ctx := context.Background()
	p, err := m.Get(ctx, "acme")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Describe", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Describe(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpdateStock", func(b *testing.B) {
		req := sdk.UpdateStockRequest{Connection: sdk.Connection{ShopID: "s", Credentials: map[string]string{"app_key": "k", "app_secret": "s"}, AccessToken: "t"},
			ProductExternalID: "p", SKUExternalID: "k", Quantity: 3, IdempotencyKey: "i"}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.UpdateStock(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
