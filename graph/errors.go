package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"

	"entgo.io/ent/entc/gen"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/privacy"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// camel turns an ent field name (dsr_score) into its GraphQL name (dsrScore).
var camel = gen.Funcs["camel"].(func(string) string)

// classify maps any error a resolver returns to a stable code, a client-safe
// message and the input field at fault. It is the one place where errors get codes.
func classify(err error) (code apperr.Code, msg, field string) {
	var (
		ae  *apperr.Error
		fe  *schematype.FieldError
		ve  *ent.ValidationError
		nf  *ent.NotFoundError
		ce  *ent.ConstraintError
		nse *ent.NotSingularError
	)
	switch {
	case errors.As(err, &ae):
		return ae.Code, ae.Message, ae.Field
	case errors.As(err, &fe):
		return apperr.BadUserInput, fe.Message, fe.Field
	case errors.As(err, &ve):
		f := camel(ve.Name)
		return apperr.BadUserInput, fmt.Sprintf("invalid value for %s: %s", f, validationReason(ve)), f
	case errors.As(err, &nf):
		return apperr.NotFound, "not found", ""
	case errors.Is(err, privacy.Deny):
		return apperr.Forbidden, "not allowed", ""
	case errors.As(err, &ce):
		return apperr.Conflict, "conflicts with an existing record", ""
	case errors.As(err, &nse):
		return apperr.Internal, "internal error", ""
	case strings.Contains(err.Error(), "ent: empty predicate "):
		// entgql refuses a filter object without any condition, e.g. {nameIn: []}.
		return apperr.BadUserInput, "a filter object in where has no condition; leave it out or give a condition", "where"
	case errors.Is(err, context.DeadlineExceeded):
		return apperr.Internal, "request timed out", ""
	}
	return apperr.Internal, "internal error", ""
}

// validationReason keeps the validator's own words ("value out of range") and
// drops ent's prefix, which names Go identifiers.
func validationReason(ve *ent.ValidationError) string {
	msg := ve.Unwrap().Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// ErrorPresenter gives every error an extensions.code and never lets internal
// details reach the client; internal errors are logged with the request id.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		// Errors raised by gqlgen itself (parse, validation, variable coercion)
		// already carry a code or are about the request's shape.
		var own *gqlerror.Error
		if errors.As(err, &own) && own.Err == nil {
			if gerr.Extensions == nil || gerr.Extensions["code"] == nil {
				setCode(gerr, apperr.BadUserInput, "")
			}
			return gerr
		}
		if inputErr(ctx) {
			msg, field := err.Error(), inputPath(gerr)
			var fe *schematype.FieldError
			if errors.As(err, &fe) {
				msg = fe.Message
			} else if own != nil && own.Err != nil {
				msg = own.Err.Error()
			}
			msg = inputMessage(err, msg, field)
			gerr.Message = msg
			setCode(gerr, apperr.BadUserInput, field)
			return gerr
		}
		code, msg, field := classify(err)
		if code == apperr.Internal {
			log.ErrorContext(ctx, "resolver error", "err", err, "path", gerr.Path.String())
		}
		gerr.Message = msg
		setCode(gerr, code, field)
		return gerr
	}
}

func setCode(e *gqlerror.Error, code apperr.Code, field string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = string(code)
	if field != "" {
		e.Extensions["field"] = field
	}
}

// RecoverFunc turns a panic in a resolver into an INTERNAL error and logs it with its stack.
func RecoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &apperr.Error{Code: apperr.Internal, Message: "internal error"}
	}
}

// inputErr reports whether the error arose while reading the field's arguments
// (gqlgen leaves the field context's Args unset then): such errors are about
// the client's input, and their messages are about that input.
func inputErr(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && fc.Args == nil && fc.Field.Definition != nil && len(fc.Field.Definition.Arguments) > 0
}

// inputPath names the input field of an argument error from its path,
// e.g. input.price.amount.
func inputPath(e *gqlerror.Error) string {
	var parts []string
	for _, p := range e.Path {
		if name, ok := p.(ast.PathName); ok {
			parts = append(parts, string(name))
		} else if idx, ok := p.(ast.PathIndex); ok && len(parts) > 0 {
			parts[len(parts)-1] += fmt.Sprintf("[%d]", int(idx))
		}
	}
	if len(parts) > 1 {
		parts = parts[1:] // drop the field itself
	}
	return strings.Join(parts, ".")
}

// inputMessage keeps argument errors about the client's input and free of Go
// internals: a number or id that does not parse is named, not echoed.
func inputMessage(err error, msg, field string) string {
	var ne *strconv.NumError
	if errors.As(err, &ne) || strings.Contains(msg, "strconv.") {
		name := field
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		if name == "id" || name == "ids" || strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "Ids") || strings.HasSuffix(name, "ID") || strings.HasSuffix(name, "IDs") ||
			strings.HasPrefix(name, "id") {
			return "not a valid ID"
		}
		return "not a valid number, or out of range"
	}
	if strings.Contains(msg, "json: ") || strings.Contains(msg, "runtime error") {
		return "invalid value"
	}
	return msg
}
