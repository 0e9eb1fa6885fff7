// Package alertsvc raises and resolves alert episodes over ent and evaluates
// the organizations' alert rules (package alerts) after syncs and on a
// schedule. Every transition is a conditional write, so any replica may run
// Evaluate any number of times: an episode is raised once because its open
// key is unique, and resolved once because only an open row matches.
package alertsvc

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/opsgraph/opsgraph/alerts"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/alert"
)

// Service raises, resolves and evaluates alerts.
type Service struct {
	Client *ent.Client
	Broker *Broker
	Log    *slog.Logger
	Now    func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Episode names one condition of one organization.
type Episode struct {
	Org      int
	Kind     alerts.Kind
	Subject  string // e.g. sku:12, store:3, campaign:7, content:5
	Severity string // INFO, WARNING, CRITICAL (default WARNING)
	Message  string
	RuleID   int
}

// Raise opens the episode's alert unless one is already open; it reports
// whether this call raised it. Other packages (campaign budget, content SLA)
// call it with their own kind and subject.
func Raise(ctx context.Context, c *ent.Client, b *Broker, e Episode) (*ent.Alert, bool, error) {
	ctx = authz.SystemContext(ctx)
	key := alerts.EpisodeKey(e.Org, e.Kind, e.Subject)
	if open, err := c.Alert.Query().Where(alert.OpenKey(key)).Exist(ctx); err != nil || open {
		return nil, false, err
	}
	sev := alert.Severity(e.Severity)
	if sev == "" {
		sev = alert.SeverityWARNING
	}
	msg := e.Message
	if len([]rune(msg)) > 500 {
		msg = string([]rune(msg)[:500])
	}
	cr := c.Alert.Create().SetOrganizationID(e.Org).SetKind(alert.Kind(e.Kind)).SetSeverity(sev).
		SetMessage(msg).SetSubject(e.Subject).SetOpenKey(key)
	if e.RuleID != 0 {
		cr.SetRuleID(e.RuleID)
	}
	a, err := cr.Save(ctx)
	if ent.IsConstraintError(err) { // raised concurrently by another replica
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("raise alert: %w", err)
	}
	if b != nil {
		b.Publish(a)
	}
	return a, true, nil
}

// Resolve closes the episode's open alert, if any; it reports how many it closed.
func Resolve(ctx context.Context, c *ent.Client, org int, kind alerts.Kind, subject string, now time.Time) (int, error) {
	ctx = authz.SystemContext(ctx)
	return c.Alert.Update().Where(alert.OpenKey(alerts.EpisodeKey(org, kind, subject))).
		SetStatus(alert.StatusRESOLVED).SetResolvedAt(now).ClearOpenKey().Save(ctx)
}

// reconcile raises the episodes that hold and resolves the open alerts of the
// same organization and kind (and rule) whose condition no longer holds.
func (s *Service) reconcile(ctx context.Context, org int, kind alerts.Kind, ruleID int, prefix string, holding []Episode) error {
	want := map[string]bool{}
	for _, e := range holding {
		e.Org, e.Kind, e.RuleID = org, kind, ruleID
		want[e.Subject] = true
		if _, _, err := Raise(ctx, s.Client, s.Broker, e); err != nil {
			return err
		}
	}
	open, err := s.Client.Alert.Query().Where(alert.OrganizationID(org), alert.KindEQ(alert.Kind(kind)),
		alert.StatusEQ(alert.StatusOPEN), alert.SubjectHasPrefix(prefix)).All(ctx)
	if err != nil {
		return err
	}
	for _, a := range open {
		if !want[a.Subject] {
			if _, err := Resolve(ctx, s.Client, org, kind, a.Subject, s.now()); err != nil {
				return err
			}
		}
	}
	return nil
}
