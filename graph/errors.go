package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/privacy"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// camel turns an ent field name (dsr_score, store_id) into its GraphQL name
// (dsrScore, storeID) the way entgql names fields: words split on _ - and
// spaces, later words capitalised, or upper-cased when they are one of ent's
// initialisms. Not gen.Funcs["camel"] itself: importing entc/gen would link
// ent's code generator into the server (decision 0255); TestCamelMatchesEnt
// holds the two together.
func camel(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '-' || unicode.IsSpace(r) })
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(words[0]))
	for _, w := range words[1:] {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
		} else {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// initialisms are entc/gen's (golint's and a few more).
var initialisms = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`ACL API ASCII AWS CPU CSS DNS EOF GB GUID HCL HTML HTTP HTTPS ID IP JSON KB
		LHS MAC MB QPS RAM RHS RPC SLA SMTP SQL SSH SSO TCP TLS TTL UDP UI UID URI URL UTF8 UUID VM XML XMPP XSRF XSS`) {
		m[w] = true
	}
	return m
}()

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
