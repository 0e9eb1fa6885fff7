package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
)

// txAudit runs each mutation operation in one transaction (all root fields
// commit together or not at all), serializes its field resolvers, and writes
// the audit records of failed attempts after the transaction has ended.
// It replaces entgql.Transactioner, whose error messages leak driver errors.
type txAudit struct {
	client *ent.Client
	log    interface {
		ErrorContext(context.Context, string, ...any)
	}
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
	graphql.OperationContextMutator
} = txAudit{}

func (txAudit) ExtensionName() string { return "TransactionAndAudit" }

func (txAudit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext serializes the root fields of a mutation: they share a
// transaction, which is not safe for concurrent use.
func (t txAudit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return nil
	}
	var tx, noTx int
	for _, sel := range oc.Operation.SelectionSet {
		if f, ok := sel.(*ast.Field); ok {
			if noTxFields[f.Name] {
				noTx++
			} else {
				tx++
			}
		}
	}
	if tx > 0 && noTx > 0 {
		return limitErr(0, "send sign-in and role mutations in an operation of their own")
	}
	previous := oc.ResolverMiddleware
	var mu sync.Mutex
	oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		return previous(ctx, next)
	}
	return nil
}

func needsTx(op *ast.OperationDefinition) bool {
	if op == nil || op.Operation != ast.Mutation || groupCommitted(op) {
		return false
	}
	for _, sel := range op.SelectionSet {
		if f, ok := sel.(*ast.Field); ok && noTxFields[f.Name] {
			return false
		}
	}
	return true
}

func (t txAudit) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx) // the request never became an operation
	}
	pending := &pendingAudits{}
	ctx = context.WithValue(ctx, auditKey{}, pending)
	defer t.writeFailures(ctx, pending)
	oc := graphql.GetOperationContext(ctx)
	if !needsTx(oc.Operation) {
		return next(ctx)
	}
	txCtx, tx, err := t.client.OpenTx(ctx)
	if err != nil {
		t.log.ErrorContext(ctx, "open transaction", "err", err)
		return errorResponse(ctx, apperr.Internal, "the database is not available")
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	rsp := next(txCtx)
	if rsp == nil {
		// The WebSocket transport asks for responses until there are none.
		_ = tx.Rollback()
		return nil
	}
	if len(rsp.Errors) > 0 {
		_ = tx.Rollback()
		// Nothing of a failed mutation operation is kept, so no data is returned.
		return &graphql.Response{Errors: rsp.Errors, Extensions: rsp.Extensions}
	}
	if err := tx.Commit(); err != nil {
		t.log.ErrorContext(ctx, "commit transaction", "err", err)
		return errorResponse(ctx, apperr.Internal, "the change could not be saved")
	}
	return rsp
}

func (t txAudit) writeFailures(ctx context.Context, p *pendingAudits) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.records) == 0 {
		return
	}
	// In a transaction of its own: on SQLite a transaction takes the writer
	// in turn (db/txgate.go), where a lone INSERT could meet SQLITE_BUSY
	// while group-committed batches hand the writer to each other.
	if err := t.writeAudits(authz.SystemContext(context.WithoutCancel(ctx)), p.records); err != nil {
		t.log.ErrorContext(ctx, "write audit of failed attempts", "err", err)
	}
}

func (t txAudit) writeAudits(ctx context.Context, records []auditRecord) error {
	tx, err := t.client.Tx(ctx)
	if err != nil {
		return err
	}
	creates := make([]*ent.AuditEventCreate, len(records))
	for i, a := range records {
		creates[i] = a.create(tx.Client())
	}
	if err := tx.AuditEvent.CreateBulk(creates...).Exec(ctx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func errorResponse(ctx context.Context, code apperr.Code, msg string) *graphql.Response {
	e := &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(code)}}
	return &graphql.Response{Errors: gqlerror.List{e}}
}
