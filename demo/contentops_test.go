package demo

import (
	"context"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	contentflow "github.com/opsgraph/opsgraph/content"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/store"
)

// The demo's posting history recommends Saturday 20h from six posts whatever
// weekday (and hour in Shanghai) the demo is loaded on: the A/B experiments
// and the due post must never land in a history slot. CI once failed on a
// Thursday, when the experiments fell on Saturday 20h.
func TestRecommendedSlotOnEveryWeekday(t *testing.T) {
	loc := shanghai()
	start := time.Date(2026, 12, 3, 0, 7, 0, 0, loc) // a Thursday, just after midnight
	for d := range 7 {
		now := start.AddDate(0, 0, d)
		t.Run(now.Weekday().String(), func(t *testing.T) {
			client := openClient(t)
			ctx := authz.SystemContext(context.Background())
			if loaded, err := load(ctx, client, now); err != nil || !loaded {
				t.Fatalf("load = %v, %v", loaded, err)
			}
			items, err := client.Content.Query().
				Where(content.HasStoreWith(store.Name(DemoHistoryStore)), content.PublishedAtNotNil()).
				WithEngagement().All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var posts []contentflow.Post
			for _, it := range items {
				if len(it.Edges.Engagement) == 0 {
					continue // as the API: only posts with numbers count
				}
				p := contentflow.Post{Kind: it.Kind.String(), PublishedAt: it.PublishedAt.In(loc)}
				for _, m := range it.Edges.Engagement {
					p.Views += m.Views
					p.Engagements += m.Likes + m.Comments + m.Shares + m.Saves
				}
				posts = append(posts, p)
			}
			best, found, reliable := contentflow.Recommend(contentflow.Slots(posts, content.KindARTICLE.String()))
			if !found || !reliable || best.Weekday != 6 || best.Hour != 20 || best.Posts != 6 {
				t.Errorf("recommended %+v (found %v, reliable %v), want Saturday 20h from 6 posts", best, found, reliable)
			}
		})
	}
}
