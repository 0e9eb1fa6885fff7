package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/logging"
)

// Audit log: every successful mutation writes an AuditEvent in its own
// transaction (so the record and the change commit together); refused and
// failed attempts are collected during the request and written after the
// transaction has rolled back, so that they are not lost with it.

type auditKey struct{}

// pendingAudits collects the failed attempts of one request.
type pendingAudits struct {
	mu      sync.Mutex
	records []auditRecord
}

// auditRecord is one audit event before it is written.
type auditRecord struct {
	action, objKind, objID, errCode, addr, reqID, email string
	actor, org                                          int
	success                                             bool
	summary                                             map[string]any
}

func newAudit(ctx context.Context, fc *graphql.FieldContext, ru rule, org int, success bool) auditRecord {
	a := auditRecord{
		action: fc.Field.Name, objKind: ru.obj, org: org, success: success,
		addr: auth.ClientAddr(ctx), reqID: logging.RequestID(ctx), summary: redact(sentArgs(ctx, fc)),
	}
	if v := authz.FromContext(ctx); v != nil && !v.System {
		a.actor, a.email = v.UserID, v.Email
	}
	if id, ok := fc.Args["id"].(int); ok {
		a.objID = fmt.Sprint(id)
	}
	return a
}

func (a auditRecord) create(c *ent.Client) *ent.AuditEventCreate {
	q := c.AuditEvent.Create().SetCreatedAt(time.Now()).SetAction(a.action).SetSuccess(a.success).
		SetClientAddress(a.addr).SetRequestID(a.reqID).SetSummary(a.summary)
	if a.objKind != "" {
		q.SetObjectKind(a.objKind)
	}
	if a.objID != "" {
		q.SetObjectID(a.objID)
	}
	if a.org != 0 {
		q.SetOrganizationID(a.org)
	}
	if a.actor != 0 {
		q.SetActorID(a.actor).SetActorEmail(a.email)
	}
	if a.errCode != "" {
		q.SetErrorCode(a.errCode)
	}
	return q
}

// auditSuccess writes the audit record of a successful mutation through the
// mutation's own transaction.
func (r *Resolver) auditSuccess(ctx context.Context, fc *graphql.FieldContext, ru rule, org int, res any) error {
	a := newAudit(ctx, fc, ru, org, true)
	if id, ok := objectID(res); ok {
		a.objID = fmt.Sprint(id)
	}
	if a.org == 0 {
		if n, ok := res.(ent.Noder); ok {
			if o, ok := orgOf(n); ok {
				a.org = o
			}
		}
	}
	return a.create(r.client(ctx)).Exec(authz.SystemContext(ctx))
}

// auditFailure remembers a refused or failed attempt for writing after the request.
func auditFailure(ctx context.Context, fc *graphql.FieldContext, ru rule, org int, err error) {
	p, ok := ctx.Value(auditKey{}).(*pendingAudits)
	if !ok {
		return
	}
	code, _, _ := classify(err)
	a := newAudit(ctx, fc, ru, org, false)
	a.errCode = string(code)
	p.mu.Lock()
	p.records = append(p.records, a)
	p.mu.Unlock()
}

// sentArgs are the arguments as the client sent them: GraphQL names, and only
// the input fields given (the coerced ent inputs would name Go fields and list
// every unset ClearX flag).
func sentArgs(ctx context.Context, fc *graphql.FieldContext) map[string]any {
	if graphql.HasOperationContext(ctx) {
		if args := fc.Field.ArgumentMap(graphql.GetOperationContext(ctx).Variables); args != nil {
			return args
		}
	}
	return fc.Args
}

// objectID is the ID field of a mutation result (an ent entity or a payload).
func objectID(res any) (int, bool) {
	v := reflect.ValueOf(res)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return 0, false
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Int {
		return int(v.Int()), true
	}
	if v.Kind() != reflect.Struct {
		return 0, false
	}
	if f := v.FieldByName("ID"); f.IsValid() && f.Kind() == reflect.Int {
		return int(f.Int()), true
	}
	return 0, false
}

// secretWords mark argument names whose values never reach the audit log.
var secretWords = []string{"password", "token", "secret", "credential", "code", "otp"}

// redact turns the arguments into JSON-safe data with secrets replaced.
func redact(args map[string]any) map[string]any {
	raw, err := json.Marshal(args)
	if err != nil {
		return map[string]any{"unserializable": true}
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	redactValue(out)
	return out
}

func redactValue(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if val == nil {
				delete(t, k)
				continue
			}
			lk := strings.ToLower(k)
			secret := false
			for _, w := range secretWords {
				if strings.Contains(lk, w) {
					secret = true
				}
			}
			if secret {
				t[k] = "[REDACTED]"
				continue
			}
			redactValue(val)
		}
	case []any:
		for _, x := range t {
			redactValue(x)
		}
	}
}
