package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
)

// contentPerStore is how many pieces of content each store gets from its brand's ideas.
const contentPerStore = 8

// statusCycle covers every workflow state within each store's contentPerStore pieces.
var statusCycle = []content.Status{
	content.StatusPUBLISHED, content.StatusPUBLISHED, content.StatusSCHEDULED, content.StatusARCHIVED,
	content.StatusIN_REVIEW, content.StatusDRAFT, content.StatusAPPROVED, content.StatusREJECTED,
}

type contentDraft struct {
	b      *brandRows
	st     *storeRows
	idea   *contentIdea
	status content.Status
	note   string
}

func (s *seeder) contents(ctx context.Context) error {
	var drafts []contentDraft
	rejections := 0
	for _, b := range s.brands {
		for si, st := range b.stores {
			for k := range contentPerStore {
				idea := &b.spec.ideas[(si*3+k)%len(b.spec.ideas)]
				d := contentDraft{b: b, st: st, idea: idea, status: statusCycle[(k+si*2)%len(statusCycle)]}
				if d.status == content.StatusREJECTED {
					d.note = otherRejections[rejections%len(otherRejections)]
					rejections++
				}
				drafts = append(drafts, d)
			}
		}
	}
	// The one piece that breaks 广告法, in the first brand's flagship store.
	first := s.brands[0]
	drafts = append(drafts, contentDraft{b: first, st: first.stores[0], idea: &adLawViolation,
		status: content.StatusREJECTED, note: adLawReviewNote})

	builders := make([]*ent.ContentCreate, 0, len(drafts))
	for _, d := range drafts {
		builders = append(builders, s.contentCreate(d))
	}
	rows, err := createInChunks(ctx, builders, func(ctx context.Context, bs []*ent.ContentCreate) ([]*ent.Content, error) {
		return s.tx.Content.CreateBulk(bs...).Save(ctx)
	})
	if err != nil {
		return err
	}
	for i, c := range rows {
		b, key := drafts[i].b, drafts[i].idea.key
		b.contents[key] = append(b.contents[key], placedContent{c, drafts[i].st.spec.platform})
	}
	return nil
}

// placedContent is a piece of content and the platform of its store.
type placedContent struct {
	*ent.Content
	platform store.Platform
}

// isOut reports whether the piece has gone out (published, maybe archived since).
func (c placedContent) isOut() bool {
	return c.Status == content.StatusPUBLISHED || c.Status == content.StatusARCHIVED
}

func (s *seeder) contentCreate(d contentDraft) *ent.ContentCreate {
	idea := d.idea
	c := s.tx.Content.Create().
		SetStoreID(d.st.store.ID).
		SetTitle(idea.title).
		SetBody(idea.body).
		SetKind(idea.kind).
		SetTheme(idea.theme).
		SetTags(idea.tags).
		SetVariants(variants(d.b.spec.key, idea)).
		SetStatus(d.status)
	if d.note != "" {
		c.SetReviewNote(d.note)
	}
	if author, ok := s.authors[d.b.org.ID]; ok {
		c.SetAuthorID(author)
	}

	var scheduled, published *time.Time
	switch d.status {
	case content.StatusPUBLISHED:
		t := s.slot(idea.kind, -30, -1)
		scheduled = &t
	case content.StatusARCHIVED:
		t := s.slot(idea.kind, -88, -60)
		scheduled = &t
	case content.StatusSCHEDULED:
		t := s.slot(idea.kind, 1, 10)
		scheduled = &t
	case content.StatusIN_REVIEW, content.StatusAPPROVED, content.StatusREJECTED:
		t := s.slot(idea.kind, 2, 14)
		scheduled = &t
	}
	if d.status == content.StatusPUBLISHED || d.status == content.StatusARCHIVED {
		p := scheduled.Add(time.Duration(30+s.rng.IntN(300)) * time.Second)
		published = &p
		c.SetPublishedAt(p.UTC()).SetExternalPostID(s.postID(d.st.spec.platform))
	}
	switch d.status {
	case content.StatusAPPROVED, content.StatusSCHEDULED, content.StatusPUBLISHED, content.StatusARCHIVED:
		c.SetReviewNote("审核通过：用语合规，素材授权齐全。")
	}
	if scheduled != nil {
		c.SetScheduledAt(scheduled.UTC())
	}

	// Written a few days before it was planned to go out (drafts: lately).
	created := s.now.Add(-time.Duration(1+s.rng.IntN(5*24)) * time.Hour)
	if scheduled != nil {
		created = earliest(created, scheduled.Add(-time.Duration(48+s.rng.IntN(96))*time.Hour))
	}
	updated := created.Add(time.Duration(1+s.rng.IntN(20)) * time.Hour)
	if published != nil {
		updated = *published
	}
	updated = earliest(updated, s.now)
	return c.SetCreatedAt(created.UTC()).SetUpdatedAt(updated.UTC())
}

// slot picks a publishing time between the given day offsets following the
// content calendar (发布节奏): deep pieces (articles, live streams) at weekends in
// the evening, light ones (short videos, topics) on weekdays at lunch or after work.
func (s *seeder) slot(kind content.Kind, from, to int) time.Time {
	deep := kind == content.KindARTICLE || kind == content.KindLIVE
	for range 50 {
		off := s.intBetween(from, to)
		wd := s.day(off).Weekday()
		weekend := wd == time.Saturday || wd == time.Sunday
		if weekend != deep {
			continue
		}
		if deep {
			return s.at(off, 20, 0)
		}
		if s.chance(0.5) {
			return s.at(off, 12, 0)
		}
		return s.at(off, 18, 30)
	}
	return s.at(from, 20, 0)
}

// postID is a platform-shaped id of a published post.
func (s *seeder) postID(p store.Platform) string {
	switch p {
	case store.PlatformDOUYIN:
		return "7" + s.digits(18) // aweme item id
	case store.PlatformXIAOHONGSHU:
		return fmt.Sprintf("%016x%08x", s.rng.Uint64(), s.rng.Uint32()) // note id
	default:
		return "4" + s.digits(15) // 逛逛 / 淘宝直播 content id
	}
}

// variants are the 多格式适配 renditions of a piece, each with alt text.
func variants(brandKey string, idea *contentIdea) []schematype.ContentVariant {
	url := func(f schematype.ContentFormat, ext string) string {
		return fmt.Sprintf("https://assets.example.com/demo/%s/%s-%s.%s", brandKey, idea.key, strings.ToLower(string(f)), ext)
	}
	v := func(f schematype.ContentFormat, ext, alt string) schematype.ContentVariant {
		return schematype.ContentVariant{Format: f, URL: url(f, ext), AltText: alt}
	}
	switch idea.kind {
	case content.KindARTICLE:
		return []schematype.ContentVariant{
			v(schematype.FormatSquare, "jpg", idea.alt),
			v(schematype.FormatLongImage, "jpg", "长图版："+idea.alt+"，下方是正文要点的图文排版"),
		}
	case content.KindSHORT_VIDEO:
		return []schematype.ContentVariant{
			v(schematype.FormatVertical, "mp4", idea.alt),
			v(schematype.FormatSquare, "jpg", "方形封面："+idea.alt),
		}
	case content.KindLIVE:
		return []schematype.ContentVariant{
			v(schematype.FormatVertical, "jpg", idea.alt),
			v(schematype.FormatLandscape, "jpg", "横版预告："+idea.alt),
		}
	default:
		return []schematype.ContentVariant{v(schematype.FormatSquare, "jpg", idea.alt)}
	}
}
