package graph

import "github.com/99designs/gqlgen/graphql"

// costKey is where the limits extension leaves the operation's estimated cost
// (in the operation's stats, which later extensions can read).
const costKey = "opsgraph.cost"

// OperationCost is the estimated cost of the operation, as computed by the
// limits extension before execution; ok is false when it did not run (no
// operation, or it was refused). Rate limiting spends this value.
func OperationCost(oc *graphql.OperationContext) (cost int, ok bool) {
	cost, ok = oc.Stats.GetExtension(costKey).(int)
	return cost, ok
}
