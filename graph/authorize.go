package graph

import (
	"context"
	"reflect"

	"github.com/99designs/gqlgen/graphql"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
)

// rule is the authorization rule of one root field (layer one of two; ent
// privacy rules are layer two). Every Query, Mutation and Subscription field
// must have one: a field without is refused, and TestEveryRootFieldHasARule
// fails the build's tests.
type rule struct {
	public bool // needs no authentication (login and the like)
	// Obj and Act name the casbin permission; empty means "any signed-in user",
	// with privacy rules filtering what they see.
	obj, act string
	// org finds the organization that owns the object acted on. Without it the
	// viewer needs the permission in at least one organization, and privacy
	// rules narrow the rows to those organizations.
	org orgSource
}

// orgSource finds the organization a root field acts in, from its arguments.
type orgSource func(ctx context.Context, r *Resolver, args map[string]any) (int, error)

// errStoreToken refuses organization-level work to a store-scoped token.
var errStoreToken = apperr.New(apperr.Forbidden, "this API token acts on one store only; organization-level work needs another token")

// orgLevel refuses a store-scoped token (authz.Viewer.Store) on fields that
// act on a whole organization.
func orgLevel(ctx context.Context) error {
	if v := authz.FromContext(ctx); v != nil && v.Store != 0 {
		return errStoreToken
	}
	return nil
}

// argOrg: the organization id is an argument.
func argOrg(name string) orgSource {
	return func(ctx context.Context, _ *Resolver, args map[string]any) (int, error) {
		if err := orgLevel(ctx); err != nil {
			return 0, err
		}
		id, ok := args[name].(int)
		if !ok {
			return 0, apperr.Input(name, "an organization id is required")
		}
		return id, nil
	}
}

// inputOrg: the organization id is a field of the input object.
func inputOrg(field string) orgSource {
	return func(ctx context.Context, _ *Resolver, args map[string]any) (int, error) {
		if err := orgLevel(ctx); err != nil {
			return 0, err
		}
		id, ok := inputField(args, field)
		if !ok {
			return 0, apperr.Input(camel(field), "an organization id is required")
		}
		return id, nil
	}
}

// nodeOrg: the argument is the id of an object; its organization owns it.
func nodeOrg(name string) orgSource {
	return func(ctx context.Context, r *Resolver, args map[string]any) (int, error) {
		id, ok := args[name].(int)
		if !ok {
			return 0, apperr.Input(name, "an id is required")
		}
		return r.orgOfID(ctx, id)
	}
}

// inputNodeOrg: a field of the input object is the id of the parent object.
func inputNodeOrg(field string) orgSource {
	return func(ctx context.Context, r *Resolver, args map[string]any) (int, error) {
		id, ok := inputField(args, field)
		if !ok {
			return 0, apperr.Input(camel(field), "is required")
		}
		return r.orgOfID(ctx, id)
	}
}

// inputField reads an int (or *int) field of args["input"], an ent input struct.
func inputField(args map[string]any, field string) (int, bool) {
	v := reflect.ValueOf(args["input"])
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return 0, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0, false
	}
	f := v.FieldByName(field)
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return 0, false
		}
		f = f.Elem()
	}
	if f.Kind() != reflect.Int {
		return 0, false
	}
	return int(f.Int()), true
}

// orgOfID loads any object by its global id (through privacy: an object the
// viewer cannot read is not found) and returns its organization.
func (r *Resolver) orgOfID(ctx context.Context, id int) (int, error) {
	n, err := r.client(ctx).Noder(plainContext(ctx), id)
	if err != nil {
		return 0, err
	}
	if org, ok := orgOf(n); ok {
		return org, nil
	}
	return 0, apperr.New(apperr.NotFound, "not found")
}

// orgOf is the organization that owns a node.
func orgOf(n ent.Noder) (int, bool) {
	switch v := n.(type) {
	case *ent.Organization:
		return v.ID, true
	case *ent.Store:
		return v.OrganizationID, true
	case *ent.Content:
		return v.OrganizationID, true
	case *ent.Campaign:
		return v.OrganizationID, true
	case *ent.KOLPartner:
		return v.OrganizationID, true
	case *ent.Collaboration:
		return v.OrganizationID, true
	case *ent.Supplier:
		return v.OrganizationID, true
	case *ent.Product:
		return v.OrganizationID, true
	case *ent.SKU:
		return v.OrganizationID, true
	case *ent.Order:
		return v.OrganizationID, true
	case *ent.OrderLine:
		return v.OrganizationID, true
	case *ent.MetricSnapshot:
		return v.OrganizationID, true
	case *ent.Membership:
		return v.OrganizationID, true
	case *ent.APIToken:
		return v.OrganizationID, true
	case *ent.SyncJob:
		return v.OrganizationID, true
	case *ent.PlatformConnection:
		return v.OrganizationID, true
	case *ent.Asset:
		return v.OrganizationID, true
	case *ent.Experiment:
		return v.OrganizationID, true
	case *ent.EngagementMetric:
		return v.OrganizationID, true
	case *ent.KOLSettlement:
		return v.OrganizationID, true
	case *ent.WebhookEndpoint:
		return v.OrganizationID, true
	case *ent.WebhookDelivery:
		return v.OrganizationID, true
	case *ent.GroupBuyTeam:
		return v.OrganizationID, true
	case *ent.BargainSession:
		return v.OrganizationID, true
	case *ent.FlashReservation:
		return v.OrganizationID, true
	case *ent.CouponClaim:
		return v.OrganizationID, true
	}
	return 0, false
}

type authErrKey struct{}

// WithAuthError records why a presented token was not accepted, so that data
// fields can say so instead of a bare "sign in".
func WithAuthError(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, authErrKey{}, err)
}

var errUnauthenticated = apperr.New(apperr.Unauthenticated, "sign in first: send Authorization: Bearer <token> (see the login mutation)")

// authorizeRoot is the field middleware enforcing rules on root fields and
// writing the audit log of mutations.
func (r *Resolver) authorizeRoot(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !isRootType(fc.Object) || len(fc.Field.Name) >= 2 && fc.Field.Name[:2] == "__" {
		return next(ctx)
	}
	key := fc.Object + "." + fc.Field.Name
	ru, ok := rules[key]
	if !ok {
		// Fail closed: a field added without a rule is unusable (and a test fails).
		r.Log.ErrorContext(ctx, "root field without an authorization rule", "field", key)
		return nil, apperr.New(apperr.Forbidden, "not allowed")
	}
	org, err := r.check(ctx, ru, fc.Args)
	if err != nil {
		auditFailure(ctx, fc, ru, org, err)
		return nil, err
	}
	grouped := isGroupCommitted(ctx, fc)
	if grouped {
		// The service writes the success's audit record in its batch.
		ctx = withGroupAudit(ctx, newAudit(ctx, fc, ru, org, true))
	}
	res, err := next(ctx)
	if fc.Object == "Mutation" {
		if err != nil {
			auditFailure(ctx, fc, ru, org, err)
		} else if grouped {
			return res, nil
		} else if aerr := r.auditSuccess(ctx, fc, ru, org, res); aerr != nil {
			return nil, aerr
		}
	}
	return res, err
}

func isRootType(name string) bool {
	return name == "Query" || name == "Mutation" || name == "Subscription"
}

// check applies a rule and returns the organization acted in (0 if none).
func (r *Resolver) check(ctx context.Context, ru rule, args map[string]any) (int, error) {
	if ru.public {
		return 0, nil
	}
	v := authz.FromContext(ctx)
	if v == nil {
		if err, ok := ctx.Value(authErrKey{}).(error); ok {
			return 0, err
		}
		return 0, errUnauthenticated
	}
	if v.System || ru.obj == "" {
		// System work (never from a request) is trusted; an empty rule asks
		// only for a signed-in user.
		return 0, nil
	}
	if ru.org == nil {
		if len(v.OrgsWith(ru.obj, ru.act)) == 0 {
			return 0, forbidden(ru)
		}
		return 0, nil
	}
	org, err := ru.org(ctx, r, args)
	if err != nil {
		return 0, err
	}
	if !v.Can(org, ru.obj, ru.act) {
		// An organization the viewer does not belong to looks like a missing
		// object. The refused attempt is audited without that organization: its
		// audit log is not the caller's to write in, and the caller's identity
		// is not its business.
		if len(v.Grants(org)) == 0 {
			return 0, apperr.New(apperr.NotFound, "not found")
		}
		return org, forbidden(ru)
	}
	return org, nil
}

func forbidden(ru rule) error {
	return apperr.New(apperr.Forbidden, "your role does not allow %s on %s here", ru.act, ru.obj)
}

// plainContext keeps ctx's deadline, viewer and transaction but drops the
// GraphQL field context: entgql's Noder would otherwise load only the columns
// the current field selects (often just the id).
func plainContext(ctx context.Context) context.Context {
	vals := authz.WithViewer(context.Background(), authz.FromContext(ctx))
	if c := ent.FromContext(ctx); c != nil {
		vals = ent.NewContext(vals, c)
	}
	return valuesFrom{Context: ctx, vals: vals}
}

type valuesFrom struct {
	context.Context
	vals context.Context
}

func (v valuesFrom) Value(key any) any { return v.vals.Value(key) }
