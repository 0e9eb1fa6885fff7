package compliance

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// found renders findings as "term:severity" for compact expectations.
func found(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Term + ":" + string(f.Severity)
	}
	return out
}

var (
	cosmeticFiled   = Context{ProductCategory: CategoryCosmetics, RegistrationType: RegistrationCosmeticFiled}
	cosmeticSpecial = Context{ProductCategory: CategoryCosmetics, RegistrationType: RegistrationCosmeticSpecial}
	ordinaryFood    = Context{ProductCategory: CategoryFood, RegistrationType: RegistrationNone}
	healthFood      = Context{ProductCategory: CategoryFood, RegistrationType: RegistrationHealthFood}
	campaign        = Context{Surface: SurfaceCampaign}
	kol             = Context{KOLCollaboration: true}
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name string
		text string
		ctx  Context
		want []string
	}{
		// The misses of issue 12.
		{"miss: whitening on an ordinary cosmetic", "美白祛斑精华", cosmeticFiled, []string{"美白:A", "祛斑:A"}},
		{"miss: medical claim", "本品可消炎抗敏", Context{}, []string{"消炎:A", "抗敏:A"}},
		{"miss: KOL post with purchase link, no 广告", "我最近在用的面霜 https://item.taobao.com/item.htm?id=1", kol, []string{"广告:A"}},
		{"miss: spaced 第 一", "全网第 一的面霜", Context{}, []string{"全网第一:A"}},
		{"miss: No.1", "口碑No.1", Context{}, []string{"no1:A"}},
		{"miss: traditional 國家級", "國家級品質", Context{}, []string{"国家级:A"}},
		{"miss: full-width 100％有效", "100％有效", Context{}, []string{"100%有效:A"}},
		{"miss: 顶尖", "顶尖工艺", Context{}, []string{"顶尖:A"}},
		{"miss: 治愈痘痘", "三周治愈痘痘", Context{}, []string{"治愈:A"}},
		{"miss: 销量冠军", "年度销量冠军", Context{}, []string{"销量冠军:A"}},
		// The false positive of issue 12 and the other context cases.
		{"context: 第一次", "第一次使用就爱上", Context{}, nil},
		{"context: 第一步", "护肤第一步是清洁", Context{}, nil},
		{"context: 第1天", "打卡第1天", Context{}, nil},
		{"context: 最近", "最近在用的面霜", Context{}, nil},
		{"context: 最后一天", "活动最后一天", Context{}, nil},
		{"context: 唯一码", "每件商品有唯一码可查验", Context{}, nil},
		{"context: 高端", "高端线新品", Context{}, nil},
		{"context: 最高端 is a claim", "最高端的系列", Context{}, []string{"最高端:A"}},
		{"context: 最初", "最初的配方", Context{}, nil},
		{"context: ordinal next to a claim", "第一次拿下全网第一", Context{}, []string{"全网第一:A"}},
		{"context: 统一流程 is not 一流", "统一流程发货", Context{}, nil},
		{"context: iso inside a word", "isolation layer", Context{}, nil},
		{"context: top10 is not top1", "top10 好物", Context{}, nil},
		{"context: 第10名 is not 第1", "排在第10名", Context{}, nil},
		{"context: video 特效", "视频特效教程", Context{}, nil},
		{"context: ordinal list", "第 1、14、28 天拍照记录", Context{}, nil},
		{"context: 第1名 is a claim", "销量第1名", Context{}, []string{"第1:A"}},
		{"context: negated medical word", "不做医疗功效承诺", Context{}, nil},
		{"context: 保健食品 disclaimer", "本品不能代替药物治疗疾病", healthFood, nil},
		// Evasions.
		{"evasion: zero-width space", "顶\u200b尖", Context{}, []string{"顶尖:A"}},
		{"evasion: punctuation between characters", "最·佳·选择", Context{}, []string{"最佳:A"}},
		{"evasion: full-width spaces", "国　家　级", Context{}, []string{"国家级:A"}},
		{"evasion: TOP 1 spaced", "TOP 1 好物", Context{}, []string{"top1:A"}},
		{"evasion: Top.1 mixed case", "Top.1单品", Context{}, []string{"top1:A"}},
		{"evasion: full-width ＮＯ．１", "ＮＯ．１推荐", Context{}, []string{"no1:A"}},
		{"evasion: traditional 醫療", "醫療級修護", Context{}, []string{"医疗:A"}},
		{"evasion: dashes", "独-一-无-二", Context{}, []string{"独一无二:A"}},
		{"evasion: v x spaced", "加 v x 领取", Context{}, []string{"加vx:A"}},
		{"evasion: phone with spaces", "电话 138 0013 8000", Context{}, []string{"手机号:A"}},
		{"evasion: 百分百有效", "百分百有效", Context{}, []string{"百分百有效:A"}},
		// Absolute claims.
		{"absolute: 最 alone", "最美的春天", Context{}, []string{"最:A"}},
		{"absolute: 最好", "最好用的粉底", Context{}, []string{"最好:A"}},
		{"absolute: 国家级", "国家级工艺", Context{}, []string{"国家级:A"}},
		{"absolute: 史无前例", "史无前例的优惠", Context{}, []string{"史无前例:A"}},
		{"absolute: 独家 and 首发", "全网首发独家配方", Context{}, []string{"全网首发:A", "独家:A"}},
		{"absolute: 唯一", "唯一的选择", Context{}, []string{"唯一:A"}},
		{"authority: 驰名商标", "中国驰名商标", Context{}, []string{"中国驰名商标:A"}},
		{"authority: 特供", "特供茶叶", Context{}, []string{"特供:A"}},
		{"efficacy: 无副作用", "温和无副作用", Context{}, []string{"无副作用:A"}},
		// Medical, whatever the product.
		{"medical: 药妆", "药妆品牌", cosmeticSpecial, []string{"药妆:A"}},
		{"medical: 抗炎 on special cosmetic", "抗炎修护", cosmeticSpecial, []string{"抗炎:A"}},
		{"medical: 降血压 on health food", "辅助降血压", healthFood, []string{"降血压:A"}},
		{"medical: 根治", "根治脱发", Context{}, []string{"根治:A"}},
		// Category rules.
		{"cosmetics: special registration allows 美白", "美白精华", cosmeticSpecial, nil},
		{"cosmetics: special registration allows 防晒 SPF50", "防晒SPF50", cosmeticSpecial, nil},
		{"cosmetics: ordinary 防晒", "清爽防晒乳", cosmeticFiled, []string{"防晒:A"}},
		{"cosmetics: unknown product needs evidence", "美白精华", Context{}, []string{"美白:B"}},
		{"cosmetics: 染发 on ordinary", "一洗黑染发", cosmeticFiled, []string{"染发:A"}},
		{"cosmetics: 瘦身 is medical for cosmetics", "瘦身霜", cosmeticSpecial, []string{"瘦身:A"}},
		{"food: health claim on ordinary food", "增强免疫力的蓝莓饮", ordinaryFood, []string{"增强免疫力:A"}},
		{"food: health food (蓝帽子) may claim", "增强免疫力", healthFood, nil},
		{"food: 减肥 on ordinary food", "减肥咖啡", ordinaryFood, []string{"减肥:A"}},
		{"food: buzzword 养生 on food", "养生茶", ordinaryFood, []string{"养生:C"}},
		{"food: buzzword 养生 elsewhere", "养生茶", Context{}, nil},
		{"food: whitening claim on food", "美白饮", ordinaryFood, []string{"美白:A"}},
		// Evidence and review.
		{"evidence: 专利", "专利配方", Context{}, []string{"专利:B"}},
		{"evidence: 老字号", "百年老字号", Context{}, []string{"老字号:B"}},
		{"evidence: 100% alone", "100%纯棉", Context{}, []string{"100%:B"}},
		{"review: comparative", "效果优于同类", Context{}, []string{"优于:C"}},
		{"review: time promise", "立竿见影", Context{}, []string{"立竿见影:C"}},
		{"review: inducement in content", "限时抢购进行中", Context{}, []string{"限时抢购:C"}},
		{"review: inducement allowed as a campaign name", "限时抢购·秒杀专场", campaign, nil},
		{"review: absolute still flagged in a campaign", "全网最低价秒杀", campaign, []string{"全网最低价:A"}},
		// Platform contact diversion.
		{"contact: 加微信", "详情加微信咨询", Context{}, []string{"加微信:A"}},
		{"contact: vx handle", "vx: beauty123", Context{}, []string{"vx:A"}},
		{"contact: QQ号", "QQ号 12345", Context{}, []string{"qq号:A"}},
		{"contact: 私信我", "想要的私信我", Context{}, []string{"私信我:A"}},
		// Disclosure.
		{"disclosure: 淘口令", "复制￥AbCdEf1234￥打开手淘", Context{}, []string{"广告:A"}},
		{"disclosure: labelled KOL post", "广告｜我的护肤分享 https://item.taobao.com/item.htm?id=1", kol, nil},
		{"disclosure: KOL without link still needs 广告", "好物分享", kol, []string{"广告:A"}},
		{"disclosure: ordinary post", "春季穿搭分享", Context{}, nil},
		// Clean texts.
		{"clean: product title", "春季新款碎花连衣裙 M码", Context{Surface: SurfaceProduct}, nil},
		{"clean: store introduction", "专注原创设计十年，七天无理由退换", Context{Surface: SurfaceStoreProfile}, nil},
	}
	if len(cases) < 60 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := found(Default.Check(c.text, c.ctx))
			if !slices.Equal(got, c.want) {
				t.Errorf("Check(%q) = %v, want %v", c.text, got, c.want)
			}
		})
	}
}

func TestPositionsPointAtTheOriginalText(t *testing.T) {
	cases := []struct {
		text    string
		matched string
		start   int
		end     int
	}{
		{"这款是全网第 一的", "全网第 一", 3, 8},
		{"口碑ＮＯ．１哦", "ＮＯ．１", 2, 6},
		{"國家級", "國家級", 0, 3},
		{"a顶\u200b尖b", "顶\u200b尖", 1, 4},
	}
	for _, c := range cases {
		fs := Default.Check(c.text, Context{})
		if len(fs) != 1 {
			t.Fatalf("Check(%q) = %v, want one finding", c.text, found(fs))
		}
		f := fs[0]
		if f.Matched != c.matched || f.Start != c.start || f.End != c.end {
			t.Errorf("Check(%q): matched %q [%d,%d), want %q [%d,%d)", c.text, f.Matched, f.Start, f.End, c.matched, c.start, c.end)
		}
		if got := string([]rune(c.text)[f.Start:f.End]); got != f.Matched {
			t.Errorf("offsets of %q do not select %q", c.text, f.Matched)
		}
		if f.Suggestion == "" || f.Source == "" {
			t.Errorf("finding %+v lacks a suggestion or source", f)
		}
	}
}

func TestCheckFieldsDisclosureAcrossFields(t *testing.T) {
	body := Field{Name: "body", Text: "链接在这里 https://v.douyin.com/abc 顶级面霜"}
	cases := []struct {
		name   string
		fields []Field
		want   []string
	}{
		{"undisclosed", []Field{{Name: "title", Text: "好物分享"}, body}, []string{"body:顶级", ":广告"}},
		{"广告 in a tag", []Field{{Name: "title", Text: "好物分享"}, body, {Name: "tags[0]", Text: "#广告"}}, []string{"body:顶级"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := Default.CheckFields(c.fields, Context{})
			var got []string
			for _, f := range fs {
				got = append(got, f.Field+":"+f.Term)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestOrganizationOverrides(t *testing.T) {
	cases := []struct {
		name      string
		overrides []Override
		text      string
		want      []string
	}{
		{"relax a built-in term", []Override{{Term: "独家", Relax: true}}, "独家配方", nil},
		{"relaxing is by normalized text", []Override{{Term: "ＮＯ．１", Relax: true}}, "No.1", nil},
		{"medical terms cannot be relaxed", []Override{{Term: "消炎", Relax: true}}, "消炎", []string{"消炎:A"}},
		{"add a term", []Override{{Term: "爆款", Severity: SeverityB}}, "今日爆款", []string{"爆款:B"}},
		{"added term defaults to C", []Override{{Term: "竞品名"}}, "比竞品名好", []string{"竞品名:C"}},
		{"other organizations keep the default", nil, "独家配方", []string{"独家:A"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := found(New(c.overrides).Check(c.text, Context{}))
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	if Relaxable("治愈") || !Relaxable("独家") {
		t.Error("Relaxable: medical terms must not be relaxable, others must")
	}
}

func TestEveryBuiltinTermIsFoundAndSourced(t *testing.T) {
	ctx := Context{} // unknown product, content surface
	for _, term := range Builtin() {
		if term.Source == "" {
			t.Errorf("term %q has no source", term.Text)
		}
		fs := Default.Check("「"+term.Text+"」", ctx)
		ok := false
		for _, f := range fs {
			if f.Term == term.Text || strings.Contains(f.Term, term.Text) {
				ok = true
			}
		}
		if term.Category == HealthFunction && term.Severity == SeverityC {
			ok = true // buzzwords only apply to food
		}
		if !ok {
			t.Errorf("term %q is not found: %s", term.Text, fmt.Sprint(found(fs)))
		}
	}
}
