package demo

import (
	"context"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/collaboration"
	"github.com/opsgraph/opsgraph/ent/kolpartner"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/promo"
)

type campaignSpec struct {
	key           string
	brand, store  int // indexes into brands and the brand's stores
	name          string
	kind          campaign.Kind
	status        campaign.Status // empty: follows from the dates and now
	starts, ends  time.Time
	phases        []schematype.CampaignPhase
	budget        int64 // yuan
	rules         schematype.CampaignRules
	spendFraction float64 // of the budget, for ended campaigns; running ones scale it by elapsed time
}

// date is a wall-clock time in Shanghai.
func (s *seeder) date(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, s.loc)
}

// bigPromotion returns the warm-up / peak / encore phases of 双11 or 双12 of year y.
func (s *seeder) bigPromotion(y int, double12 bool) []schematype.CampaignPhase {
	if double12 {
		return []schematype.CampaignPhase{
			{Name: schematype.PhaseWarmUp, StartsAt: s.date(y, 12, 2, 20), EndsAt: s.date(y, 12, 10, 20)},
			{Name: schematype.PhasePeak, StartsAt: s.date(y, 12, 10, 20), EndsAt: s.date(y, 12, 13, 0)},
			{Name: schematype.PhaseEncore, StartsAt: s.date(y, 12, 13, 0), EndsAt: s.date(y, 12, 15, 0)},
		}
	}
	return []schematype.CampaignPhase{
		{Name: schematype.PhaseWarmUp, StartsAt: s.date(y, 10, 21, 20), EndsAt: s.date(y, 10, 31, 20)},
		{Name: schematype.PhasePeak, StartsAt: s.date(y, 10, 31, 20), EndsAt: s.date(y, 11, 12, 0)},
		{Name: schematype.PhaseEncore, StartsAt: s.date(y, 11, 12, 0), EndsAt: s.date(y, 11, 14, 0)},
	}
}

// campaignPlan is every demo campaign: each kind at least once, each status at
// least once, and 双11 / 双12 with their phases.
func (s *seeder) campaignPlan() []campaignSpec {
	year := s.now.In(s.loc).Year()
	// The latest 双11 that has started; the next 双12 that has not ended.
	d11 := year
	if s.now.Before(s.date(year, 10, 21, 20)) {
		d11--
	}
	d12 := year
	if !s.now.Before(s.date(year, 12, 15, 0)) {
		d12++
	}
	p11, p12 := s.bigPromotion(d11, false), s.bigPromotion(d12, true)
	flashDay := s.date(d11, 11, 11, 0)
	slot := func(day time.Time, h, stock int) schematype.FlashSaleSlot {
		start := day.Add(time.Duration(h) * time.Hour)
		return schematype.FlashSaleSlot{StartsAt: start, EndsAt: start.Add(10 * time.Minute), Stock: stock}
	}
	cancelledDay := s.day(-30)

	return []campaignSpec{
		// Brand A: 0 Tmall flagship, 1 Douyin, 2 Xiaohongshu.
		{key: "double11", brand: 0, store: 0, name: "双11 狂欢节 · 玫瑰精华水限时折扣", kind: campaign.KindTIME_LIMITED_DISCOUNT,
			starts: p11[0].StartsAt, ends: p11[2].EndsAt, phases: p11, budget: 300_000, spendFraction: 0.97,
			rules: schematype.CampaignRules{TimeLimitedDiscount: &schematype.TimeLimitedDiscountRule{
				PercentOff: 20, Tiers: []schematype.DiscountTier{{MinQuantity: 2, PercentOff: 25}, {MinQuantity: 3, PercentOff: 30}}}}},
		{key: "autumn-reduction", brand: 0, store: 0, name: "秋季焕新 满299减30、满499减60", kind: campaign.KindFULL_REDUCTION,
			starts: s.day(-70), ends: s.day(-60), budget: 40_000, spendFraction: 0.88,
			rules: schematype.CampaignRules{FullReduction: &schematype.FullReductionRule{Tiers: []schematype.ReductionTier{
				{Threshold: yuan(299), Reduction: yuan(30)}, {Threshold: yuan(499), Reduction: yuan(60)}}}}},
		{key: "member-day", brand: 0, store: 0, name: "每月 18 日会员日 · 88 折 + 双倍积分", kind: campaign.KindMEMBER_DAY,
			starts: s.day(-80), ends: s.day(285), budget: 60_000, spendFraction: 0.9,
			rules: schematype.CampaignRules{MemberDay: &schematype.MemberDayRule{DayOfMonth: 18, PercentOff: 12, PointsMultiplier: 2}}},
		{key: "flash-douyin", brand: 0, store: 1, name: "双11 直播间整点秒杀 · 玻尿酸面膜", kind: campaign.KindFLASH_SALE,
			starts: flashDay.Add(19 * time.Hour), ends: flashDay.Add(23 * time.Hour), budget: 50_000, spendFraction: 1.0,
			rules: schematype.CampaignRules{FlashSale: &schematype.FlashSaleRule{
				FlashPrice: 3990, PerUserLimit: 2,
				Slots: []schematype.FlashSaleSlot{slot(flashDay, 20, 300), slot(flashDay, 21, 300), slot(flashDay, 22, 200)}}}},
		{key: "coupon-xhs", brand: 0, store: 2, name: "新品尝鲜券 满199减20", kind: campaign.KindCOUPON,
			starts: s.day(-10), ends: s.day(20), budget: 100_000, spendFraction: 0.8,
			rules: schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: yuan(20), MinSpend: yuan(199), Quantity: 5000, PerUser: 1}}},
		{key: "xmas-draft", brand: 0, store: 2, name: "圣诞限定礼盒 早鸟价", kind: campaign.KindTIME_LIMITED_DISCOUNT, status: campaign.StatusDRAFT,
			starts: s.day(22), ends: s.day(33), budget: 35_000,
			rules: schematype.CampaignRules{TimeLimitedDiscount: &schematype.TimeLimitedDiscountRule{PercentOff: 15}}},

		// Brand B: 0 Taobao, 1 Douyin, 2 Xiaohongshu.
		{key: "double12", brand: 1, store: 0, name: "双12 年终好价 · 满减", kind: campaign.KindFULL_REDUCTION,
			starts: p12[0].StartsAt, ends: p12[2].EndsAt, phases: p12, budget: 80_000, spendFraction: 0.95,
			rules: schematype.CampaignRules{FullReduction: &schematype.FullReductionRule{Tiers: []schematype.ReductionTier{
				{Threshold: yuan(99), Reduction: yuan(10)}, {Threshold: yuan(199), Reduction: yuan(25)}, {Threshold: yuan(299), Reduction: yuan(45)}}}}},
		{key: "group-buy-taobao", brand: 1, store: 0, name: "挂耳咖啡 2人团 / 3人成团享折上折", kind: campaign.KindGROUP_BUY,
			starts: s.day(-20), ends: s.day(10), budget: 30_000, spendFraction: 0.9,
			rules: schematype.CampaignRules{GroupBuy: &schematype.GroupBuyRule{
				Tiers: []schematype.GroupTier{{TeamSize: 2, PercentOff: 10}, {TeamSize: 3, PercentOff: 15}}, FormWithinHours: 24}}},
		{key: "referral-taobao", brand: 1, store: 0, name: "老带新 邀新阶梯：首单返5元、三单返15元", kind: campaign.KindREFERRAL, status: campaign.StatusPAUSED,
			starts: s.day(-40), ends: s.day(50), budget: 20_000, spendFraction: 0.5,
			rules: schematype.CampaignRules{Referral: &schematype.ReferralRule{Ladder: []schematype.ReferralStep{
				{Orders: 1, Reward: yuan(5)}, {Orders: 3, Reward: yuan(15)}, {Orders: 5, Reward: yuan(30)}}}}},
		{key: "bargain-douyin", brand: 1, store: 1, name: "好友帮砍 坚果礼盒砍到 19.9 元", kind: campaign.KindBARGAIN,
			starts: s.day(-45), ends: s.day(-38), budget: 25_000, spendFraction: 0.92,
			rules: schematype.CampaignRules{Bargain: &schematype.BargainRule{FloorPrice: 1990, MaxHelpers: 15, WithinHours: 24}}},
		{key: "flash-cancelled", brand: 1, store: 1, name: "冷萃咖啡液整点秒杀（供货延迟，已取消）", kind: campaign.KindFLASH_SALE, status: campaign.StatusCANCELLED,
			starts: cancelledDay.Add(11 * time.Hour), ends: cancelledDay.Add(22 * time.Hour), budget: 15_000,
			rules: schematype.CampaignRules{FlashSale: &schematype.FlashSaleRule{
				FlashPrice: 2990, PerUserLimit: 2, Slots: []schematype.FlashSaleSlot{slot(cancelledDay, 12, 500), slot(cancelledDay, 20, 500)}}}},
		{key: "coupon-douyin", brand: 1, store: 1, name: "直播间专享券 满99减10", kind: campaign.KindCOUPON,
			starts: s.day(-15), ends: s.day(-1), budget: 200_000, spendFraction: 0.16,
			rules: schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: yuan(10), MinSpend: yuan(99), Quantity: 20_000, PerUser: 2}}},
		{key: "new-customer-xhs", brand: 1, store: 2, name: "新客首单立减 5 元 + 试饮装", kind: campaign.KindNEW_CUSTOMER,
			starts: s.day(-30), ends: s.day(60), budget: 15_000, spendFraction: 0.85,
			rules: schematype.CampaignRules{NewCustomer: &schematype.NewCustomerRule{FirstOrderCashback: yuan(5), Gift: "挂耳咖啡试饮装 3 袋"}}},
		{key: "newyear-xhs", brand: 1, store: 2, name: "元旦年货节 早鸟限时折扣", kind: campaign.KindTIME_LIMITED_DISCOUNT,
			starts: s.day(30), ends: s.day(40), budget: 20_000,
			rules: schematype.CampaignRules{TimeLimitedDiscount: &schematype.TimeLimitedDiscountRule{
				PercentOff: 10, Tiers: []schematype.DiscountTier{{MinQuantity: 2, PercentOff: 15}}}}},
	}
}

func (s *seeder) campaigns(ctx context.Context) error {
	plan := s.campaignPlan()
	builders := make([]*ent.CampaignCreate, 0, len(plan))
	for _, p := range plan {
		status := p.status
		if status == "" {
			status = campaign.Status(promo.PhaseAt(&promo.Campaign{StartsAt: p.starts, EndsAt: p.ends, Phases: p.phases}, s.now))
		}
		budget := yuan(p.budget)
		var spend float64
		switch status {
		case campaign.StatusENDED:
			spend = float64(budget) * p.spendFraction
		case campaign.StatusWARM_UP, campaign.StatusLIVE, campaign.StatusENCORE, campaign.StatusPAUSED:
			elapsed := float64(s.now.Sub(p.starts)) / float64(p.ends.Sub(p.starts))
			spend = float64(budget) * p.spendFraction * elapsed * s.between(0.85, 1.15)
		}
		created := earliest(s.now, p.starts.AddDate(0, 0, -s.intBetween(5, 14)))
		c := s.tx.Campaign.Create().
			SetStoreID(s.brands[p.brand].stores[p.store].store.ID).
			SetName(p.name).
			SetKind(p.kind).
			SetStatus(status).
			SetStartsAt(p.starts.UTC()).
			SetEndsAt(p.ends.UTC()).
			SetBudget(budget).
			SetSpend(schematype.Money(int64(spend) / 100 * 100)).
			SetRules(p.rules).
			SetCreatedAt(created.UTC()).
			SetUpdatedAt(earliest(s.now, latest(created, p.ends)).UTC())
		if p.phases != nil {
			c.SetPhases(p.phases)
		}
		builders = append(builders, c)
	}
	rows, err := s.tx.Campaign.CreateBulk(builders...).Save(ctx)
	if err != nil {
		return err
	}
	for i, c := range rows {
		s.brands[plan[i].brand].campaigns[plan[i].key] = c
	}
	return nil
}

func (s *seeder) kols(ctx context.Context) error {
	for _, b := range s.brands {
		var bs []*ent.KOLPartnerCreate
		for _, k := range b.spec.kols {
			bs = append(bs, s.tx.KOLPartner.Create().
				SetOrganizationID(b.org.ID).
				SetPlatform(k.platform).
				SetHandle(k.handle).
				SetDisplayName(k.name).
				SetTier(k.tier).
				SetFollowers(k.followers).
				SetEngagementRate(k.engagement).
				SetCpsCommissionRate(k.cps).
				SetContact(k.contact))
		}
		rows, err := s.tx.KOLPartner.CreateBulk(bs...).Save(ctx)
		if err != nil {
			return err
		}
		for i, r := range rows {
			b.kols[b.spec.kols[i].key] = r
		}
	}
	return nil
}

func (s *seeder) collaborations(ctx context.Context) error {
	builders := make([]*ent.CollaborationCreate, 0, len(collabs))
	for _, cs := range collabs {
		b := s.brands[cs.brand]
		c := s.tx.Collaboration.Create().
			SetKolPartnerID(b.kols[cs.kol].ID).
			SetStatus(cs.status).
			SetBrief(cs.brief).
			SetDeliverables(cs.deliverables).
			SetFee(yuan(cs.fee)).
			SetCommissionRate(cs.rate).
			SetAttributedGmv(yuan(cs.gmv)).
			SetTrackingCode(trackingCode(b.spec.key, cs.kol))
		if cs.campaign != "" {
			c.SetCampaignID(b.campaigns[cs.campaign].ID)
		}
		if cs.idea != "" {
			c.SetContentID(pickContent(b.contents[cs.idea], b.kols[cs.kol].Platform, cs.status).ID)
		}
		builders = append(builders, c)
	}
	_, err := s.tx.Collaboration.CreateBulk(builders...).Save(ctx)
	return err
}

// pickContent chooses which of the pieces made from one idea a collaboration is
// about: one that has gone out when the work is delivered or paid (and one that
// has not otherwise), preferably on the partner's own platform.
func pickContent(pieces []placedContent, platform kolpartner.Platform, status collaboration.Status) placedContent {
	done := status == collaboration.StatusDELIVERED || status == collaboration.StatusPAID
	best, bestScore := pieces[0], -1
	for _, p := range pieces {
		score := 0
		if p.isOut() == done {
			score += 2
		}
		if string(p.platform) == string(platform) {
			score++
		}
		if score > bestScore {
			best, bestScore = p, score
		}
	}
	return best
}
