package synctest

import (
	"bytes"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestStoppedPluginThroughAPI (issue 7 finding 7): the taobao plugin process
// is stopped with SIGSTOP under a running server. connectStore, which calls
// the plugin synchronously, fails with PLUGIN_UNAVAILABLE once the health
// check gives up on the process, instead of waiting out the call deadline
// (an hour here); the plugins query stops reporting the stopped process as
// RUNNING; and the next connectStore works on a new process.
func TestStoppedPluginThroughAPI(t *testing.T) {
	g := platformByID("taobao").start(t, fakeSize{Products: 1, Orders: 1})
	w := newWorld(t, testenv.SQLite, withConfig(func(c *app.Config) {
		c.PluginCallTimeout = time.Hour
		c.PluginHealthInterval = 200 * time.Millisecond
		c.PluginHealthTimeout = 300 * time.Millisecond
	}))
	storeID := w.createStore(t, w.org, g.storePlatform)
	if res := w.connect(t, w.admin, storeID, g); len(res.Errors) > 0 {
		t.Fatalf("connectStore: %+v", res.Errors)
	}
	pid := w.App.Plugins.PID("taobao")
	if pid == 0 {
		t.Fatal("taobao plugin not running")
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
	waitStopped(t, pid)

	res := w.connect(t, w.admin, storeID, g)
	if len(res.Errors) != 1 || res.Errors[0].Code() != "PLUGIN_UNAVAILABLE" {
		t.Fatalf("connectStore on a stopped plugin: %+v, want PLUGIN_UNAVAILABLE", res.Errors)
	}
	type status struct {
		ID, Health string
		Restarts   int
		LastError  *string
	}
	plugins := func() map[string]status {
		var out struct{ Plugins []status }
		w.must(t, w.admin, `{ plugins { id health restarts lastError } }`, nil, &out)
		m := map[string]status{}
		for _, p := range out.Plugins {
			m[p.ID] = p
		}
		return m
	}
	if s := plugins()["taobao"]; s.LastError == nil || !bytes.Contains([]byte(*s.LastError), []byte("stopped answering")) ||
		(s.Health == "RUNNING" && s.Restarts == 0) {
		t.Errorf("plugins query after the stopped process was given up: %+v", s)
	}
	if w.App.Plugins.PID("taobao") == pid {
		t.Errorf("the stopped process %d is still the running plugin", pid)
	}

	// Recovered on a new process.
	if res := w.connect(t, w.admin, storeID, g); len(res.Errors) > 0 {
		t.Fatalf("connectStore after the replacement: %+v", res.Errors)
	}
	if s := plugins()["taobao"]; s.Health != "RUNNING" || s.Restarts != 1 {
		t.Errorf("plugins query after the replacement: %+v", s)
	}
}

// waitStopped waits until /proc reports pid stopped (SIGSTOP is asynchronous).
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Skipf("no /proc: %v", err)
		}
		if i := bytes.LastIndexByte(raw, ')'); i >= 0 && i+2 < len(raw) && raw[i+2] == 'T' {
			return
		}
	}
	t.Fatalf("process %d never stopped", pid)
}
