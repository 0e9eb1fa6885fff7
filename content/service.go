package content

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/alert"
	entcontent "github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/predicate"
)

// Poster posts content through its store's platform plugin.
type Poster interface {
	// CanPost reports whether the store's plugin declares the documented
	// posting capability (PUBLISH_CONTENT).
	CanPost(ctx context.Context, c *ent.Client, storeID int) bool
	// PublishContent posts the content and moves it to PUBLISHED through
	// Transition. The platform call carries an idempotency key per content,
	// so a retried post returns the first post.
	PublishContent(ctx context.Context, c *ent.Client, id int) (*ent.Content, error)
}

// Service loads and saves content through ent; the rules are in this package's
// pure files.
type Service struct {
	Client *ent.Client
	Poster Poster // nil: nothing can be posted automatically
	Log    *slog.Logger
	Now    func() time.Time
	// OverdueAfter is how long content may stay SCHEDULED or DUE past its
	// time before an overdue alert; 0 is DefaultOverdueAfter.
	OverdueAfter time.Duration
}

// DefaultOverdueAfter is the grace period before an overdue alert.
const DefaultOverdueAfter = 2 * time.Hour

// HotTopicSLA is how soon after a hot topic starts its content must be out.
const HotTopicSLA = 24 * time.Hour

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Transition applies action a to content id with a guarded conditional
// update (UPDATE … WHERE id = … AND status IN From(a)), so that of two racing callers
// only one wins; set adds the action's other fields. A refused transition is
// CONFLICT naming the current status; a missing or invisible row NOT_FOUND.
// This is the only code that writes a content status.
func Transition(ctx context.Context, c *ent.Client, id int, a Action, set func(*ent.ContentUpdateOne)) (*ent.Content, error) {
	n, err := apply(ctx, c, id, a, set)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		cur, err := c.Content.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		_, refused := Next(Status(cur.Status), a)
		if refused == nil { // raced: the state moved under us and back
			refused = &RefusedError{From: Status(cur.Status), Action: a}
		}
		return nil, apperr.New(apperr.Conflict, "%s", refused.Error())
	}
	return c.Content.Get(ctx, id)
}

// apply runs the guarded update of one action and reports the rows changed
// (0 or 1). It is an update of one row (UpdateOneID … Where status IN …) so
// that the entity's hooks (tenancy of linked records) run as for any update.
func apply(ctx context.Context, c *ent.Client, id int, a Action, set func(*ent.ContentUpdateOne)) (int, error) {
	from := From(a)
	if len(from) == 0 {
		return 0, fmt.Errorf("content: unknown action %q", a)
	}
	in := make([]entcontent.Status, len(from))
	for i, s := range from {
		in[i] = entcontent.Status(s)
	}
	u := c.Content.UpdateOneID(id).Where(entcontent.StatusIn(in...))
	// One target per action except Edit (state kept).
	if a != Edit {
		to, _ := Next(from[0], a)
		u.SetStatus(entcontent.Status(to))
	}
	if set != nil {
		set(u)
	}
	err := u.Exec(ctx)
	if ent.IsNotFound(err) {
		// Either the guard did not match (0 rows) or a hook did not find a
		// linked record (a product of another organization): tell them apart.
		cur, gerr := c.Content.Get(ctx, id)
		if gerr != nil || !slices.Contains(in, cur.Status) {
			return 0, nil
		}
	}
	if err != nil {
		return 0, err
	}
	return 1, nil
}

// TickResult counts what one Tick did (on this replica).
type TickResult struct {
	Posted, Due, Overdue, HotTopicLate int
}

// Tick moves content whose time has come: SCHEDULED content due by now is
// posted through its store's plugin when the plugin can post, otherwise moved
// to DUE with an alert to its author; content still SCHEDULED or DUE
// OverdueAfter past its time raises an overdue alert; hot-topic content not
// out within 24 h of the topic's start raises an SLA alert. Every step is a
// conditional update, so any number of replicas may call Tick any number of
// times and each transition and each alert happens once.
func (s *Service) Tick(ctx context.Context, now time.Time) (TickResult, error) {
	ctx = authz.SystemContext(ctx)
	var res TickResult
	due, err := s.Client.Content.Query().
		Where(entcontent.StatusEQ(entcontent.StatusSCHEDULED), entcontent.ScheduledAtLTE(now)).
		Order(ent.Asc(entcontent.FieldScheduledAt)).Limit(200).All(ctx)
	if err != nil {
		return res, err
	}
	var errs []error
	for _, ct := range due {
		posted, err := s.dueOne(ctx, ct, now)
		switch {
		case err != nil:
			errs = append(errs, err)
		case posted == 1:
			res.Posted++
		case posted == 2:
			res.Due++
		}
	}
	n, err := s.alertOverdue(ctx, now)
	res.Overdue = n
	errs = append(errs, err)
	n, err = s.alertHotTopics(ctx, now)
	res.HotTopicLate = n
	errs = append(errs, err)
	return res, errors.Join(errs...)
}

// Periodic is Tick for the job runner (platformsync.Service.Every): it runs
// at the service's clock; an error is logged there and the next run retries.
func (s *Service) Periodic(ctx context.Context, _ time.Time) error {
	_, err := s.Tick(ctx, s.now())
	return err
}

// dueOne handles one SCHEDULED item: 1 posted, 2 marked due, 0 another
// replica got there first.
func (s *Service) dueOne(ctx context.Context, ct *ent.Content, now time.Time) (int, error) {
	if s.Poster != nil && s.Poster.CanPost(ctx, s.Client, ct.StoreID) {
		// Claim by compare-and-swap on updated_at: one replica wins, the
		// others see 0 rows. A claim older than a minute is taken over (its
		// replica died); the plugin's idempotency key keeps the platform at
		// one post even then.
		if ct.UpdatedAt.After(now.Add(-time.Minute)) && ct.UpdatedAt.After(*ct.ScheduledAt) {
			return 0, nil
		}
		n, err := s.Client.Content.Update().Where(entcontent.ID(ct.ID), entcontent.StatusEQ(entcontent.StatusSCHEDULED),
			entcontent.UpdatedAtEQ(ct.UpdatedAt)).SetUpdatedAt(now).Save(ctx)
		if err != nil || n == 0 {
			return 0, err
		}
		if _, err := s.Poster.PublishContent(ctx, s.Client, ct.ID); err != nil {
			var coded interface{ Code() string }
			if errors.As(err, &coded) && coded.Code() == string(apperr.Conflict) {
				return 0, nil // published meanwhile
			}
			s.log().WarnContext(ctx, "scheduled post failed; will retry", "content_id", ct.ID, "err", err)
			return 0, nil
		}
		return 1, nil
	}
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	n, err := apply(ctx, tx.Client(), ct.ID, MarkDue, nil)
	if err != nil || n == 0 {
		return 0, err
	}
	a := tx.Alert.Create().SetOrganizationID(ct.OrganizationID).SetKind(alert.KindCONTENT_DUE).
		SetSeverity(alert.SeverityWARNING).
		SetMessage(clip(fmt.Sprintf("「%s」到了发布时间，请手动发布并记录链接 (content %d is due: post it and call markContentPosted)", ct.Title, ct.ID)))
	if ct.AuthorID != 0 {
		a.SetUserID(ct.AuthorID)
	}
	if err := a.Exec(ctx); err != nil {
		return 0, err
	}
	return 2, tx.Commit()
}

func (s *Service) overdueAfter() time.Duration {
	if s.OverdueAfter > 0 {
		return s.OverdueAfter
	}
	return DefaultOverdueAfter
}

// alertOverdue raises one alert per item still SCHEDULED or DUE well past its time.
func (s *Service) alertOverdue(ctx context.Context, now time.Time) (int, error) {
	late, err := s.Client.Content.Query().Where(
		entcontent.StatusIn(entcontent.StatusSCHEDULED, entcontent.StatusDUE),
		entcontent.ScheduledAtLT(now.Add(-s.overdueAfter())), entcontent.OverdueAlertedAtIsNil()).
		Limit(200).All(ctx)
	if err != nil {
		return 0, err
	}
	count := 0
	for _, ct := range late {
		ok, err := s.alertOnce(ctx, ct, entcontent.OverdueAlertedAtIsNil(),
			func(u *ent.ContentUpdate) { u.SetOverdueAlertedAt(now) }, alert.KindCONTENT_OVERDUE,
			fmt.Sprintf("「%s」已超过计划发布时间 %s 仍未发布 (content %d is overdue)", ct.Title, ct.ScheduledAt.Format(time.RFC3339), ct.ID))
		if err != nil {
			return count, err
		}
		if ok {
			count++
		}
	}
	return count, nil
}

// alertHotTopics raises one alert per hot topic not out within HotTopicSLA.
func (s *Service) alertHotTopics(ctx context.Context, now time.Time) (int, error) {
	cands, err := s.Client.Content.Query().Where(
		entcontent.HotTopicStartedAtNotNil(), entcontent.HotTopicStartedAtLT(now.Add(-HotTopicSLA)),
		entcontent.SLAAlertedAtIsNil(), entcontent.StatusNEQ(entcontent.StatusARCHIVED)).
		Limit(200).All(ctx)
	if err != nil {
		return 0, err
	}
	count := 0
	for _, ct := range cands {
		if !HotTopicLate(ct.HotTopicStartedAt, ct.PublishedAt, now) {
			continue
		}
		ok, err := s.alertOnce(ctx, ct, entcontent.SLAAlertedAtIsNil(),
			func(u *ent.ContentUpdate) { u.SetSLAAlertedAt(now) }, alert.KindHOT_TOPIC_SLA_MISSED,
			fmt.Sprintf("热点内容「%s」未在话题开始后 24 小时内发布 (hot-topic content %d missed its 24 h SLA)", ct.Title, ct.ID))
		if err != nil {
			return count, err
		}
		if ok {
			count++
		}
	}
	return count, nil
}

// alertOnce marks the content with a conditional update and creates the alert
// in the same transaction: one alert, whatever the number of replicas.
func (s *Service) alertOnce(ctx context.Context, ct *ent.Content, unset predicate.Content, mark func(*ent.ContentUpdate), kind alert.Kind, msg string) (bool, error) {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return false, err
	}
	defer func() { _ = tx.Rollback() }()
	u := tx.Content.Update().Where(entcontent.ID(ct.ID), unset)
	mark(u)
	n, err := u.Save(ctx)
	if err != nil || n == 0 {
		return false, err
	}
	a := tx.Alert.Create().SetOrganizationID(ct.OrganizationID).SetKind(kind).SetSeverity(alert.SeverityWARNING).SetMessage(clip(msg))
	if err := a.Exec(ctx); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func clip(s string) string {
	r := []rune(s)
	if len(r) > 480 {
		return string(r[:480]) + "…"
	}
	return s
}
