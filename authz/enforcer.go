package authz

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/casbinrule"
)

//go:embed model.conf
var modelText string

// Authorizer answers "may role R, granted in organization D, do ACT on OBJ?"
// with a synced, cached casbin enforcer whose policies live in the database.
type Authorizer struct {
	e      *casbin.SyncedCachedEnforcer
	client *ent.Client
	stop   chan struct{}
	once   sync.Once
	// Changed, when set, is called after this replica edited policies; the
	// server sends a NOTIFY so that the other replicas Reload at once.
	Changed func()
	reload  sync.Mutex
}

// PolicyReload is how often each replica reloads policies as a safety net;
// edits reach the other replicas at once through Changed (LISTEN/NOTIFY on
// PostgreSQL).
const PolicyReload = 30 * time.Second

// New loads the policies, seeds the built-in role matrix where missing and
// starts periodic reloading so that replicas converge.
func New(ctx context.Context, client *ent.Client) (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	e, err := casbin.NewSyncedCachedEnforcer(m, &entAdapter{client: client})
	if err != nil {
		return nil, fmt.Errorf("casbin enforcer: %w", err)
	}
	a := &Authorizer{e: e, client: client, stop: make(chan struct{})}
	if err := a.seed(); err != nil {
		return nil, err
	}
	// Not e.StartAutoLoadPolicy: its loop calls the embedded SyncedEnforcer's
	// LoadPolicy, which keeps the cached decisions (and they never expire), so
	// a role edited on another replica would never take effect here.
	go a.reloadEvery(PolicyReload)
	return a, nil
}

func (a *Authorizer) reloadEvery(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = a.Reload() // on error the previous policies stay in force
		case <-a.stop:
			return
		}
	}
}

// Reload loads the stored policies again and then forgets every cached
// decision, picking up edits made by other replicas. The cache is cleared
// after the load, not only before it: a decision cached while the load ran
// was made with the old policies. It runs on every policy notification and
// every PolicyReload.
func (a *Authorizer) Reload() error {
	a.reload.Lock()
	defer a.reload.Unlock()
	if err := a.e.LoadPolicy(); err != nil {
		return err
	}
	a.invalidate()
	return nil
}

// seed adds the built-in permissions that are not stored yet. Another replica
// seeding at the same moment makes some adds conflict; reloading settles it.
func (a *Authorizer) seed() error {
	var missing [][]string
	for _, role := range BuiltinRoles {
		for _, p := range DefaultPermissions[role] {
			rule := []string{role, "*", p[0], p[1]}
			if ok, _ := a.e.HasPolicy(rule); !ok {
				missing = append(missing, rule)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := a.e.AddPolicies(missing); err != nil {
		if !ent.IsConstraintError(err) {
			return fmt.Errorf("seed policies: %w", err)
		}
		return a.e.LoadPolicy()
	}
	return nil
}

// Close stops policy reloading.
func (a *Authorizer) Close() { a.once.Do(func() { close(a.stop) }) }

// Allowed reports whether role, granted in organization dom, may act on obj.
func (a *Authorizer) Allowed(role string, dom int, obj, act string) bool {
	ok, err := a.e.Enforce(role, strconv.Itoa(dom), obj, act)
	return err == nil && ok
}

// Permission is one object/action pair.
type Permission struct{ Object, Action string }

// RolePermissions lists the permissions a role has in organization dom,
// including those of the built-in role it inherits.
func (a *Authorizer) RolePermissions(role string, dom int) []Permission {
	var out []Permission
	names := []string{role}
	if parent := a.Inherits(role, dom); parent != "" {
		names = append(names, parent)
	}
	for _, n := range names {
		for _, d := range []string{"*", strconv.Itoa(dom)} {
			rules, _ := a.e.GetFilteredPolicy(0, n, d)
			for _, r := range rules {
				out = append(out, Permission{Object: r[2], Action: r[3]})
			}
		}
	}
	return out
}

// Inherits returns the role a custom role inherits in dom, or "".
func (a *Authorizer) Inherits(role string, dom int) string {
	rules, _ := a.e.GetFilteredGroupingPolicy(0, role, "", strconv.Itoa(dom))
	if len(rules) > 0 {
		return rules[0][1]
	}
	return ""
}

// CustomRoles lists the custom roles defined in organization dom.
func (a *Authorizer) CustomRoles(dom int) []string {
	seen := map[string]bool{}
	var out []string
	rules, _ := a.e.GetFilteredPolicy(1, strconv.Itoa(dom))
	groups, _ := a.e.GetFilteredGroupingPolicy(2, strconv.Itoa(dom))
	for _, r := range append(rules, groups...) {
		if !seen[r[0]] {
			seen[r[0]] = true
			out = append(out, r[0])
		}
	}
	return out
}

// RoleExists reports whether role is built in or defined in dom. A custom
// role unknown to this replica's loaded policies is looked up in the
// database (another replica may have just created it), and when found there
// the policies are reloaded so that its permissions apply here too.
func (a *Authorizer) RoleExists(role string, dom int) bool {
	if IsBuiltinRole(role) {
		return true
	}
	for _, r := range a.CustomRoles(dom) {
		if r == role {
			return true
		}
	}
	ctx, cancel := context.WithTimeout(SystemContext(context.Background()), 5*time.Second)
	defer cancel()
	d := strconv.Itoa(dom)
	ok, err := a.client.CasbinRule.Query().Where(casbinrule.V0(role), casbinrule.Or(
		casbinrule.And(casbinrule.Ptype("p"), casbinrule.V1(d)),
		casbinrule.And(casbinrule.Ptype("g"), casbinrule.V2(d)),
	)).Exist(ctx)
	if err != nil || !ok {
		return false
	}
	_ = a.Reload()
	return true
}

// SetCustomRole replaces the permissions (and inherited built-in role) of a
// custom role in dom.
func (a *Authorizer) SetCustomRole(role string, dom int, perms []Permission, inherits string) error {
	d := strconv.Itoa(dom)
	// Cached decisions about the role are stale whatever happens below (the
	// cached enforcer forgets only exact keys of added or removed lines, not
	// those of filtered removals, grouping lines or wildcard matches).
	defer a.changed()
	if err := a.deleteCustomRole(role, dom); err != nil {
		return err
	}
	rules := make([][]string, 0, len(perms))
	for _, p := range perms {
		rules = append(rules, []string{role, d, p.Object, p.Action})
	}
	if len(rules) > 0 {
		if _, err := a.e.AddPolicies(rules); err != nil {
			return err
		}
	}
	if inherits != "" {
		if _, err := a.e.AddGroupingPolicy(role, inherits, d); err != nil {
			return err
		}
	}
	return nil
}

// DeleteCustomRole removes a custom role's policies in dom.
func (a *Authorizer) DeleteCustomRole(role string, dom int) error {
	defer a.changed()
	return a.deleteCustomRole(role, dom)
}

func (a *Authorizer) deleteCustomRole(role string, dom int) error {
	d := strconv.Itoa(dom)
	if _, err := a.e.RemoveFilteredPolicy(0, role, d); err != nil {
		return err
	}
	_, err := a.e.RemoveFilteredGroupingPolicy(0, role, "", d)
	return err
}

// changed drops this replica's cached decisions and tells the others.
func (a *Authorizer) changed() {
	a.invalidate()
	if a.Changed != nil {
		a.Changed()
	}
}

// invalidate drops every cached decision after policies changed.
func (a *Authorizer) invalidate() {
	_ = a.e.InvalidateCache()
}
