package graph

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/compliance"
	contentflow "github.com/opsgraph/opsgraph/content"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/graph/model"
)

// The content workflow lives in package content (contentflow here); these
// functions translate GraphQL calls into its actions.

func (r *Resolver) createContent(ctx context.Context, input ent.CreateContentInput) (*ent.Content, error) {
	if err := checkVariants(input.Variants); err != nil {
		return nil, err
	}
	c := r.client(ctx).Content.Create().SetInput(input)
	if v := authz.FromContext(ctx); v != nil && v.UserID != 0 {
		c.SetAuthorID(v.UserID)
	}
	return c.Save(ctx)
}

// checkVariants validates renditions as typed (URL, alt text); licences are
// checked on submit.
func checkVariants(vs []schematype.ContentVariant) error {
	if err := contentflow.CheckVariants(contentflow.Variants(vs), nil); err != nil {
		var fe *contentflow.FieldError
		if errors.As(err, &fe) {
			return apperr.Input(fe.Field, "%s", fe.Message)
		}
		return err
	}
	return nil
}

func (r *Resolver) updateContent(ctx context.Context, id int, input ent.UpdateContentInput) (*ent.Content, error) {
	if input.Variants != nil {
		if err := checkVariants(input.Variants); err != nil {
			return nil, err
		}
	}
	return contentflow.Transition(ctx, r.client(ctx), id, contentflow.Edit,
		func(u *ent.ContentUpdateOne) { input.Mutate(u.Mutation()) })
}

func (r *Resolver) submitContent(ctx context.Context, id int) (*ent.Content, error) {
	c, err := r.client(ctx).Content.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := contentflow.Next(contentflow.Status(c.Status), contentflow.Submit); err != nil {
		return nil, apperr.New(apperr.Conflict, "%s", err.Error())
	}
	if err := contentflow.CheckSubmit(ctx, r.client(ctx), c, time.Now()); err != nil {
		var se *contentflow.SubmitError
		if errors.As(err, &se) {
			return nil, apperr.Input(se.Field, "%s", se.Message)
		}
		return nil, err
	}
	return contentflow.Transition(ctx, r.client(ctx), id, contentflow.Submit,
		func(u *ent.ContentUpdateOne) { u.ClearReviewNote() })
}

func (r *Resolver) reviewContent(ctx context.Context, id int, to content.Status, note *string) (*ent.Content, error) {
	c, err := r.client(ctx).Content.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	reviewer := viewer(ctx).UserID
	// Separation of duties: nobody approves their own work, whatever their role.
	if to == content.StatusAPPROVED && c.AuthorID != 0 && c.AuthorID == reviewer {
		return nil, apperr.New(apperr.Forbidden, "the author of a piece of content cannot approve it")
	}
	action := contentflow.Approve
	if to == content.StatusREJECTED {
		action = contentflow.Reject
	}
	return contentflow.Transition(ctx, r.client(ctx), id, action, func(u *ent.ContentUpdateOne) {
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
	// A new time re-arms the overdue alert.
	return contentflow.Transition(ctx, r.client(ctx), id, contentflow.Schedule,
		func(u *ent.ContentUpdateOne) { u.SetScheduledAt(at).ClearOverdueAlertedAt() })
}

func (r *Resolver) archiveContent(ctx context.Context, id int) (*ent.Content, error) {
	return contentflow.Transition(ctx, r.client(ctx), id, contentflow.Archive, nil)
}

func (r *Resolver) markContentPosted(ctx context.Context, id int, url string) (*ent.Content, error) {
	if !contentflow.ValidURL(url) {
		return nil, apperr.Input("url", "must be an http or https URL")
	}
	return contentflow.Transition(ctx, r.client(ctx), id, contentflow.MarkPosted,
		func(u *ent.ContentUpdateOne) { u.SetPostURL(strings.TrimSpace(url)).SetPublishedAt(time.Now()) })
}

// ---- compliance ----

func findingsOut(fs []compliance.Finding) []*model.ComplianceFinding {
	out := make([]*model.ComplianceFinding, len(fs))
	for i, f := range fs {
		m := &model.ComplianceFinding{Term: f.Term, Matched: f.Matched, Severity: model.ComplianceSeverity(f.Severity),
			Category: string(f.Category), Suggestion: f.Suggestion, Source: f.Source}
		if f.Field != "" {
			m.Field = &f.Field
		}
		if f.Start >= 0 {
			s, e := f.Start, f.End
			m.Start, m.End = &s, &e
		}
		out[i] = m
	}
	return out
}

func (r *Resolver) checkCompliance(ctx context.Context, text string, in *model.ComplianceContextInput) ([]*model.ComplianceFinding, error) {
	if len([]rune(text)) > 20000 {
		return nil, apperr.Input("text", "at most 20000 characters")
	}
	cctx := compliance.Context{Surface: compliance.SurfaceContent}
	orgID := 0
	if in != nil {
		if in.Surface != nil {
			cctx.Surface = compliance.Surface(*in.Surface)
		}
		if in.ProductCategory != nil {
			cctx.ProductCategory = in.ProductCategory.String()
		}
		if in.RegistrationType != nil {
			cctx.RegistrationType = in.RegistrationType.String()
		}
		if in.ProductID != nil {
			p, err := r.client(ctx).Product.Get(ctx, *in.ProductID)
			if err != nil {
				return nil, err
			}
			cctx = compliance.ProductContext(p, cctx)
			orgID = p.OrganizationID
		}
		cctx.HasPurchaseLink = in.HasPurchaseLink != nil && *in.HasPurchaseLink
		cctx.KOLCollaboration = in.KolCollaboration != nil && *in.KolCollaboration
		if in.OrganizationID != nil {
			if v := viewer(ctx); v == nil || !v.Can(*in.OrganizationID, "content", "read") {
				return nil, apperr.New(apperr.NotFound, "organization not found")
			}
			orgID = *in.OrganizationID
		}
	}
	ck, err := compliance.For(ctx, r.client(ctx), orgID)
	if err != nil {
		return nil, err
	}
	return findingsOut(ck.Check(text, cctx)), nil
}

func (r *Resolver) contentFindings(ctx context.Context, c *ent.Content) ([]*model.ComplianceFinding, error) {
	fs, err := contentflow.Findings(ctx, r.client(ctx), c)
	return findingsOut(fs), err
}

func (r *Resolver) storeFindings(ctx context.Context, s *ent.Store) ([]*model.ComplianceFinding, error) {
	fs, err := compliance.CheckStore(ctx, r.client(ctx), s)
	return findingsOut(fs), err
}

func (r *Resolver) productFindings(ctx context.Context, p *ent.Product) ([]*model.ComplianceFinding, error) {
	fs, err := compliance.CheckProduct(ctx, r.client(ctx), p)
	return findingsOut(fs), err
}

func (r *Resolver) campaignFindings(ctx context.Context, c *ent.Campaign) ([]*model.ComplianceFinding, error) {
	fs, err := compliance.CheckCampaign(ctx, r.client(ctx), c)
	return findingsOut(fs), err
}

func termsOut(in []schematype.ComplianceOverride) []*model.ComplianceTerm {
	out := make([]*model.ComplianceTerm, len(in))
	for i, o := range in {
		t := &model.ComplianceTerm{Term: o.Term, Relax: o.Relax}
		if !o.Relax {
			s := model.ComplianceSeverity(o.Severity)
			t.Severity = &s
			if o.Suggestion != "" {
				t.Suggestion = &o.Suggestion
			}
		}
		out[i] = t
	}
	return out
}

func (r *Resolver) setComplianceTerms(ctx context.Context, orgID int, in []*model.ComplianceTermInput) ([]*model.ComplianceTerm, error) {
	terms := make([]compliance.Override, len(in))
	for i, t := range in {
		terms[i] = compliance.Override{Term: t.Term, Relax: t.Relax != nil && *t.Relax}
		if t.Severity != nil {
			terms[i].Severity = compliance.Severity(*t.Severity)
		}
		if t.Suggestion != nil {
			terms[i].Suggestion = *t.Suggestion
		}
	}
	out, err := compliance.ValidateOverrides(terms)
	if err != nil {
		return nil, err
	}
	o, err := r.client(ctx).Organization.UpdateOneID(orgID).SetComplianceOverrides(out).Save(ctx)
	if err != nil {
		return nil, err
	}
	return termsOut(o.ComplianceOverrides), nil
}
