package graph

import "github.com/99designs/gqlgen/graphql"

// OperationCost is the estimated cost of the operation, as computed by the
// limits extension before execution (kept in the operation's stats under
// costKey, which later extensions can read); ok is false when it did not run (no
// operation, or it was refused). Rate limiting spends this value.
func OperationCost(oc *graphql.OperationContext) (cost int, ok bool) {
	cost, ok = oc.Stats.GetExtension(costKey).(int)
	return cost, ok
}
