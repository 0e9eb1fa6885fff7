// Package authz decides who may do what where: the identity of the caller
// (Viewer) carried in the request context, and casbin RBAC with domains.
package authz

import "context"

// Viewer is the authenticated caller of a request.
type Viewer struct {
	UserID int
	Email  string
	// TokenOrg, when non-zero, restricts an API token to one organization.
	TokenOrg int
	// System marks trusted internal work (migrations, demo seeding, background
	// sync) that bypasses tenant rules. Never set from a request.
	System bool
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
