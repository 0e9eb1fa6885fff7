package synctest

import (
	"errors"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestSyncPermissions: connecting and syncing a store is integrator (or
// admin) work; a viewer is refused with FORBIDDEN, and a member of another
// organization does not even see the store (NOT_FOUND).
func TestSyncPermissions(t *testing.T) {
	g := startTaobao(t, fakeSize{Products: 3, Orders: 5})
	w := newWorld(t, testenv.SQLite)
	viewer := w.User(t, "viewer@a.test", testenv.Grant{Org: w.org, Role: "viewer"})
	integrator := w.User(t, "integrator@a.test", testenv.Grant{Org: w.org, Role: "integrator"})
	other := w.Org(t, "Brand B", 0)
	outsider := w.User(t, "admin@b.test", testenv.Grant{Org: other, Role: "admin"})
	storeID := w.createStore(t, w.org, g.storePlatform)

	syncStore := `mutation($s: ID!) { syncStore(storeID: $s) { id } }`
	for _, tc := range []struct {
		name, token, want string
	}{
		{"viewer", viewer, "FORBIDDEN"},
		{"member of another organization", outsider, "NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if res := w.connect(t, tc.token, storeID, g); !slices.Equal(res.Codes(), []string{tc.want}) {
				t.Errorf("connectStore as %s: %v %+v, want %s", tc.name, res.Codes(), res.Errors, tc.want)
			}
			if rows := w.rawConnections(t, storeID); len(rows) != 0 {
				t.Fatalf("connectStore as %s stored a connection", tc.name)
			}
		})
	}

	// The integrator connects and syncs.
	if res := w.connect(t, integrator, storeID, g); len(res.Errors) > 0 {
		t.Fatalf("connectStore as integrator: %+v", res.Errors)
	}
	for _, tc := range []struct {
		name, token, want string
	}{
		{"viewer", viewer, "FORBIDDEN"},
		{"member of another organization", outsider, "NOT_FOUND"},
	} {
		t.Run(tc.name+" syncs", func(t *testing.T) {
			if res := w.gql(t, tc.token, syncStore, map[string]any{"s": storeID}); !slices.Equal(res.Codes(), []string{tc.want}) {
				t.Errorf("syncStore as %s: %v %+v, want %s", tc.name, res.Codes(), res.Errors, tc.want)
			}
		})
	}
	j := w.sync(t, integrator, storeID)
	if got, _ := w.stored(t, storeID); got != g.want {
		t.Errorf("after the integrator's sync (%+v) the API shows %+v, want %+v", j, got, g.want)
	}
	// The outsider cannot read the integrator's job either.
	res := w.gql(t, outsider, `query($id: ID!) { node(id: $id) { ... on SyncJob { id status } } }`, map[string]any{"id": j.ID})
	if !slices.Equal(res.Codes(), []string{"NOT_FOUND"}) {
		t.Errorf("a member of another organization reading the sync job: %s %v, want NOT_FOUND", res.Data, res.Codes())
	}
}

// TestNoZombiePlugins: every plugin process, including one killed and
// restarted while the server runs, is gone (reaped, not a zombie) once the
// server has shut down.
func TestNoZombiePlugins(t *testing.T) {
	var pids []int
	t.Run("server", func(t *testing.T) {
		w := newWorld(t, testenv.SQLite)
		for _, pc := range platforms {
			g := pc.start(t, fakeSize{Products: 2, Orders: 2})
			w.connected(t, g) // launches the plugin
			pid := w.App.Plugins.PID(pc.plugin)
			if pid == 0 || syscall.Kill(pid, 0) != nil {
				t.Fatalf("plugin %s: pid %d is not a running process", pc.plugin, pid)
			}
			pids = append(pids, pid)
		}
		// A crashed plugin is reaped at once, not left as a zombie until shutdown.
		killed := w.App.Plugins.PID("douyin")
		if err := syscall.Kill(killed, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		waitGone(t, killed, 5*time.Second)
		w.connected(t, platformByID("douyin").start(t, fakeSize{Products: 1, Orders: 1})) // restarts it
		restarted := w.App.Plugins.PID("douyin")
		if restarted == 0 || restarted == killed {
			t.Fatalf("douyin plugin pid after restart = %d (killed %d)", restarted, killed)
		}
		pids = append(pids, restarted)
	})
	// The subtest's cleanup closed the server (App.Close), which waits for
	// its plugins to be reaped: nothing may be left.
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("plugin process %d still exists after shutdown (kill(pid, 0): %v)", pid, err)
		}
	}
}

// waitGone waits until pid no longer exists (reaped), with a bound.
func waitGone(t testing.TB, pid int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still exists %s after SIGKILL (a zombie nobody reaped?)", pid, limit)
		}
		<-tick.C
	}
}
