package graph

import (
	"context"
	"errors"
	"math"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/apperr"
	contentflow "github.com/opsgraph/opsgraph/content"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/engagementmetric"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/graph/model"
)

// ---- engagement ----

func (r *Resolver) importEngagementMetrics(ctx context.Context, storeID int, format model.EngagementImportFormat, data string) (*model.EngagementImportResult, error) {
	rows, err := contentflow.ParseEngagement(string(format), data)
	if err != nil {
		var fe *contentflow.FieldError
		if errors.As(err, &fe) {
			return nil, apperr.Input(fe.Field, "%s", fe.Message)
		}
		return nil, err
	}
	c := r.client(ctx)
	ids := map[int]bool{}
	for _, row := range rows {
		ids[row.ContentID] = true
	}
	list := make([]int, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	n, err := c.Content.Query().Where(content.IDIn(list...), content.StoreID(storeID)).Count(ctx)
	if err != nil {
		return nil, err
	}
	if n != len(list) {
		return nil, apperr.Input("data", "every contentId must be content of this store")
	}
	// One upsert per row, all in the mutation's transaction: all rows or none.
	for _, row := range rows {
		err := c.EngagementMetric.Create().SetContentID(row.ContentID).SetDay(row.Day).
			SetViews(row.Views).SetLikes(row.Likes).SetComments(row.Comments).SetShares(row.Shares).SetSaves(row.Saves).
			OnConflictColumns(engagementmetric.FieldContentID, engagementmetric.FieldDay).
			UpdateViews().UpdateLikes().UpdateComments().UpdateShares().UpdateSaves().UpdateUpdatedAt().
			Exec(ctx)
		if err != nil {
			return nil, err
		}
	}
	return &model.EngagementImportResult{Rows: len(rows)}, nil
}

// storePosts loads a store's published content with its total engagement,
// posting times in the store's zone.
func (r *Resolver) storePosts(ctx context.Context, s *ent.Store) ([]contentflow.Post, error) {
	loc := storeLoc(s)
	var totals []struct {
		ContentID int   `json:"content_id"`
		Views     int64 `json:"views"`
		Eng       int64 `json:"eng"`
	}
	err := r.client(ctx).EngagementMetric.Query().
		Where(engagementmetric.HasContentWith(content.StoreID(s.ID), content.PublishedAtNotNil())).
		GroupBy(engagementmetric.FieldContentID).
		Aggregate(ent.As(ent.Sum(engagementmetric.FieldViews), "views"), func(sel *sql.Selector) string {
			return sql.As("SUM("+sel.C(engagementmetric.FieldLikes)+" + "+sel.C(engagementmetric.FieldComments)+" + "+
				sel.C(engagementmetric.FieldShares)+" + "+sel.C(engagementmetric.FieldSaves)+")", "eng")
		}).Scan(ctx, &totals)
	if err != nil {
		return nil, err
	}
	if len(totals) == 0 {
		return nil, nil
	}
	ids := make([]int, len(totals))
	for i, t := range totals {
		ids[i] = t.ContentID
	}
	items, err := r.client(ctx).Content.Query().Where(content.IDIn(ids...)).
		Select(content.FieldKind, content.FieldPublishedAt).All(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int]*ent.Content{}
	for _, it := range items {
		byID[it.ID] = it
	}
	out := make([]contentflow.Post, 0, len(totals))
	for _, t := range totals {
		it := byID[t.ContentID]
		if it == nil || it.PublishedAt == nil {
			continue
		}
		out = append(out, contentflow.Post{Kind: it.Kind.String(), PublishedAt: it.PublishedAt.In(loc), Views: t.Views, Engagements: t.Eng})
	}
	return out, nil
}

func storeLoc(s *ent.Store) *time.Location {
	if loc, err := time.LoadLocation(s.Timezone); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

func slotOut(s contentflow.Slot) *model.EngagementSlot {
	return &model.EngagementSlot{Weekday: s.Weekday, Hour: s.Hour, Posts: s.Posts, Views: int(s.Views), Engagements: int(s.Engagements), Rate: s.Rate()}
}

func (r *Resolver) engagementSlots(ctx context.Context, s *ent.Store, kind *content.Kind) ([]*model.EngagementSlot, error) {
	posts, err := r.storePosts(ctx, s)
	if err != nil {
		return nil, err
	}
	k := ""
	if kind != nil {
		k = kind.String()
	}
	slots := contentflow.Slots(posts, k)
	out := make([]*model.EngagementSlot, len(slots))
	for i, sl := range slots {
		out[i] = slotOut(sl)
	}
	return out, nil
}

func (r *Resolver) recommendedSlot(ctx context.Context, s *ent.Store, kind content.Kind) (*model.RecommendedSlot, error) {
	posts, err := r.storePosts(ctx, s)
	if err != nil {
		return nil, err
	}
	best, found, reliable := contentflow.Recommend(contentflow.Slots(posts, kind.String()))
	if !found {
		return nil, nil
	}
	return &model.RecommendedSlot{Weekday: best.Weekday, Hour: best.Hour, Rate: best.Rate(), SampleSize: best.Posts, Reliable: reliable}, nil
}

// ---- experiments ----

func (r *Resolver) experimentResult(ctx context.Context, e *ent.Experiment) (*model.ExperimentResult, error) {
	variants, err := r.client(ctx).Content.Query().Where(content.ExperimentID(e.ID)).
		Select(content.FieldExperimentVariant).All(ctx)
	if err != nil {
		return nil, err
	}
	arms := map[string]*contentflow.Arm{}
	var order []string
	label := map[int]string{}
	for _, v := range variants {
		l := v.ExperimentVariant
		if l == "" {
			l = "?"
		}
		label[v.ID] = l
		if arms[l] == nil {
			arms[l] = &contentflow.Arm{Label: l}
			order = append(order, l)
		}
		arms[l].Contents++
	}
	if len(variants) > 0 {
		ids := make([]int, 0, len(label))
		for id := range label {
			ids = append(ids, id)
		}
		metrics, err := r.client(ctx).EngagementMetric.Query().Where(engagementmetric.ContentIDIn(ids...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range metrics {
			a := arms[label[m.ContentID]]
			a.Views += m.Views
			a.Engagements += m.Likes + m.Comments + m.Shares + m.Saves
		}
	}
	in := make([]contentflow.Arm, len(order))
	for i, l := range order {
		in[i] = *arms[l]
	}
	d := contentflow.Decide(in, e.Confidence)
	out := &model.ExperimentResult{Summary: d.Summary}
	for _, a := range d.Arms {
		out.Variants = append(out.Variants, &model.ExperimentVariantResult{Label: a.Label, Contents: a.Contents,
			Views: int(a.Views), Engagements: int(a.Engagements), Rate: a.Rate()})
	}
	if d.Winner != "" {
		out.Winner = &d.Winner
	}
	if !math.IsNaN(d.PValue) {
		p := d.PValue
		out.PValue = &p
	}
	if d.NeededViews > 0 {
		n := int(min(d.NeededViews, math.MaxInt32))
		out.NeededViewsPerVariant = &n
	}
	return out, nil
}

// ---- calendar ----

// maxCalendarDays bounds one contentCalendar query.
const maxCalendarDays = 92

func (r *Resolver) contentCalendar(ctx context.Context, scope int, from, to time.Time) ([]*model.CalendarDay, error) {
	if !to.After(from) {
		return nil, apperr.Input("to", "must be after from")
	}
	if to.Sub(from) > maxCalendarDays*24*time.Hour {
		return nil, apperr.Input("to", "at most %d days", maxCalendarDays)
	}
	c := r.client(ctx)
	node, err := c.Noder(ctx, scope)
	if err != nil {
		return nil, err
	}
	var stores []*ent.Store
	switch n := node.(type) {
	case *ent.Store:
		stores = []*ent.Store{n}
	case *ent.Organization:
		stores, err = c.Store.Query().Where(store.OrganizationID(n.ID)).Order(ent.Asc(store.FieldID)).All(ctx)
		if err != nil {
			return nil, err
		}
	default:
		return nil, apperr.Input("scope", "must be an organization or a store")
	}
	var out []*model.CalendarDay
	now := time.Now()
	for _, s := range stores {
		items, err := c.Content.Query().Where(content.StoreID(s.ID), content.StatusIn(content.StatusSCHEDULED, content.StatusDUE, content.StatusPUBLISHED),
			content.Or(
				content.And(content.PublishedAtGTE(from.Add(-24*time.Hour)), content.PublishedAtLT(to.Add(24*time.Hour))),
				content.And(content.PublishedAtIsNil(), content.ScheduledAtGTE(from.Add(-24*time.Hour)), content.ScheduledAtLT(to.Add(24*time.Hour))),
			)).All(ctx)
		if err != nil {
			return nil, err
		}
		byID := map[int]*ent.Content{}
		in := make([]contentflow.Item, len(items))
		for i, it := range items {
			byID[it.ID] = it
			in[i] = contentflow.Item{ID: it.ID, Kind: it.Kind.String(), BodyRunes: len([]rune(it.Body)), Status: contentflow.Status(it.Status),
				ScheduledAt: it.ScheduledAt, PublishedAt: it.PublishedAt, HotTopicStart: it.HotTopicStartedAt}
		}
		days := contentflow.Plan(in, from, to, storeLoc(s), cadenceOf(s), now)
		pick := func(ids []int) []*ent.Content {
			out := make([]*ent.Content, 0, len(ids))
			for _, id := range ids {
				out = append(out, byID[id])
			}
			return out
		}
		for _, d := range days {
			out = append(out, &model.CalendarDay{Day: d.Date, Store: s, Scheduled: pick(d.Scheduled), Due: pick(d.Due),
				Posted: pick(d.Posted), Target: d.Target, Breaches: append([]string{}, d.Breaches...)})
		}
	}
	return out, nil
}

// cadenceOf is a store's cadence with the playbook defaults filled in.
func cadenceOf(s *ent.Store) contentflow.Cadence {
	c := contentflow.DefaultCadence
	sc := s.ContentCadence
	if sc.WeekdayPosts == 0 && sc.WeekendPosts == 0 && len(sc.Slots) == 0 {
		return c
	}
	c.WeekdayPosts, c.WeekendPosts, c.DeepOnWeekends = sc.WeekdayPosts, sc.WeekendPosts, sc.DeepOnWeekends
	if len(sc.Slots) > 0 {
		c.Slots = nil
		for _, sl := range sc.Slots {
			if ts, err := contentflow.ParseSlot(sl); err == nil {
				c.Slots = append(c.Slots, ts)
			}
		}
	}
	return c
}
