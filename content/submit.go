package content

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/compliance"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/asset"
	"github.com/opsgraph/opsgraph/ent/collaboration"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// Variants converts stored renditions.
func Variants(in []schematype.ContentVariant) []Variant {
	out := make([]Variant, len(in))
	for i, v := range in {
		out[i] = Variant{Format: string(v.Format), URL: v.URL, AltText: v.AltText}
		if v.AssetID != nil {
			out[i].AssetID = *v.AssetID
		}
	}
	return out
}

// LoadAssets loads the library assets the renditions use (those the caller
// can see; others count as not found).
func LoadAssets(ctx context.Context, c *ent.Client, vs []Variant) (map[int]Asset, error) {
	var ids []int
	for _, v := range vs {
		if v.AssetID != 0 {
			ids = append(ids, v.AssetID)
		}
	}
	out := map[int]Asset{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := c.Asset.Query().Where(asset.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range rows {
		out[a.ID] = Asset{ID: a.ID, Name: a.Name, Kind: a.Kind.String(), Licence: a.LicenceType.String(),
			Expires: a.LicenceExpiresAt, ShowsPeople: a.ShowsPeople, Release: a.ModelRelease}
	}
	return out, nil
}

// Fields lists a piece of content's customer-facing texts: title, body, each
// tag and each rendition's alt text.
func Fields(ct *ent.Content) []compliance.Field {
	fs := []compliance.Field{{Name: "title", Text: ct.Title}, {Name: "body", Text: ct.Body}}
	for i, t := range ct.Tags {
		fs = append(fs, compliance.Field{Name: fmt.Sprintf("tags[%d]", i), Text: t})
	}
	for i, v := range ct.Variants {
		fs = append(fs, compliance.Field{Name: fmt.Sprintf("variants[%d].altText", i), Text: v.AltText})
	}
	return fs
}

// Findings runs the compliance check over a piece of content with its
// organization's terms, its product's category and registration, and the
// disclosure rule when it has a purchase link or a KOL collaboration.
func Findings(ctx context.Context, c *ent.Client, ct *ent.Content) ([]compliance.Finding, error) {
	ck, err := compliance.For(ctx, c, ct.OrganizationID)
	if err != nil {
		return nil, err
	}
	cctx := compliance.Context{Surface: compliance.SurfaceContent}
	if ct.ProductID != 0 {
		p, err := c.Product.Get(ctx, ct.ProductID)
		if err != nil && !ent.IsNotFound(err) {
			return nil, err
		}
		cctx = compliance.ProductContext(p, cctx)
	}
	kol, err := c.Collaboration.Query().Where(collaboration.ContentID(ct.ID),
		collaboration.StatusNEQ(collaboration.StatusCANCELLED)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	cctx.KOLCollaboration = kol
	return ck.CheckFields(Fields(ct), cctx), nil
}

// SubmitError is a refused submit: the first blocking problem's field, and
// the message listing all of them.
type SubmitError struct {
	Field   string
	Message string
}

func (e *SubmitError) Error() string { return e.Field + ": " + e.Message }

// CheckSubmit is everything a submit checks: renditions (URLs, alt text),
// assets (licence, expiry, model release) and the compliance findings of
// severity A. B and C findings are for the reviewer and do not block.
func CheckSubmit(ctx context.Context, c *ent.Client, ct *ent.Content, now time.Time) error {
	vs := Variants(ct.Variants)
	assets, err := LoadAssets(ctx, c, vs)
	if err != nil {
		return err
	}
	if err := CheckVariants(vs, assets); err != nil {
		fe := err.(*FieldError)
		return &SubmitError{Field: fe.Field, Message: fe.Message}
	}
	if err := CheckAssets(vs, assets, now); err != nil {
		fe := err.(*FieldError)
		return &SubmitError{Field: fe.Field, Message: fe.Message}
	}
	fs, err := Findings(ctx, c, ct)
	if err != nil {
		return err
	}
	var blocking []string
	field := ""
	for _, f := range fs {
		if f.Severity != compliance.SeverityA {
			continue
		}
		if field == "" {
			field = f.Field
			if field == "" {
				field = "title"
			}
		}
		blocking = append(blocking, fmt.Sprintf("%s「%s」(%s)", f.Field, f.Term, f.Suggestion))
	}
	if len(blocking) > 0 {
		return &SubmitError{Field: field, Message: "fails the 广告法/platform compliance check: " + strings.Join(blocking, "; ")}
	}
	return nil
}
