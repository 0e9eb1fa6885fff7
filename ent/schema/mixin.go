package schema

import (
	"regexp"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"

	"github.com/opsgraph/opsgraph/ent/privacy"
)

// TimeMixin gives every entity created_at and updated_at, sortable in GraphQL.
type TimeMixin struct{ mixin.Schema }

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(time.Now).Immutable().
			Comment("When the record was created.").
			Annotations(gqlann.OrderField("CREATED_AT"), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now).
			Comment("When the record was last changed.").
			Annotations(gqlann.OrderField("UPDATED_AT"), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
	}
}

// TenantMixin ties a business record to the organization (tenant) that owns it.
// Every tenant-owned table carries organization_id so that privacy rules filter
// with one indexed column instead of joins. Derived is true for records whose
// organization follows from their parent (a store, product, order ...): then the
// field is not part of the GraphQL inputs and a hook copies it from the parent.
//
// The mixin also carries the tenant privacy policy, so an entity that is
// tenant-owned cannot forget it: Object names the casbin object whose read
// permission lets a viewer read the rows (rows of other organizations are
// never readable), and Read, when set, replaces that read rule with a
// narrower one. Relation predicates apply the same policy (ent/schema/readscope).
type TenantMixin struct {
	mixin.Schema
	Derived bool
	Object  string
	Read    privacy.QueryRule
	// NoOrgIndex leaves out the organization_id index, for rollup tables that
	// are only ever read by store (their indexes lead with store_id): the index
	// would cost one more write per row on every sync page (decision 0256).
	NoOrgIndex bool
	// NoOrgForeignKey leaves out the organization edge, and with it the
	// foreign key: rollup rows are derived from orders (rebuildable) and
	// written by the thousand on every sync page, where the key's check per
	// row cost about a fifth of a row's insert on PostgreSQL (decision 0258).
	// organization_id stays a column, which the tenant policy filters on.
	NoOrgForeignKey bool
}

// Policy of the TenantMixin: the tenant policy. A mixin without Object panics
// when ent's runtime registers it, at start, rather than leaving rows open.
func (m TenantMixin) Policy() ent.Policy {
	if m.Object == "" && m.Read == nil {
		panic("schema: TenantMixin needs Object (the casbin object read permission applies to)")
	}
	return tenantPolicy(m.Object, m.Read)
}

// Fields of the TenantMixin.
func (m TenantMixin) Fields() []ent.Field {
	f := field.Int("organization_id").Immutable().
		Comment("The organization (tenant) that owns this record.")
	if m.Derived {
		f = f.Annotations(gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput))
	}
	return []ent.Field{f}
}

// Edges of the TenantMixin.
func (m TenantMixin) Edges() []ent.Edge {
	if m.NoOrgForeignKey {
		return nil
	}
	e := edge.To("organization", Organization.Type).Field("organization_id").
		Unique().Required().Immutable().
		Comment("The organization (tenant) that owns this record.")
	if m.Derived {
		e = e.Annotations(gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput))
	}
	return []ent.Edge{e}
}

// Indexes of the TenantMixin.
func (m TenantMixin) Indexes() []ent.Index {
	if m.NoOrgIndex {
		return nil
	}
	return []ent.Index{index.Fields("organization_id")}
}

// gqlEntity is the usual set of GraphQL annotations of a top-level entity:
// a Relay connection query field and create/update mutation inputs.
func gqlEntity(query string) []schema.Annotation {
	return []schema.Annotation{
		gqlann.QueryField(query),
		gqlann.RelayConnection(),
		gqlann.Mutations(gqlann.MutationCreate(), gqlann.MutationUpdate()),
		gqlann.MultiOrder(),
	}
}

// dayPattern is a calendar day, YYYY-MM-DD.
var dayPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)

// monthPattern is a calendar month, YYYY-MM.
var monthPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)
