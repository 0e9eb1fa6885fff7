package graph

import (
	"context"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"regexp"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/apitoken"
	"github.com/opsgraph/opsgraph/ent/membership"
	"github.com/opsgraph/opsgraph/ent/user"
	"github.com/opsgraph/opsgraph/graph/model"
)

func loginPayload(res *auth.LoginResult) *model.LoginPayload {
	return &model.LoginPayload{Token: res.Token, ExpiresAt: res.ExpiresAt, User: res.User}
}

func viewer(ctx context.Context) *authz.Viewer { return authz.FromContext(ctx) }

func (r *Resolver) logout(ctx context.Context) (bool, error) {
	v := viewer(ctx)
	if v.SessionID == 0 {
		return false, apperr.New(apperr.Conflict, "API tokens are revoked with revokeAPIToken, not logout")
	}
	return true, r.Auth.Logout(ctx, v.SessionID)
}

func (r *Resolver) me(ctx context.Context) (*ent.User, error) {
	return r.client(ctx).User.Get(ctx, viewer(ctx).UserID)
}

// checkRole refuses unknown roles, stops non-owners from handing out the
// owner role, and stops anyone from handing out a role that can do more than
// they can (a custom role with member:manage must not mint admins).
func (r *Resolver) checkRole(ctx context.Context, org int, role, field string) error {
	if !r.Authz.RoleExists(role, org) {
		return apperr.Input(field, "unknown role %q", role)
	}
	if role == authz.RoleOwner && !viewer(ctx).HasRole(org, authz.RoleOwner) {
		return apperr.New(apperr.Forbidden, "only an owner can grant the owner role")
	}
	if !r.canGrant(ctx, org, role) {
		return apperr.New(apperr.Forbidden, "role %q has permissions you do not have here", role)
	}
	return nil
}

// canGrant reports whether the viewer holds in org every permission of role,
// including what it inherits. Owners and admins hold */* and pass for any
// role; casbin's matcher makes a wildcard permission of the role pass only
// for a viewer holding that wildcard too.
func (r *Resolver) canGrant(ctx context.Context, org int, role string) bool {
	v := viewer(ctx)
	for _, p := range r.Authz.RolePermissions(role, org) {
		if !v.Can(org, p.Object, p.Action) {
			return false
		}
	}
	return true
}

// checkMember stops a member manager from changing or removing a member whose
// role can do more than they can.
func (r *Resolver) checkMember(ctx context.Context, m *ent.Membership, verb string) error {
	if m.Role == authz.RoleOwner && !viewer(ctx).HasRole(m.OrganizationID, authz.RoleOwner) {
		return apperr.New(apperr.Forbidden, "only an owner can %s an owner", verb)
	}
	if !r.canGrant(ctx, m.OrganizationID, m.Role) {
		return apperr.New(apperr.Forbidden, "you cannot %s a member whose role has permissions you do not have", verb)
	}
	return nil
}

func (r *Resolver) createAPIToken(ctx context.Context, name string, org int, role string, expiresAt *time.Time, storeID *int) (*model.CreateAPITokenPayload, error) {
	if err := r.checkRole(ctx, org, role, "role"); err != nil {
		return nil, err
	}
	v := viewer(ctx)
	if v.TokenID != 0 {
		return nil, apperr.New(apperr.Forbidden, "API tokens cannot create API tokens; sign in")
	}
	if storeID != nil {
		// A store token is confined to one store of its organization.
		st, err := r.client(ctx).Store.Get(ctx, *storeID)
		if err != nil || st.OrganizationID != org {
			return nil, apperr.Input("storeID", "no such store in this organization")
		}
	}
	secret, t, err := r.Auth.NewAPIToken(ctx, r.client(ctx), v.UserID, strings.TrimSpace(name), org, role, expiresAt, storeID)
	if err != nil {
		return nil, err
	}
	return &model.CreateAPITokenPayload{Token: secret, APIToken: t}, nil
}

func (r *Resolver) revokeAPIToken(ctx context.Context, id int) (*ent.APIToken, error) {
	c := r.client(ctx)
	t, err := c.APIToken.Get(ctx, id) // privacy: creator or member managers only
	if err != nil {
		return nil, err
	}
	v := viewer(ctx)
	if t.CreatedByID != v.UserID && !v.Can(t.OrganizationID, "member", "manage") {
		return nil, apperr.New(apperr.Forbidden, "only the creator or a member manager can revoke this token")
	}
	if t.RevokedAt != nil {
		return t, nil
	}
	return c.APIToken.UpdateOne(t).SetRevokedAt(time.Now()).Save(ctx)
}

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func (r *Resolver) inviteMember(ctx context.Context, org int, email, role string, displayName *string) (*model.InviteMemberPayload, error) {
	email = auth.NormalizeEmail(email)
	if !emailPattern.MatchString(email) {
		return nil, apperr.Input("email", "is not an email address")
	}
	if err := r.checkRole(ctx, org, role, "role"); err != nil {
		return nil, err
	}
	c := r.client(ctx)
	sys := authz.SystemContext(ctx)
	u, err := c.User.Query().Where(user.Email(email)).Only(sys)
	// The answer must not tell whether the email has an account (in another
	// organization): every invitation carries a token of the same form. For an
	// existing account it is a decoy that redeems nothing; its owner signs in
	// with their own password (docs/decisions/0114-invite-no-oracle.md).
	secret, _ := auth.NewToken(auth.InvitePrefix)
	name := email[:strings.IndexByte(email, '@')]
	if displayName != nil && strings.TrimSpace(*displayName) != "" {
		name = strings.TrimSpace(*displayName)
	}
	switch {
	case ent.IsNotFound(err):
		if u, secret, err = r.Auth.Invite(ctx, c, email, name); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	token := &secret
	if exists, err := c.Membership.Query().Where(membership.UserID(u.ID), membership.OrganizationID(org)).Exist(sys); err != nil {
		return nil, err
	} else if exists {
		return nil, apperr.New(apperr.Conflict, "%s is already a member; use changeMemberRole", email)
	}
	m, err := c.Membership.Create().SetUserID(u.ID).SetOrganizationID(org).SetRole(role).Save(ctx)
	if err != nil {
		return nil, err
	}
	// The answer echoes what the inviter typed, never the account's own
	// profile (its name, last sign-in) kept by other organizations.
	m.Edges.User = &ent.User{ID: u.ID, Email: email, DisplayName: name, CreatedAt: m.CreatedAt, UpdatedAt: m.CreatedAt}
	return &model.InviteMemberPayload{Membership: m, InvitationToken: token}, nil
}

// ensureOwnerRemains refuses to take the owner role away from the last owner.
func ensureOwnerRemains(ctx context.Context, c *ent.Client, m *ent.Membership) error {
	if m.Role != authz.RoleOwner {
		return nil
	}
	// Lock the organization's owner rows for the rest of the mutation's
	// transaction: two owners demoting each other at once then run one after
	// the other, and the second sees the first's change (PostgreSQL re-reads a
	// locked row once its lock is released). SQLite transactions are
	// immediate, so there writers are serialized already and FOR UPDATE is
	// not even syntax.
	owners, err := c.Membership.Query().
		Where(membership.OrganizationID(m.OrganizationID), membership.Role(authz.RoleOwner)).
		Modify(func(s *entsql.Selector) {
			if s.Dialect() == dialect.Postgres {
				s.ForUpdate()
			}
		}).
		IDs(authz.SystemContext(ctx))
	if err != nil {
		return err
	}
	if len(owners) <= 1 {
		return apperr.New(apperr.Conflict, "an organization must keep at least one owner")
	}
	return nil
}

func (r *Resolver) changeMemberRole(ctx context.Context, id int, role string) (*ent.Membership, error) {
	c := r.client(ctx)
	m, err := c.Membership.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := r.checkMember(ctx, m, "change the role of"); err != nil {
		return nil, err
	}
	if err := r.checkRole(ctx, m.OrganizationID, role, "role"); err != nil {
		return nil, err
	}
	if role != authz.RoleOwner {
		if err := ensureOwnerRemains(ctx, c, m); err != nil {
			return nil, err
		}
	}
	return c.Membership.UpdateOne(m).SetRole(role).Save(ctx)
}

func (r *Resolver) removeMember(ctx context.Context, id int) (int, error) {
	c := r.client(ctx)
	m, err := c.Membership.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	if err := r.checkMember(ctx, m, "remove"); err != nil {
		return 0, err
	}
	if err := ensureOwnerRemains(ctx, c, m); err != nil {
		return 0, err
	}
	// The member's API tokens for this organization stop with the membership.
	if _, err := c.APIToken.Update().Where(apitoken.CreatedByID(m.UserID), apitoken.OrganizationID(m.OrganizationID),
		apitoken.RevokedAtIsNil()).SetRevokedAt(time.Now()).Save(authz.SystemContext(ctx)); err != nil {
		return 0, err
	}
	return id, c.Membership.DeleteOne(m).Exec(ctx)
}

var roleNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

func (r *Resolver) setCustomRole(ctx context.Context, org int, name string, perms []*model.PermissionInput, inherits *string) (*model.Role, error) {
	if !roleNamePattern.MatchString(name) {
		return nil, apperr.Input("name", "use 2–40 lower-case letters, digits and underscores, starting with a letter")
	}
	if authz.IsBuiltinRole(name) {
		return nil, apperr.Input("name", "%q is a built-in role and cannot be redefined", name)
	}
	parent := ""
	if inherits != nil && *inherits != "" {
		if !authz.IsBuiltinRole(*inherits) {
			return nil, apperr.Input("inherits", "a custom role can extend a built-in role only")
		}
		if *inherits == authz.RoleOwner {
			return nil, apperr.Input("inherits", "a custom role cannot extend owner")
		}
		parent = *inherits
	}
	v := viewer(ctx)
	if parent != "" && !r.canGrant(ctx, org, parent) {
		return nil, apperr.New(apperr.Forbidden, "role %q has permissions you do not have here", parent)
	}
	ps := make([]authz.Permission, 0, len(perms))
	for i, p := range perms {
		if !authz.ValidPermission(p.Object, p.Action) {
			return nil, apperr.Input("permissions", "permissions[%d]: unknown object or action %s/%s", i, p.Object, p.Action)
		}
		if !v.Can(org, p.Object, p.Action) {
			return nil, apperr.New(apperr.Forbidden, "you cannot grant %s on %s: you do not hold it here", p.Action, p.Object)
		}
		ps = append(ps, authz.Permission{Object: p.Object, Action: p.Action})
	}
	// Nor may they redefine a role that can do more than they can, changing
	// what its holders may do.
	if r.Authz.RoleExists(name, org) && !r.canGrant(ctx, org, name) {
		return nil, apperr.New(apperr.Forbidden, "role %q has permissions you do not have here", name)
	}
	if err := r.Authz.SetCustomRole(name, org, ps, parent); err != nil {
		return nil, err
	}
	return r.role(name, org), nil
}

func (r *Resolver) deleteCustomRole(ctx context.Context, org int, name string) (bool, error) {
	if authz.IsBuiltinRole(name) {
		return false, apperr.Input("name", "built-in roles cannot be deleted")
	}
	if !r.Authz.RoleExists(name, org) {
		return false, apperr.New(apperr.NotFound, "no custom role %q here", name)
	}
	sys := authz.SystemContext(ctx)
	inUse, err := r.Client.Membership.Query().Where(membership.OrganizationID(org), membership.Role(name)).Exist(sys)
	if err != nil {
		return false, err
	}
	tokens, err := r.Client.APIToken.Query().Where(apitoken.OrganizationID(org), apitoken.Role(name), apitoken.RevokedAtIsNil()).Exist(sys)
	if err != nil {
		return false, err
	}
	if inUse || tokens {
		return false, apperr.New(apperr.Conflict, "role %q is still held by members or API tokens", name)
	}
	return true, r.Authz.DeleteCustomRole(name, org)
}

func (r *Resolver) role(name string, org int) *model.Role {
	role := &model.Role{Name: name, Builtin: authz.IsBuiltinRole(name), Permissions: []*model.Permission{}}
	if parent := r.Authz.Inherits(name, org); parent != "" {
		role.Inherits = &parent
	}
	for _, p := range r.Authz.RolePermissions(name, org) {
		role.Permissions = append(role.Permissions, &model.Permission{Object: p.Object, Action: p.Action})
	}
	return role
}

func (r *Resolver) roles(org int) []*model.Role {
	var out []*model.Role
	for _, name := range append(append([]string{}, authz.BuiltinRoles...), r.Authz.CustomRoles(org)...) {
		out = append(out, r.role(name, org))
	}
	return out
}
