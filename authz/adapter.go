package authz

import (
	"context"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/casbinrule"
	"github.com/opsgraph/opsgraph/ent/predicate"
)

// entAdapter stores casbin policies in OpsGraph's own ent schema (table
// casbin_rules, the same shape as github.com/casbin/ent-adapter's). The upstream
// adapter v0.4.0 cannot be used: its generated code calls ent APIs removed
// before ent v0.14 (schema.WithFixture). See docs/decisions/0004-casbin-adapter.md.
type entAdapter struct{ client *ent.Client }

var _ persist.Adapter = (*entAdapter)(nil)

func (a *entAdapter) ctx() context.Context { return SystemContext(context.Background()) }

// LoadPolicy loads every policy line into the model.
func (a *entAdapter) LoadPolicy(m model.Model) error {
	rules, err := a.client.CasbinRule.Query().Order(ent.Asc(casbinrule.FieldID)).All(a.ctx())
	if err != nil {
		return err
	}
	for _, r := range rules {
		line := []string{r.Ptype, r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
		for len(line) > 1 && line[len(line)-1] == "" {
			line = line[:len(line)-1]
		}
		if err := persist.LoadPolicyArray(line, m); err != nil {
			return err
		}
	}
	return nil
}

// SavePolicy replaces every stored line with the model's, in one transaction.
func (a *entAdapter) SavePolicy(m model.Model) error {
	return withTx(a.ctx(), a.client, func(tx *ent.Tx) error {
		if _, err := tx.CasbinRule.Delete().Exec(a.ctx()); err != nil {
			return err
		}
		var creates []*ent.CasbinRuleCreate
		for _, sec := range []string{"p", "g"} {
			for ptype, ast := range m[sec] {
				for _, rule := range ast.Policy {
					creates = append(creates, ruleCreate(tx.Client(), ptype, rule))
				}
			}
		}
		return tx.CasbinRule.CreateBulk(creates...).Exec(a.ctx())
	})
}

// AddPolicy stores one line.
func (a *entAdapter) AddPolicy(_, ptype string, rule []string) error {
	return ruleCreate(a.client, ptype, rule).Exec(a.ctx())
}

// RemovePolicy deletes one line.
func (a *entAdapter) RemovePolicy(_, ptype string, rule []string) error {
	_, err := a.client.CasbinRule.Delete().Where(match(ptype, 0, rule...)...).Exec(a.ctx())
	return err
}

// RemoveFilteredPolicy deletes the lines whose fields from fieldIndex on match
// fieldValues (an empty value matches anything).
func (a *entAdapter) RemoveFilteredPolicy(_, ptype string, fieldIndex int, fieldValues ...string) error {
	_, err := a.client.CasbinRule.Delete().Where(match(ptype, fieldIndex, fieldValues...)...).Exec(a.ctx())
	return err
}

func ruleCreate(c *ent.Client, ptype string, rule []string) *ent.CasbinRuleCreate {
	v := make([]string, 6)
	copy(v, rule)
	return c.CasbinRule.Create().SetPtype(ptype).
		SetV0(v[0]).SetV1(v[1]).SetV2(v[2]).SetV3(v[3]).SetV4(v[4]).SetV5(v[5])
}

func match(ptype string, from int, values ...string) []predicate.CasbinRule {
	cols := []func(string) predicate.CasbinRule{casbinrule.V0, casbinrule.V1, casbinrule.V2,
		casbinrule.V3, casbinrule.V4, casbinrule.V5}
	ps := []predicate.CasbinRule{casbinrule.Ptype(ptype)}
	for i, val := range values {
		if val != "" && from+i < len(cols) {
			ps = append(ps, cols[from+i](val))
		}
	}
	return ps
}

// withTx runs fn in a transaction, rolling back on error.
func withTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

var _ persist.BatchAdapter = (*entAdapter)(nil)

// AddPolicies stores several lines in one transaction.
func (a *entAdapter) AddPolicies(_, ptype string, rules [][]string) error {
	return withTx(a.ctx(), a.client, func(tx *ent.Tx) error {
		creates := make([]*ent.CasbinRuleCreate, len(rules))
		for i, r := range rules {
			creates[i] = ruleCreate(tx.Client(), ptype, r)
		}
		return tx.CasbinRule.CreateBulk(creates...).Exec(a.ctx())
	})
}

// RemovePolicies deletes several lines in one transaction.
func (a *entAdapter) RemovePolicies(_, ptype string, rules [][]string) error {
	return withTx(a.ctx(), a.client, func(tx *ent.Tx) error {
		for _, r := range rules {
			if _, err := tx.CasbinRule.Delete().Where(match(ptype, 0, r...)...).Exec(a.ctx()); err != nil {
				return err
			}
		}
		return nil
	})
}
