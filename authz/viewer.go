// Package authz decides who may do what where: the identity of the caller
// (Viewer) carried in the request context, and casbin RBAC with domains.
package authz

import (
	"context"
	"slices"
	"sync"
)

// Viewer is the authenticated caller of a request.
type Viewer struct {
	UserID int
	Email  string
	// TokenID is the API token the request authenticated with (0: a session).
	TokenID int
	// SessionID is the session the request authenticated with (0: a token).
	SessionID int
	// Store, when not 0, is the one store a store-scoped API token (a mall's
	// token) may act on: privacy rules narrow every store-owned row to it and
	// organization-level work is refused.
	Store int
	// System marks trusted internal work (migrations, demo seeding, background
	// sync) that bypasses tenant rules. Never set from a request.
	System bool

	// grants maps every organization the viewer can see to the roles that apply
	// there, each with the organization it was granted in (an agency role
	// applies to the agency's clients).
	grants map[int][]Grant
	az     *Authorizer
	// limit, for an API token, is its creator as of this request: a token
	// never does more than its creator currently may, so demoting or removing
	// the creator takes effect on their tokens at once.
	limit *Viewer

	mu    sync.Mutex
	cache map[[2]string][]int
}

// Grant is a role and the organization it was granted in.
type Grant struct {
	Role   string
	Domain int
}

// Orgs lists every organization the viewer belongs to, directly or through an
// agency, sorted.
func (v *Viewer) Orgs() []int {
	out := make([]int, 0, len(v.grants))
	for o := range v.grants {
		out = append(out, o)
	}
	slices.Sort(out)
	return out
}

// Grants returns the roles that apply in org. The slice is clipped: the
// grants are shared by the clones of a cached viewer, so an append by the
// caller must not write into them.
func (v *Viewer) Grants(org int) []Grant { return slices.Clip(v.grants[org]) }

// Clone returns a viewer with the same identity and grants and none of v's
// per-request decisions (OrgsWith). The grants are never modified once
// loaded, so clones share them: the authentication cache hands every request
// its own clone, and casbin decisions are made afresh by each.
func (v *Viewer) Clone() *Viewer {
	c := &Viewer{UserID: v.UserID, Email: v.Email, TokenID: v.TokenID, SessionID: v.SessionID, Store: v.Store, System: v.System,
		grants: v.grants, az: v.az}
	if v.limit != nil {
		c.limit = v.limit.Clone()
	}
	return c
}

// Can reports whether the viewer may act on obj in org.
func (v *Viewer) Can(org int, obj, act string) bool {
	if v.System {
		return true
	}
	if v.limit != nil && !v.limit.Can(org, obj, act) {
		return false
	}
	for _, g := range v.grants[org] {
		if v.az.Allowed(g.Role, g.Domain, obj, act) {
			return true
		}
	}
	return false
}

// OrgsWith lists the organizations where the viewer may act on obj, sorted.
// Privacy rules use it to filter every query, so it is computed once per request.
func (v *Viewer) OrgsWith(obj, act string) []int {
	key := [2]string{obj, act}
	v.mu.Lock()
	defer v.mu.Unlock()
	if orgs, ok := v.cache[key]; ok {
		return orgs
	}
	orgs := []int{}
	for _, o := range v.Orgs() {
		if v.Can(o, obj, act) {
			orgs = append(orgs, o)
		}
	}
	if v.cache == nil {
		v.cache = map[[2]string][]int{}
	}
	v.cache[key] = orgs
	return orgs
}

// HasRole reports whether role applies to the viewer in org.
func (v *Viewer) HasRole(org int, role string) bool {
	if v.limit != nil && !v.limit.HasRole(org, role) {
		return false
	}
	for _, g := range v.grants[org] {
		if g.Role == role {
			return true
		}
	}
	return false
}

type viewerKey struct{}

// WithViewer returns a context carrying v.
func WithViewer(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer of ctx, or nil for an anonymous request.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}

// SystemContext marks ctx as trusted internal work.
func SystemContext(ctx context.Context) context.Context {
	return WithViewer(ctx, &Viewer{System: true})
}
