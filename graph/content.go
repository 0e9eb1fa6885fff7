package graph

import (
	"context"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/compliance"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/content"
)

// The content workflow (法务审核): DRAFT → IN_REVIEW → APPROVED | REJECTED;
// APPROVED → SCHEDULED → PUBLISHED; anything → ARCHIVED. Status changes only
// through these functions, each a guarded conditional update so that two
// reviewers racing cannot both win.

func (r *Resolver) createContent(ctx context.Context, input ent.CreateContentInput) (*ent.Content, error) {
	c := r.client(ctx).Content.Create().SetInput(input)
	if v := authz.FromContext(ctx); v != nil && v.UserID != 0 {
		c.SetAuthorID(v.UserID)
	}
	return c.Save(ctx)
}

func (r *Resolver) updateContent(ctx context.Context, id int, input ent.UpdateContentInput) (*ent.Content, error) {
	return r.transition(ctx, id, []content.Status{content.StatusDRAFT, content.StatusREJECTED}, "edited",
		func(u *ent.ContentUpdate) { input.Mutate(u.Mutation()) })
}

func (r *Resolver) submitContent(ctx context.Context, id int) (*ent.Content, error) {
	c, err := r.client(ctx).Content.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	texts := map[string]string{"title": c.Title, "body": c.Body, "tags": strings.Join(c.Tags, " ")}
	if found := compliance.CheckAdLaw(texts); len(found) > 0 {
		terms := make([]string, len(found))
		for i, f := range found {
			terms[i] = f.Term
		}
		return nil, apperr.Input(found[0].Field, "contains absolute claims banned by 广告法: %s", strings.Join(terms, ", "))
	}
	return r.transition(ctx, id, []content.Status{content.StatusDRAFT, content.StatusREJECTED}, "submitted",
		func(u *ent.ContentUpdate) { u.SetStatus(content.StatusIN_REVIEW).ClearReviewNote() })
}

func (r *Resolver) reviewContent(ctx context.Context, id int, to content.Status, note *string) (*ent.Content, error) {
	c, err := r.client(ctx).Content.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	v := authz.FromContext(ctx)
	reviewer := 0
	if v != nil {
		reviewer = v.UserID
	}
	// Separation of duties: nobody approves their own work, whatever their role.
	if to == content.StatusAPPROVED && c.AuthorID != 0 && c.AuthorID == reviewer {
		return nil, apperr.New(apperr.Forbidden, "the author of a piece of content cannot approve it")
	}
	return r.transition(ctx, id, []content.Status{content.StatusIN_REVIEW}, "reviewed", func(u *ent.ContentUpdate) {
		u.SetStatus(to)
		if note != nil {
			u.SetReviewNote(*note)
		}
		if reviewer != 0 {
			u.SetReviewerID(reviewer)
		}
	})
}

func (r *Resolver) scheduleContent(ctx context.Context, id int, at time.Time) (*ent.Content, error) {
	if !at.After(time.Now()) {
		return nil, apperr.Input("at", "must be in the future")
	}
	return r.transition(ctx, id, []content.Status{content.StatusAPPROVED, content.StatusSCHEDULED}, "scheduled",
		func(u *ent.ContentUpdate) { u.SetStatus(content.StatusSCHEDULED).SetScheduledAt(at) })
}

func (r *Resolver) archiveContent(ctx context.Context, id int) (*ent.Content, error) {
	all := []content.Status{content.StatusDRAFT, content.StatusIN_REVIEW, content.StatusAPPROVED,
		content.StatusREJECTED, content.StatusSCHEDULED, content.StatusPUBLISHED}
	return r.transition(ctx, id, all, "archived", func(u *ent.ContentUpdate) { u.SetStatus(content.StatusARCHIVED) })
}

// transition applies set to content id only if its status is one of from;
// otherwise it reports NOT_FOUND or CONFLICT naming the current status.
func (r *Resolver) transition(ctx context.Context, id int, from []content.Status, verb string, set func(*ent.ContentUpdate)) (*ent.Content, error) {
	client := r.client(ctx)
	u := client.Content.Update().Where(content.ID(id), content.StatusIn(from...))
	set(u)
	n, err := u.Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		cur, err := client.Content.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		return nil, apperr.New(apperr.Conflict, "content in status %s cannot be %s", cur.Status, verb)
	}
	return client.Content.Get(ctx, id)
}
