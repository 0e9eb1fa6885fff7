package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

// groupCommitFields are mutations that, sent alone in their operation, run
// outside the per-operation transaction: the service coalesces concurrent
// requests into one transaction and writes each success's audit record in
// it (decision 0240). In an operation with other root fields they take the
// ordinary per-operation transaction.
var groupCommitFields = map[string]bool{"reserveFlashSale": true}

// groupCommitted reports whether op is one group-committed mutation alone.
func groupCommitted(op *ast.OperationDefinition) bool {
	if op == nil || op.Operation != ast.Mutation || len(op.SelectionSet) != 1 {
		return false
	}
	f, ok := op.SelectionSet[0].(*ast.Field)
	return ok && groupCommitFields[f.Name]
}

type groupAuditKey struct{}

// withGroupAudit hands the audit record of a group-committed mutation to
// its resolver (see auditFor); authorizeRoot then writes none itself.
func withGroupAudit(ctx context.Context, a auditRecord) context.Context {
	return context.WithValue(ctx, groupAuditKey{}, a)
}

// groupAudit is the audit builder for the service's batch, or nil when the
// mutation runs in the per-operation transaction.
func groupAudit(ctx context.Context) mallsvc.AuditFunc {
	a, ok := ctx.Value(groupAuditKey{}).(auditRecord)
	if !ok {
		return nil
	}
	return func(c *ent.Client, r *ent.FlashReservation) *ent.AuditEventCreate {
		rec := a
		rec.objID = fmt.Sprint(r.ID)
		if rec.org == 0 {
			rec.org = r.OrganizationID
		}
		return rec.create(c)
	}
}

// isGroupCommitted: this root field runs group-committed (no transaction
// of the operation in ctx).
func isGroupCommitted(ctx context.Context, fc *graphql.FieldContext) bool {
	return fc.Object == "Mutation" && groupCommitFields[fc.Field.Name] && ent.TxFromContext(ctx) == nil &&
		graphql.HasOperationContext(ctx) && groupCommitted(graphql.GetOperationContext(ctx).Operation)
}
