package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/asset"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/experiment"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// Content operations demo data (issue 12): the asset library, product
// categories and registrations, a publishing cadence, eight weeks of posting
// history with daily engagement on Brand A's Xiaohongshu store, and two A/B
// experiments (one decided, one without a winner yet).

// DemoHistoryStore is the store whose posting history drives the recommended
// slot: Brand A 小红书官方店.
const DemoHistoryStore = "Brand A 小红书官方店"

// historySlot is one recurring posting slot of the demo history: weekday,
// hour and the engagement rate its posts get.
type historySlot struct {
	weekday time.Weekday
	hour    int
	rate    float64
}

// The Saturday-evening slot is the one to recommend: most engaging, and with
// enough posts to trust.
var historySlots = []historySlot{
	{time.Monday, 9, 0.031},
	{time.Wednesday, 12, 0.042},
	{time.Friday, 21, 0.055},
	{time.Saturday, 20, 0.072},
}

func (s *seeder) contentOps(ctx context.Context) error {
	for _, b := range s.brands {
		if err := s.assets(ctx, b); err != nil {
			return err
		}
		if err := s.productCategories(ctx, b); err != nil {
			return err
		}
	}
	a := s.brands[0]
	var xhs *storeRows
	for _, st := range a.stores {
		if st.store.Name == DemoHistoryStore {
			xhs = st
		}
	}
	if xhs == nil {
		return fmt.Errorf("no store %q", DemoHistoryStore)
	}
	if err := s.tx.Store.UpdateOne(xhs.store).SetContentCadence(schematype.ContentCadence{
		WeekdayPosts: 1, WeekendPosts: 1, DeepOnWeekends: true}).Exec(ctx); err != nil {
		return err
	}
	if err := s.history(ctx, xhs); err != nil {
		return err
	}
	// One piece whose time came this morning: the Xiaohongshu plugin cannot
	// post, so it waits (DUE) for the author to post it by hand.
	author := s.authors[a.org.ID]
	dueAt := s.today.Add(9 * time.Hour)
	if dueAt.After(s.now) {
		dueAt = dueAt.AddDate(0, 0, -1)
	}
	if err := s.tx.Content.Create().SetStoreID(xhs.store.ID).SetAuthorID(author).SetTitle("今日早安笔记：换季补水三步").
		SetBody("早安！换季补水三步：清洁、补水、锁水。").SetKind(content.KindARTICLE).SetTheme("日更笔记").
		SetStatus(content.StatusDUE).SetScheduledAt(dueAt).
		SetVariants([]schematype.ContentVariant{{Format: schematype.FormatSquare,
			URL: "https://assets.example.com/demo/brand-a/due/morning.jpg", AltText: "三瓶护肤品排成一行"}}).
		Exec(ctx); err != nil {
		return err
	}
	return s.experiments(ctx, xhs)
}

// assets are each brand's library: licensed and released ones, one whose
// licence has expired and one model photo without a release (the submit
// refusals).
func (s *seeder) assets(ctx context.Context, b *brandRows) error {
	url := func(name string) string {
		return fmt.Sprintf("https://assets.example.com/demo/%s/library/%s.jpg", b.spec.key, name)
	}
	expired, soon := s.today.AddDate(0, 0, -10), s.today.AddDate(0, 0, 30)
	later := s.today.AddDate(1, 0, 0)
	builders := []*ent.AssetCreate{
		s.tx.Asset.Create().SetOrganizationID(b.org.ID).SetName("棚拍产品白底图").SetURL(url("packshot")).
			SetSource("品牌自有棚拍 (摄影师 张一)").SetLicenceType(asset.LicenceTypeOWNED),
		s.tx.Asset.Create().SetOrganizationID(b.org.ID).SetName("签约模特上脸图").SetURL(url("model-signed")).
			SetSource("摄影工作室约拍").SetLicenceType(asset.LicenceTypeCOMMISSIONED).SetLicenceExpiresAt(later).
			SetShowsPeople(true).SetModelRelease(true).SetModelReleaseRef("合同 2025-MR-031（法务柜 B2）").
			SetUsageRestrictions("仅限品牌自有账号，不得用于付费投放"),
		s.tx.Asset.Create().SetOrganizationID(b.org.ID).SetName("图库秋冬氛围图").SetURL(url("stock-autumn")).
			SetSource("视觉中国").SetLicenceType(asset.LicenceTypeLICENSED).SetLicenceExpiresAt(soon).
			SetUsageRestrictions("单一品牌使用，12 个月"),
		s.tx.Asset.Create().SetOrganizationID(b.org.ID).SetName("去年双11 图库海报").SetURL(url("stock-expired")).
			SetSource("图虫创意").SetLicenceType(asset.LicenceTypeLICENSED).SetLicenceExpiresAt(expired),
		s.tx.Asset.Create().SetOrganizationID(b.org.ID).SetName("达人返图（未签肖像授权）").SetURL(url("kol-unreleased")).
			SetSource("达人私信发来").SetLicenceType(asset.LicenceTypeCOMMISSIONED).SetShowsPeople(true),
	}
	_, err := s.tx.Asset.CreateBulk(builders...).Save(ctx)
	return err
}

// productCategories records the regulatory category of each brand's
// products: Brand A sells cosmetics (sunscreens are 特殊化妆品), Brand B food.
func (s *seeder) productCategories(ctx context.Context, b *brandRows) error {
	for _, st := range b.stores {
		for _, p := range st.products {
			u := s.tx.Product.UpdateOne(p)
			switch {
			case b.spec.key == "brand-a" && strings.Contains(p.Title, "防晒"):
				u.SetCategory(product.CategoryCOSMETICS).SetRegistrationType(product.RegistrationTypeCOSMETIC_SPECIAL).
					SetRegistrationNumber("国妆特字G20240" + s.digits(4))
			case b.spec.key == "brand-a":
				u.SetCategory(product.CategoryCOSMETICS).SetRegistrationType(product.RegistrationTypeCOSMETIC_FILED).
					SetRegistrationNumber("沪G妆网备字2024" + s.digits(6))
			default:
				u.SetCategory(product.CategoryFOOD)
			}
			if err := u.Exec(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// history posts two ideas a week in the four slots over the last eight weeks,
// each with seven days of engagement (views decaying from day one).
func (s *seeder) history(ctx context.Context, st *storeRows) error {
	author := s.authors[st.brand.org.ID]
	var posts []*ent.Content
	var rates []float64
	for week := 8; week >= 1; week-- {
		monday := s.today.AddDate(0, 0, -int(s.today.Weekday()+6)%7-7*week)
		for i, hs := range historySlots {
			if (week+i)%4 == 3 { // not every slot every week: samples of 6
				continue
			}
			day := monday.AddDate(0, 0, (int(hs.weekday)+6)%7)
			at := day.Add(time.Duration(hs.hour)*time.Hour + time.Duration(s.intBetween(0, 40))*time.Minute)
			title := fmt.Sprintf("第 %d 周%s笔记：秋冬护肤小贴士", 9-week, map[time.Weekday]string{
				time.Monday: "周一早安", time.Wednesday: "午间", time.Friday: "周五夜读", time.Saturday: "周末深度"}[hs.weekday])
			body := "分享本周的护肤心得与用户问答。"
			if hs.weekday == time.Saturday {
				body = strings.Repeat("周末深度长文：从屏障修护讲到成分搭配，附读者问答与使用记录。", 25)
			}
			c, err := s.tx.Content.Create().SetStoreID(st.store.ID).SetAuthorID(author).SetTitle(title).SetBody(body).
				SetKind(content.KindARTICLE).SetTheme("日更笔记").SetStatus(content.StatusPUBLISHED).
				SetScheduledAt(at).SetPublishedAt(at).SetExternalPostID(s.postID(st.spec.platform)).
				SetVariants([]schematype.ContentVariant{{Format: schematype.FormatSquare, URL: fmt.Sprintf(
					"https://assets.example.com/demo/%s/history/w%d-%d.jpg", st.brand.spec.key, week, i), AltText: "笔记封面：护肤品摆拍"}}).
				Save(ctx)
			if err != nil {
				return err
			}
			posts, rates = append(posts, c), append(rates, hs.rate)
		}
	}
	return s.engagement(ctx, posts, rates)
}

// engagement writes up to seven days of numbers per post, ending yesterday.
func (s *seeder) engagement(ctx context.Context, posts []*ent.Content, rates []float64) error {
	var builders []*ent.EngagementMetricCreate
	for i, c := range posts {
		base := float64(s.intBetween(1800, 2600))
		for d := range 7 {
			day := c.PublishedAt.In(s.loc).AddDate(0, 0, d)
			if !day.Before(s.today) {
				break
			}
			views := int64(base / float64(d+1) * s.noise(0.1))
			eng := float64(views) * rates[i] * s.noise(0.08)
			builders = append(builders, s.tx.EngagementMetric.Create().SetContentID(c.ID).SetDay(day.Format("2006-01-02")).
				SetViews(views).SetLikes(int64(eng*0.55)).SetComments(int64(eng*0.12)).SetShares(int64(eng*0.08)).SetSaves(int64(eng*0.25)))
		}
	}
	_, err := createInChunks(ctx, builders, func(ctx context.Context, bs []*ent.EngagementMetricCreate) ([]*ent.EngagementMetric, error) {
		return s.tx.EngagementMetric.CreateBulk(bs...).Save(ctx)
	})
	return err
}

// experimentHour is when the A/B arms went out.
const experimentHour = 15

// experiments: a title test with a clear winner (B) and a cover test with
// too few views to call.
func (s *seeder) experiments(ctx context.Context, st *storeRows) error {
	type arm struct {
		label, title string
		rate         float64
		views        int
	}
	specs := []struct {
		name  string
		dim   experiment.Dimension
		daysA int
		arms  []arm
	}{
		{"标题测试：玫瑰精华水种草笔记", experiment.DimensionTITLE, 12, []arm{
			{"A", "玫瑰精华水上新｜温和补水", 0.048, 2600},
			{"B", "敏感肌换季泛红？我的玫瑰精华水补水记录", 0.068, 2600}}},
		{"封面测试：通勤底妆教程", experiment.DimensionCOVER, 5, []arm{
			{"A", "30 秒伪素颜通勤底妆（产品平铺封面）", 0.050, 160},
			{"B", "30 秒伪素颜通勤底妆（上脸对比封面）", 0.058, 160}}},
	}
	author := s.authors[st.brand.org.ID]
	for _, sp := range specs {
		e, err := s.tx.Experiment.Create().SetStoreID(st.store.ID).SetName(sp.name).SetDimension(sp.dim).Save(ctx)
		if err != nil {
			return err
		}
		// 15h is none of the history slots' hours: whatever weekday the
		// experiment falls on, it does not change the recommended slot.
		at := s.today.AddDate(0, 0, -sp.daysA).Add(experimentHour * time.Hour)
		var builders []*ent.EngagementMetricCreate
		for _, a := range sp.arms {
			c, err := s.tx.Content.Create().SetStoreID(st.store.ID).SetAuthorID(author).SetTitle(a.title).
				SetBody("A/B 测试变体 " + a.label).SetKind(content.KindARTICLE).SetTheme("A/B测试").
				SetStatus(content.StatusPUBLISHED).SetScheduledAt(at).SetPublishedAt(at).
				SetExternalPostID(s.postID(st.spec.platform)).SetExperimentID(e.ID).SetExperimentVariant(a.label).
				SetVariants([]schematype.ContentVariant{{Format: schematype.FormatSquare,
					URL: fmt.Sprintf("https://assets.example.com/demo/ab/%d-%s.jpg", e.ID, a.label), AltText: "测试封面 " + a.label}}).
				Save(ctx)
			if err != nil {
				return err
			}
			// Three days of numbers; exact totals so the decision is stable.
			for d, share := range []float64{0.6, 0.3, 0.1} {
				v := int64(float64(a.views) * share)
				eng := int64(float64(v) * a.rate)
				builders = append(builders, s.tx.EngagementMetric.Create().SetContentID(c.ID).
					SetDay(at.In(s.loc).AddDate(0, 0, d).Format("2006-01-02")).SetViews(v).
					SetLikes(eng/2).SetComments(eng/6).SetShares(eng/12).SetSaves(eng-eng/2-eng/6-eng/12))
			}
		}
		if _, err := s.tx.EngagementMetric.CreateBulk(builders...).Save(ctx); err != nil {
			return err
		}
	}
	return nil
}
