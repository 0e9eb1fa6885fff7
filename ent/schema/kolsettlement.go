package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// KOLSettlement is a KOL partner's monthly CPS settlement statement.
type KOLSettlement struct{ ent.Schema }

// Mixin of KOLSettlement.
func (KOLSettlement) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "kol"}}
}

// Fields of KOLSettlement. Written only by generateKOLSettlement,
// confirmKOLSettlement and markKOLSettlementPaid.
func (KOLSettlement) Fields() []ent.Field {
	return []ent.Field{
		field.Int("kol_partner_id").Immutable().Comment("The partner settled with."),
		field.String("month").Immutable().Match(monthPattern).Comment("The month settled, YYYY-MM (Asia/Shanghai).").
			Annotations(gqlann.OrderField("MONTH")),
		field.Enum("status").Values("DRAFT", "CONFIRMED", "PAID").Default("DRAFT").
			Comment("DRAFT (recomputed by generateKOLSettlement) → CONFIRMED (lines frozen) → PAID.").
			Annotations(gqlann.OrderField("STATUS")),
		field.JSON("lines", []schematype.SettlementLine{}).
			Comment("One line per collaboration of the partner with attributed orders or a fee in the month."),
		field.Int64("commission").GoType(schematype.Money(0)).Default(0).
			Comment("Sum of the lines' CPS commissions.").Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("fees").GoType(schematype.Money(0)).Default(0).
			Comment("Sum of the lines' fixed fees (坑位费).").Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("total").GoType(schematype.Money(0)).Default(0).
			Comment("Amount due: commission + fees.").Annotations(gqlann.OrderField("TOTAL"), gqlann.Skip(gqlann.SkipWhereInput)),
		field.Time("generated_at").Comment("When the lines were last computed."),
		field.Int("confirmed_by_id").Optional().Nillable().Comment("The user who confirmed it."),
		field.Time("confirmed_at").Optional().Nillable().Comment("When it was confirmed."),
		field.Int("paid_by_id").Optional().Nillable().Comment("The user who marked it paid."),
		field.Time("paid_at").Optional().Nillable().Comment("When it was marked paid."),
	}
}

// Edges of KOLSettlement.
func (KOLSettlement) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("kol_partner", KOLPartner.Type).Field("kol_partner_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The partner settled with."),
	}
}

// Indexes of KOLSettlement.
func (KOLSettlement) Indexes() []ent.Index {
	return []ent.Index{index.Fields("kol_partner_id", "month").Unique()}
}

// Annotations of KOLSettlement.
func (KOLSettlement) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A KOL partner's monthly CPS settlement statement (结算单): commission on the attributed paid orders net of refunds, plus fees; DRAFT → CONFIRMED → PAID."),
		gqlann.QueryField("kolSettlements"),
		gqlann.RelayConnection(),
		gqlann.MultiOrder(),
	}
}

// Hooks of KOLSettlement.
func (KOLSettlement) Hooks() []ent.Hook { return []ent.Hook{inheritOrg("kol_partner_id", kolOrg)} }
