package telemetry

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
)

// Extension is the gqlgen handler extension that measures and traces each
// GraphQL response (each event of a subscription counts as one).
func (t *Telemetry) Extension() graphql.HandlerExtension { return extension{t} }

type extension struct{ t *Telemetry }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = extension{}

func (extension) ExtensionName() string                   { return "Telemetry" }
func (extension) Validate(graphql.ExecutableSchema) error { return nil }

func (e extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	name, typ := "", "unknown"
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		name = oc.OperationName
		if oc.Operation != nil {
			typ = string(oc.Operation.Operation)
			if name == "" {
				name = oc.Operation.Name
			}
		}
	}
	label := e.t.label(name)
	ctx, span := e.t.start(ctx, "graphql "+typ+" "+label,
		attribute.String("graphql.operation.name", label), attribute.String("graphql.operation.type", typ))
	defer span.End()
	resp := next(ctx)
	outcome := "ok"
	if resp == nil {
		return resp
	}
	if len(resp.Errors) > 0 {
		outcome = "error"
		if typ == "unknown" || resp.Data == nil {
			outcome = "rejected"
		}
		for _, err := range resp.Errors {
			code, _ := err.Extensions["code"].(string)
			if code == "" {
				code = "UNKNOWN"
			}
			e.t.errors.WithLabelValues(code).Inc()
		}
		span.SetStatus(codes.Error, outcome)
	}
	e.t.requests.WithLabelValues(label, typ, outcome).Inc()
	e.t.duration.WithLabelValues(label, typ, outcome).Observe(time.Since(start).Seconds())
	return resp
}
