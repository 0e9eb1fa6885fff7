package host

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// TestStoppedPluginIsReplaced (issue 7 finding 7): a real plugin process
// stopped with SIGSTOP is noticed by the health check, killed and replaced;
// the call that was waiting on it fails with KindUnavailable (ErrUnresponsive)
// instead of waiting out its deadline (an hour here: without the health check
// the test would hang), the status never shows the stopped process as
// RUNNING, and the next call works on the new process.
func TestStoppedPluginIsReplaced(t *testing.T) {
	m, _ := newTestManager(t, Config{
		Builtins:       []Spec{testPluginSpec("echo", "acme")},
		CallTimeout:    time.Hour,
		HealthInterval: 200 * time.Millisecond,
		HealthTimeout:  300 * time.Millisecond,
	})
	ctx := context.Background()
	p, err := m.Get(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	m.plugins["acme"].mu.Lock()
	old := m.plugins["acme"].inst
	m.plugins["acme"].mu.Unlock()
	if err := syscall.Kill(old.pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(old.pid, syscall.SIGCONT) })
	waitState(t, old.pid, 'T') // the signal is asynchronous

	_, err = p.ListProducts(ctx, sdk.ListProductsRequest{})
	e := wantKind(t, err, sdk.KindUnavailable)
	if !errors.Is(err, ErrUnresponsive) || !strings.Contains(e.Message, "stopped answering") {
		t.Fatalf("call on a stopped plugin: %v, want ErrUnresponsive", err)
	}
	<-old.runner.exited // killed and reaped
	assertReaped(t, old.pid)
	if s := mustStatus(t, m, "acme"); s.PID == old.pid || (s.Health == HealthRunning && s.Restarts == 0) {
		t.Fatalf("status after the stopped process was killed: %+v", s)
	}

	// Recovered: the next call runs on a new process.
	page, err := p.ListProducts(ctx, sdk.ListProductsRequest{})
	if err != nil {
		t.Fatalf("call after replacement: %v", err)
	}
	if len(page.Products) != 2 {
		t.Fatalf("page %+v", page)
	}
	s := mustStatus(t, m, "acme")
	if s.Health != HealthRunning || s.Restarts != 1 || s.PID == 0 || s.PID == old.pid || !strings.Contains(s.LastError, "stopped answering") {
		t.Fatalf("after replacement: %+v (old pid %d)", s, old.pid)
	}
}

// waitState waits until /proc says process pid is in state (R, S, T …).
func waitState(t *testing.T, pid int, state byte) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Skipf("no /proc: %v", err)
		}
		if i := bytes.LastIndexByte(raw, ')'); i >= 0 && i+2 < len(raw) && raw[i+2] == state {
			return
		}
	}
	t.Fatalf("process %d never reached state %c", pid, state)
}

// TestHealthyPluginSurvivesHealthChecks: a plugin busy in a long call still
// answers pings and is not replaced.
func TestHealthyPluginSurvivesHealthChecks(t *testing.T) {
	m, sink := newTestManager(t, Config{
		Builtins:       []Spec{testPluginSpec("echo", "acme")},
		CallTimeout:    time.Hour,
		HealthInterval: 50 * time.Millisecond,
		HealthTimeout:  2 * time.Second,
	})
	ctx := context.Background()
	p, err := m.Get(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	pid := m.PID("acme")
	blocked := sink.await(msgBlocked)
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		_, err := p.ListProducts(cctx, sdk.ListProductsRequest{Cursor: "block"})
		errc <- err
	}()
	<-blocked
	// Several health checks pass while the call is in the plugin.
	for range 5 {
		if err := m.plugins["acme"].ping(m.plugins["acme"].inst); err != nil {
			t.Fatalf("ping of a busy plugin: %v", err)
		}
	}
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("the cancelled call succeeded")
	}
	if _, err := p.Describe(ctx); err != nil {
		t.Fatal(err)
	}
	if s := mustStatus(t, m, "acme"); s.Health != HealthRunning || s.PID != pid || s.Restarts != 0 {
		t.Fatalf("status %+v, want the same process RUNNING", s)
	}
}
