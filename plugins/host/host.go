// Package host runs OpsGraph platform plugins as child processes and hands the
// server an sdk.Platform for each.
//
// Plugins start on first use (Get), every call gets a deadline, a plugin whose
// process dies is restarted on next use with bounded exponential backoff, a call
// interrupted by a dying plugin fails with a KindUnavailable *sdk.Error (never a
// panic), and Close stops every plugin process and reaps it. Third-party plugins
// come from a plugin directory and are launched only if their SHA-256 matches the
// manifest (see LoadManifest); built-in plugins are the server's own executable
// re-executed (see package plugins/builtin).
package host

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Defaults for Config's zero values.
const (
	DefaultCallTimeout  = 30 * time.Second
	DefaultStartTimeout = 20 * time.Second
	DefaultMinBackoff   = 500 * time.Millisecond
	DefaultMaxBackoff   = 30 * time.Second
	DefaultStableAfter  = time.Minute
	DefaultKillTimeout  = 5 * time.Second
	// A running plugin is pinged this often, and after a failed call; one that
	// does not answer a ping within DefaultHealthTimeout is killed and replaced.
	DefaultHealthInterval = 10 * time.Second
	DefaultHealthTimeout  = 3 * time.Second
)

// Spec says how to launch one plugin.
type Spec struct {
	ID      string   // plugin id; the plugin's Describe must report it as PlatformID
	Path    string   // executable
	Args    []string // arguments after the executable
	Env     []string // extra "KEY=value" environment for the plugin (see Config.PassEnv)
	SHA256  string   // lowercase hex; when set the binary is checked before every launch
	Builtin bool     // a built-in plugin (the server's own executable)
}

// Config configures a Manager. Zero values take the defaults above.
type Config struct {
	// PluginDir holds third-party plugin binaries and their manifest plugins.json.
	// Empty: no third-party plugins. (The server reads OPSGRAPH_PLUGIN_DIR.)
	PluginDir string
	// Builtins are the built-in plugins, usually builtin.Specs().
	Builtins []Spec
	// CallTimeout bounds every plugin call: a call's deadline is the earlier of
	// its context's deadline and now+CallTimeout.
	CallTimeout time.Duration
	// StartTimeout bounds launching a plugin (process start, handshake, Describe).
	StartTimeout time.Duration
	// MinBackoff and MaxBackoff bound the delay before restarting a plugin that
	// keeps crashing or failing to start: the first restart after a crash is
	// immediate, then MinBackoff, doubling up to MaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// StableAfter: a plugin that ran at least this long before crashing is
	// considered healthy again and its backoff starts over.
	StableAfter time.Duration
	// KillTimeout bounds a graceful stop in Close before the process is SIGKILLed.
	KillTimeout time.Duration
	// HealthInterval is how often a running plugin is pinged (go-plugin's
	// Ping, a gRPC health check); a failed call pings at once too.
	// HealthTimeout bounds one ping: a plugin that does not answer in time (a
	// stopped or wedged process) is killed, its calls in flight fail at once
	// with KindUnavailable (ErrUnresponsive), and it is relaunched.
	HealthInterval, HealthTimeout time.Duration
	// PassEnv lists host environment variables passed to plugins. Plugins never
	// inherit the host's whole environment (it holds the server's secrets); by
	// default they get PATH, HOME, TMPDIR, LANG, LC_ALL, TZ, SSL_CERT_FILE,
	// SSL_CERT_DIR, HTTP_PROXY, HTTPS_PROXY, NO_PROXY, GOCOVERDIR and
	// OPSGRAPH_PLUGIN_LOG_LEVEL.
	PassEnv []string
	// Env is extra "KEY=value" environment for every plugin (settings of the
	// server the plugins must honour, e.g. netguard.EnvAllowPrivate).
	Env []string
	// Logger receives host events and the plugins' own logs. Default: slog.Default().
	Logger *slog.Logger

	// Observe, if set, is called at the start of every plugin call (metrics
	// and tracing); the call runs with the context it returns and reports its
	// error to the returned func.
	Observe func(ctx context.Context, plugin, method string) (context.Context, func(error))
}

var defaultPassEnv = []string{
	"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ", "SSL_CERT_FILE", "SSL_CERT_DIR",
	"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
	"GOCOVERDIR", sdk.LogLevelEnv,
}

// Health of a plugin as reported by Statuses.
type Health string

// Health values.
const (
	HealthNotStarted Health = "NOT_STARTED" // never launched yet (plugins start on first use)
	HealthStarting   Health = "STARTING"    // being launched
	HealthRunning    Health = "RUNNING"     // process up and answering
	HealthCrashed    Health = "CRASHED"     // process exited unexpectedly; restarts on next use
	HealthBackoff    Health = "BACKOFF"     // crashed repeatedly; waiting before the next restart
	HealthFailed     Health = "FAILED"      // the last launch was refused or failed (see LastError)
	HealthStopped    Health = "STOPPED"     // the host was closed
)

// Status is what the host knows about one plugin.
type Status struct {
	ID              string
	DisplayName     string // from Describe, once the plugin has run
	PluginVersion   string // from Describe
	ProtocolVersion int    // negotiated go-plugin protocol version, once the plugin has run
	Capabilities    []sdk.Capability
	Health          Health
	Restarts        int       // successful relaunches after a crash or failed launch
	LastError       string    // the last crash or launch failure, "" if none
	LastErrorAt     time.Time // zero if none
	NextAttemptAt   time.Time // during BACKOFF/FAILED: when the next launch may happen
	Builtin         bool
	PID             int // 0 unless RUNNING
}

// Manager runs the plugins. It is safe for concurrent use.
type Manager struct {
	cfg     Config
	log     *slog.Logger
	hlog    hclog.Logger
	plugins map[string]*managed
	order   []string
	now     func() time.Time // tests inject a clock

	mu       sync.Mutex
	closed   bool
	launches sync.WaitGroup
}

// New builds a Manager from cfg. It launches nothing: plugins start on first
// use. It fails on an invalid or unreadable manifest, an invalid or duplicate id,
// or a PluginDir that does not exist; a PluginDir without plugins.json is
// allowed (no third-party plugins) and logged.
func New(cfg Config) (*Manager, error) {
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = DefaultCallTimeout
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = DefaultStartTimeout
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = cfg.MinBackoff
	}
	if cfg.StableAfter <= 0 {
		cfg.StableAfter = DefaultStableAfter
	}
	if cfg.KillTimeout <= 0 {
		cfg.KillTimeout = DefaultKillTimeout
	}
	if cfg.HealthInterval <= 0 {
		cfg.HealthInterval = DefaultHealthInterval
	}
	if cfg.HealthTimeout <= 0 {
		cfg.HealthTimeout = DefaultHealthTimeout
	}
	if cfg.PassEnv == nil {
		cfg.PassEnv = defaultPassEnv
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	m := &Manager{
		cfg:     cfg,
		log:     cfg.Logger.With("component", "plugin-host"),
		plugins: map[string]*managed{},
		now:     time.Now,
	}
	m.hlog = newSlogLogger(m.log)

	add := func(s Spec) error {
		if !ValidID(s.ID) {
			return fmt.Errorf("plugin host: invalid plugin id %q", s.ID)
		}
		if _, dup := m.plugins[s.ID]; dup {
			return fmt.Errorf("plugin host: plugin id %q is defined twice (built-in ids cannot be reused by the plugin manifest)", s.ID)
		}
		if s.Path == "" {
			return fmt.Errorf("plugin host: plugin %q has no executable path", s.ID)
		}
		s.Args = slices.Clone(s.Args)
		s.Env = slices.Clone(s.Env)
		m.plugins[s.ID] = &managed{m: m, spec: s, health: HealthNotStarted}
		m.order = append(m.order, s.ID)
		return nil
	}
	for _, s := range cfg.Builtins {
		s.Builtin = true
		if err := add(s); err != nil {
			return nil, err
		}
	}
	if cfg.PluginDir != "" {
		fi, err := os.Stat(cfg.PluginDir)
		if err != nil {
			return nil, fmt.Errorf("plugin host: plugin directory: %w", err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("plugin host: plugin directory %s is not a directory", cfg.PluginDir)
		}
		specs, err := LoadManifest(cfg.PluginDir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			m.log.Warn("plugin directory has no manifest; no third-party plugins loaded", "dir", cfg.PluginDir, "manifest", ManifestFile)
		case err != nil:
			return nil, err
		}
		for _, s := range specs {
			s.Builtin = false
			if err := add(s); err != nil {
				return nil, err
			}
		}
	}
	sort.Strings(m.order)
	return m, nil
}

// IDs returns the ids of all configured plugins, sorted.
func (m *Manager) IDs() []string { return slices.Clone(m.order) }

// Get returns the plugin id as an sdk.Platform, launching it if it is not
// running. The returned value stays valid across plugin restarts: each call goes
// to the current process, relaunching it (subject to backoff) if it died. Errors
// are *sdk.Error of KindUnavailable whose Cause is ErrUnknownPlugin,
// ErrChecksumMismatch, ErrProtocolVersion, ErrClosed or the launch failure.
func (m *Manager) Get(ctx context.Context, id string) (sdk.Platform, error) {
	p, ok := m.plugins[id]
	if !ok {
		return nil, &sdk.Error{Kind: sdk.KindUnavailable, Cause: ErrUnknownPlugin,
			Message: fmt.Sprintf("unknown plugin %q (configured: %s)", id, strings.Join(m.order, ", "))}
	}
	if _, err := p.acquire(ctx); err != nil {
		return nil, err
	}
	return &client{p: p}, nil
}

// Client returns the plugin id as an sdk.Platform without launching it; the
// first call launches it.
func (m *Manager) Client(id string) (sdk.Platform, bool) {
	p, ok := m.plugins[id]
	if !ok {
		return nil, false
	}
	return &client{p: p}, true
}

// PID returns the process id of the running plugin id, or 0. Tests use it to
// kill plugins.
func (m *Manager) PID(id string) int {
	p, ok := m.plugins[id]
	if !ok {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inst == nil {
		return 0
	}
	return p.inst.pid
}

// Status returns the status of one plugin.
func (m *Manager) Status(id string) (Status, bool) {
	p, ok := m.plugins[id]
	if !ok {
		return Status{}, false
	}
	return p.status(), true
}

// Statuses returns the status of every plugin, sorted by id.
func (m *Manager) Statuses() []Status {
	out := make([]Status, 0, len(m.order))
	for _, id := range m.order {
		out = append(out, m.plugins[id].status())
	}
	return out
}

// Close stops every plugin process (gracefully, then SIGKILL after
// Config.KillTimeout) and waits until each has been reaped. Calls in flight
// fail with KindUnavailable; later calls fail with cause ErrClosed. Close is
// idempotent.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.mu.Unlock()
	m.launches.Wait() // launches in progress see closed and stop what they started

	var wg sync.WaitGroup
	for _, p := range m.plugins {
		p.mu.Lock()
		inst := p.inst
		p.inst = nil
		p.health = HealthStopped
		p.mu.Unlock()
		if inst != nil {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m.stop(inst)
			}()
		}
	}
	wg.Wait()
	return nil
}

func (m *Manager) isClosed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closed
}

// beginLaunch registers a launch unless the manager is closed.
func (m *Manager) beginLaunch() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false
	}
	m.launches.Add(1)
	return true
}

// stop ends an instance: go-plugin's graceful shutdown (which itself falls back
// to SIGKILL after 2s), bounded by KillTimeout, then SIGKILL; it returns once
// the process has been reaped.
func (m *Manager) stop(inst *instance) {
	inst.stopping.Store(true)
	done := make(chan struct{})
	go func() {
		inst.kill()
		close(done)
	}()
	t := time.NewTimer(m.cfg.KillTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		m.log.Warn("plugin did not stop in time; killing it", "plugin", inst.id, "pid", inst.pid)
		_ = inst.runner.Kill(context.Background())
		<-done
	}
	<-inst.runner.exited
}

// backoff returns the delay before the next launch after n consecutive failures.
func (m *Manager) backoff(n int) time.Duration {
	if n <= 1 {
		return 0
	}
	d := m.cfg.MinBackoff
	for i := 2; i < n && d < m.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, m.cfg.MaxBackoff)
}

// env builds the plugin's environment (go-plugin appends its own variables).
func (m *Manager) env(s Spec) []string {
	var env []string
	for _, k := range m.cfg.PassEnv {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	env = append(env, m.cfg.Env...)
	return append(env, s.Env...)
}

// launch starts one process for spec and checks it: checksum, handshake and
// protocol version, Describe. It never returns a half-started process.
func (m *Manager) launch(s Spec) (*instance, error) {
	if s.SHA256 != "" {
		if err := verifyBinary(s.ID, s.Path, s.SHA256); err != nil {
			return nil, err
		}
	}
	var pr *procRunner
	log := m.hlog.With("plugin", s.ID)
	c := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig: sdk.Handshake,
		VersionedPlugins: map[int]goplugin.PluginSet{
			sdk.ProtocolVersion: {sdk.PluginName: &sdk.GRPCPlugin{}},
		},
		RunnerFunc: func(l hclog.Logger, spec *exec.Cmd, _ string) (runner.Runner, error) {
			cmd := exec.Command(s.Path, s.Args...)
			cmd.Env = append(m.env(s), spec.Env...) // our allow-listed env plus go-plugin's handshake variables
			var err error
			pr, err = newProcRunner(l, cmd)
			return pr, err
		},
		SkipHostEnv:      true,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		AutoMTLS:         true,
		StartTimeout:     m.cfg.StartTimeout,
		Logger:           log,
	})
	fail := func(err error) (*instance, error) {
		c.Kill()
		return nil, err
	}
	rpc, err := c.Client()
	if err != nil {
		if pr != nil {
			if v := pr.pluginProtocolVersion(); v != 0 && v != sdk.ProtocolVersion {
				return fail(fmt.Errorf("%w: plugin %q (%s) speaks plugin protocol version %d, but this host supports only version %d; rebuild the plugin against a plugins/sdk that speaks protocol %d",
					ErrProtocolVersion, s.ID, s.Path, v, sdk.ProtocolVersion, sdk.ProtocolVersion))
			}
		}
		return fail(fmt.Errorf("plugin %q: start %s: %w", s.ID, s.Path, err))
	}
	raw, err := rpc.Dispense(sdk.PluginName)
	if err != nil {
		return fail(fmt.Errorf("plugin %q: dispense: %w", s.ID, err))
	}
	pl, ok := raw.(sdk.Platform)
	if !ok {
		return fail(fmt.Errorf("plugin %q: dispensed %T, not an sdk.Platform", s.ID, raw))
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.StartTimeout)
	defer cancel()
	desc, err := pl.Describe(ctx)
	if err != nil {
		return fail(fmt.Errorf("plugin %q: Describe: %w", s.ID, err))
	}
	if desc.PlatformID != s.ID {
		return fail(fmt.Errorf("plugin %q: %s describes itself as platform %q; refusing a plugin under another id", s.ID, s.Path, desc.PlatformID))
	}
	ictx, cancel := context.WithCancel(context.Background())
	return &instance{
		id: s.ID, client: c, rpc: rpc, runner: pr, platform: pl, pid: pr.pid, desc: desc,
		protocol: c.NegotiatedVersion(), startedAt: m.now(),
		ctx: ictx, cancel: cancel, checkNow: make(chan struct{}, 1),
	}, nil
}

// ---- one plugin ----

type managed struct {
	m    *Manager
	spec Spec

	mu          sync.Mutex
	health      Health
	inst        *instance
	starting    chan struct{} // non-nil while a launch is in progress
	everRan     bool
	restarts    int
	failures    int // consecutive crashes / failed launches
	lastErr     error
	lastErrAt   time.Time
	nextAttempt time.Time
	desc        *sdk.Description
	protocol    int
}

type instance struct {
	id        string
	client    *goplugin.Client
	rpc       goplugin.ClientProtocol
	runner    *procRunner
	platform  sdk.Platform
	pid       int
	desc      *sdk.Description
	protocol  int
	startedAt time.Time
	stopping  atomic.Bool // set when the host stops it on purpose
	killOnce  sync.Once
	// ctx ends when the instance is given up (it stopped answering, exited or
	// the host closed): calls in flight on it end then instead of at their deadline.
	ctx      context.Context
	cancel   context.CancelFunc
	checkNow chan struct{} // asks the health monitor for a ping now
}

// kill runs go-plugin's Kill once (graceful shutdown, SIGKILL after 2s, then
// release of its goroutines and socket directory); concurrent callers wait for it.
func (i *instance) kill() { i.killOnce.Do(i.client.Kill) }

func (i *instance) exited() bool {
	select {
	case <-i.runner.exited:
		return true
	default:
		return false
	}
}

func unavailable(cause error, format string, args ...any) *sdk.Error {
	return &sdk.Error{Kind: sdk.KindUnavailable, Message: fmt.Sprintf(format, args...), Cause: cause}
}

// acquire returns the running instance, launching it if needed. Concurrent
// callers share one launch.
func (p *managed) acquire(ctx context.Context) (*instance, error) {
	m := p.m
	p.mu.Lock()
	for {
		if m.isClosed() {
			p.mu.Unlock()
			return nil, unavailable(ErrClosed, "plugin %q: the plugin host is shut down", p.spec.ID)
		}
		if p.inst != nil {
			if !p.inst.exited() {
				inst := p.inst
				p.mu.Unlock()
				return inst, nil
			}
			p.crashedLocked(p.inst)
		}
		if p.starting != nil {
			ch := p.starting
			p.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				return nil, unavailable(ctx.Err(), "plugin %q: still starting when the call's deadline passed", p.spec.ID)
			}
			p.mu.Lock()
			continue
		}
		if now := m.now(); now.Before(p.nextAttempt) {
			wait := p.nextAttempt.Sub(now)
			e := unavailable(p.lastErr, "plugin %q is not running (last error: %v); next restart attempt in %s",
				p.spec.ID, p.lastErr, wait.Round(time.Millisecond))
			e.RetryAfter = wait
			p.mu.Unlock()
			return nil, e
		}
		if !m.beginLaunch() {
			continue // closed: reported at the top of the loop
		}
		ch := make(chan struct{})
		p.starting = ch
		p.health = HealthStarting
		p.mu.Unlock()

		inst, err := m.launch(p.spec)
		if err == nil && m.isClosed() {
			m.stop(inst)
			inst, err = nil, ErrClosed
		}

		p.mu.Lock()
		p.starting = nil
		close(ch)
		m.launches.Done()
		if err != nil {
			now := m.now()
			p.failures++
			p.lastErr, p.lastErrAt = err, now
			p.nextAttempt = now.Add(m.backoff(p.failures))
			p.health = HealthFailed
			p.mu.Unlock()
			m.log.Error("plugin launch failed", "plugin", p.spec.ID, "error", err)
			return nil, unavailable(err, "%v", err)
		}
		if p.everRan {
			p.restarts++
		}
		p.everRan = true
		p.inst = inst
		p.desc, p.protocol = inst.desc, inst.protocol
		p.health = HealthRunning
		p.mu.Unlock()
		m.log.Info("plugin started", "plugin", p.spec.ID, "pid", inst.pid, "version", inst.desc.PluginVersion, "protocol", inst.protocol)
		go p.watch(inst)
		go p.monitor(inst)
		return inst, nil
	}
}

// watch notices the process exiting on its own.
func (p *managed) watch(inst *instance) {
	<-inst.runner.exited
	inst.cancel()
	if inst.stopping.Load() {
		return
	}
	p.mu.Lock()
	p.crashedLocked(inst)
	p.mu.Unlock()
	inst.kill() // let go-plugin release its goroutines and socket directory
}

// crashedLocked records that inst exited unexpectedly; idempotent.
func (p *managed) crashedLocked(inst *instance) {
	reason := "exited"
	if err := inst.runner.waitErr; err != nil {
		reason = err.Error()
	}
	p.lostLocked(inst, fmt.Errorf("plugin process %d exited unexpectedly (%s)", inst.pid, reason))
}

// lostLocked records that inst is gone for cause; idempotent. The next use
// (or the health monitor) launches a new process, subject to backoff.
func (p *managed) lostLocked(inst *instance, cause error) bool {
	if p.inst != inst {
		return false
	}
	m := p.m
	now := m.now()
	p.inst = nil
	inst.cancel()
	if now.Sub(inst.startedAt) >= m.cfg.StableAfter {
		p.failures = 0
	}
	p.failures++
	p.lastErr = cause
	p.lastErrAt = now
	p.nextAttempt = now.Add(m.backoff(p.failures))
	p.health = HealthCrashed
	m.log.Error("plugin crashed", "plugin", p.spec.ID, "pid", inst.pid, "reason", cause, "restart_in", p.nextAttempt.Sub(now))
	return true
}

func (p *managed) status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inst != nil && p.inst.exited() {
		p.crashedLocked(p.inst)
	}
	s := Status{
		ID:              p.spec.ID,
		Health:          p.health,
		Restarts:        p.restarts,
		Builtin:         p.spec.Builtin,
		ProtocolVersion: p.protocol,
		LastErrorAt:     p.lastErrAt,
	}
	if p.lastErr != nil {
		s.LastError = p.lastErr.Error()
	}
	if p.desc != nil {
		s.DisplayName = p.desc.DisplayName
		s.PluginVersion = p.desc.PluginVersion
		s.Capabilities = slices.Clone(p.desc.Capabilities)
	}
	if p.inst != nil {
		s.PID = p.inst.pid
	}
	if s.Health == HealthCrashed || s.Health == HealthFailed {
		s.NextAttemptAt = p.nextAttempt
		if s.Health == HealthCrashed && p.m.now().Before(p.nextAttempt) {
			s.Health = HealthBackoff
		}
	}
	return s
}
