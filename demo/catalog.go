package demo

import (
	"github.com/opsgraph/opsgraph/ent/collaboration"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/kolpartner"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
)

// This file is the hand-written part of the demo: the names, texts and shapes
// an operations team would recognise. demo.go turns it into rows, adding the
// numbers (metrics, stock, orders) from a seeded random source.

// yuan converts whole yuan to fen.
func yuan(y int64) schematype.Money { return schematype.Money(y * 100) }

type brandSpec struct {
	key         string // short key used in URLs and codes
	name        string
	positioning string
	style       schematype.StyleGuide
	aov         float64 // typical order value, yuan
	costRatio   [2]float64
	skuPrefix   string
	suppliers   []supplierSpec
	stores      []storeSpec
	products    []productSpec // best sellers first, natural clearance items last
	ideas       []contentIdea
	kols        []kolSpec
}

type supplierSpec struct {
	name, contact, phone, email, category, notes string
	quality, delivery, price                     float64
	exclusive                                    bool
	leadDays                                     int
}

type storeSpec struct {
	name          string
	platform      store.Platform
	shopID        string
	certification store.Certification
	dsr           float64
	intro         string
	hours         string
	shipping      string
	afterSales    string
	autoReply     string
	tags          []string
	products      int     // how many of the brand's products it lists
	visitors      float64 // typical weekday visitors
	incomplete    bool    // profile deliberately left unfinished (店铺信息完善 demo)
}

type skuSpec struct {
	name  string
	price int64 // yuan
}

type productSpec struct {
	title string
	skus  []skuSpec
}

type contentIdea struct {
	key   string
	kind  content.Kind
	theme string
	title string
	body  string
	tags  []string
	alt   string // describes the cover image (无障碍文字描述)
}

type kolSpec struct {
	key, handle, name, contact string
	platform                   kolpartner.Platform
	tier                       kolpartner.Tier
	followers                  int64
	engagement, cps            float64
}

type collabSpec struct {
	brand               int
	kol, campaign, idea string // keys; campaign and idea may be empty
	status              collaboration.Status
	fee                 int64 // yuan
	rate                float64
	gmv                 int64 // yuan
	deliverables        []string
	brief               string
}

// serviceTags are the service promises a store can show (服务标签).
var serviceTags = []string{"SEVEN_DAY_RETURN", "SHIPPING_INSURANCE", "FAST_REFUND", "GENUINE_GUARANTEE", "DELIVERY_48H"}

var brands = []brandSpec{
	{
		key:  "brand-a",
		name: "Brand A",
		positioning: "植物成分护肤与彩妆，面向敏感肌和成分党的温和日常护理。" +
			"以“温和、有效、看得懂的成分表”为价值主张，主打玫瑰精华水与烟酰胺精华两款爆款。",
		style: schematype.StyleGuide{
			ValueProposition: "温和有效的植物成分护肤，成分表看得懂",
			AudiencePersona:  "22–35 岁一二线城市白领女性，敏感肌或混合肌，关注成分与性价比，常在小红书做功课、在天猫和抖音下单",
			Tone:             "亲切、专业、克制：用成分和检测数据说话，不用极限词和夸大功效；多用“实测”“28 天记录”等可证实的表达",
			PantoneColors:    []string{"PANTONE 13-1520 Rose Quartz", "PANTONE 18-1750 Viva Magenta", "PANTONE 11-0601 Bright White"},
			Fonts:            []string{"思源黑体", "阿里巴巴普惠体"},
		},
		aov:       158,
		costRatio: [2]float64{0.22, 0.38},
		skuPrefix: "BA",
		suppliers: []supplierSpec{
			{name: "广州雅研生物科技有限公司", contact: "陈经理", phone: "020-3100-0001", email: "bd@yayan-bio.example.com", category: "美妆·护肤 OEM",
				quality: 4.7, delivery: 4.4, price: 4.1, leadDays: 21, notes: "玫瑰精华水、面霜代工；GMPC 认证，可出具第三方检测报告。"},
			{name: "上海澄颜化妆品有限公司", contact: "刘女士", phone: "021-5200-0002", email: "sales@chengyan.example.com", category: "美妆·彩妆 OEM",
				quality: 4.5, delivery: 4.6, price: 3.9, exclusive: true, leadDays: 30,
				notes: "唇釉、气垫新色号在天猫独家首发 30 天；起订量 5000 支/色。"},
			{name: "浙江湖州森雨包装材料有限公司", contact: "周先生", phone: "0572-220-0003", email: "order@senyu-pack.example.com", category: "包材",
				quality: 4.2, delivery: 4.8, price: 4.5, leadDays: 12, notes: "瓶器、礼盒；大促前需提前 4 周下单。"},
			{name: "苏州云绵无纺布制品有限公司", contact: "吴经理", phone: "0512-660-0004", email: "bd@yunmian.example.com", category: "美妆·面膜",
				quality: 4.3, delivery: 4.1, price: 4.6, leadDays: 18, notes: "面膜布与灌装，2025 年考核交期有两次延误。"},
			{name: "义乌美刷工具有限公司", contact: "金女士", phone: "0579-850-0005", email: "trade@meishua.example.com", category: "美妆·工具",
				quality: 3.8, delivery: 4.2, price: 4.8, leadDays: 10, notes: "化妆刷、粉扑；做清仓款和赠品。"},
		},
		stores: []storeSpec{
			{name: "Brand A 官方旗舰店", platform: store.PlatformTMALL, shopID: "tm_58213907", certification: store.CertificationENTERPRISE, dsr: 4.86,
				intro:      "Brand A 天猫官方旗舰店：植物成分护肤与彩妆，敏感肌友好配方，品牌直供正品。",
				hours:      "客服在线 09:00–24:00（大促期间 08:00–次日 01:00）",
				shipping:   "现货订单 48 小时内从杭州仓发出，默认中通/圆通，可补差价改顺丰；新疆、西藏等偏远地区另需 3–5 天。",
				afterSales: "支持七天无理由退换（商品未拆封）；使用后出现过敏可凭就医记录申请退款；质量问题来回运费由本店承担。",
				autoReply:  "您好，欢迎光临 Brand A 官方旗舰店～不确定肤质可以回复“肤质测试”，客服小A帮您选品；查物流请回复“物流”，退换请回复“售后”。",
				tags:       serviceTags, products: 15, visitors: 5200},
			{name: "Brand A 抖音官方旗舰店", platform: store.PlatformDOUYIN, shopID: "dy_7234501126", certification: store.CertificationBLUE_V, dsr: 4.78,
				intro:      "Brand A 抖音官方账号与小店，每晚 19:30 直播间讲成分、教上妆。",
				hours:      "直播间客服 10:00–23:30",
				shipping:   "现货 48 小时内发货，预售商品以商品页标注时间为准；支持全国包邮（港澳台除外）。",
				afterSales: "七天无理由退货，下单赠运费险；未发货订单支持极速退款。",
				autoReply:  "宝子你好～直播间福利价以直播时为准，下单后 48 小时内发货。肤质问题可以直接留言，主播下播后统一回复。",
				tags:       []string{"SEVEN_DAY_RETURN", "SHIPPING_INSURANCE", "FAST_REFUND", "DELIVERY_48H"}, products: 12, visitors: 8800},
			{name: "Brand A 小红书官方店", platform: store.PlatformXIAOHONGSHU, shopID: "xhs_64f1c2a9e7b3", certification: store.CertificationBLUE_V, dsr: 4.81,
				intro:      "Brand A 官方薯店：成分科普、真实肤质测评与新品尝鲜。",
				hours:      "工作日 10:00–19:00，周末 12:00–18:00",
				shipping:   "由品牌杭州仓发货，72 小时内发出。",
				afterSales: "支持七天无理由退货（未拆封）；正品保障，假一赔三。",
				autoReply:  "谢谢关注 Brand A～想看哪类测评可以留言，我们每周整理大家的问题做一期答疑笔记。",
				tags:       []string{"SEVEN_DAY_RETURN", "GENUINE_GUARANTEE"}, products: 10, visitors: 2300},
		},
		products: []productSpec{
			{"Brand A 玫瑰精华水 补水保湿爽肤水", []skuSpec{{"规格:150ml", 129}, {"规格:300ml", 219}}},
			{"Brand A 烟酰胺焕亮精华液", []skuSpec{{"规格:30ml", 189}, {"规格:50ml", 279}}},
			{"Brand A 丝绒雾面唇釉", []skuSpec{{"颜色:玫瑰红;规格:3.5g", 89}, {"颜色:豆沙粉;规格:3.5g", 89}, {"颜色:枫叶红;规格:3.5g", 89}, {"颜色:奶茶棕;规格:3.5g", 89}}},
			{"Brand A 氨基酸温和洁面乳", []skuSpec{{"规格:100g", 69}, {"规格:100g×2", 119}}},
			{"Brand A 清透防晒乳 SPF50+ PA++++", []skuSpec{{"规格:40ml", 99}, {"规格:60ml", 139}}},
			{"Brand A 玻尿酸补水面膜", []skuSpec{{"规格:5片装", 59}, {"规格:10片装", 99}, {"规格:20片装", 179}}},
			{"Brand A 修护保湿面霜", []skuSpec{{"规格:50g", 199}, {"规格:50g+15g", 239}}},
			{"Brand A 轻薄遮瑕气垫", []skuSpec{{"色号:01象牙白;规格:15g", 169}, {"色号:02自然色;规格:15g", 169}, {"色号:03小麦色;规格:15g", 169}}},
			{"Brand A 植物卸妆油", []skuSpec{{"规格:150ml", 109}, {"规格:200ml", 139}}},
			{"Brand A 抗初老眼霜", []skuSpec{{"规格:15g", 229}, {"规格:15g+5g小样", 259}}},
			{"Brand A 白茶香氛身体乳", []skuSpec{{"香型:白茶;规格:250ml", 79}, {"香型:玫瑰;规格:250ml", 79}}},
			{"Brand A 护手霜礼盒", []skuSpec{{"规格:3支装", 69}, {"规格:5支装", 99}}},
			{"Brand A 控油定妆散粉", []skuSpec{{"颜色:透明色;规格:8g", 119}, {"颜色:肤色;规格:8g", 119}}},
			{"Brand A 旅行小样套装", []skuSpec{{"规格:4件套", 49}, {"规格:6件套", 69}}},
			{"Brand A 化妆刷套装", []skuSpec{{"规格:5支装", 59}, {"规格:8支装", 89}}},
		},
		ideas: []contentIdea{
			{key: "rose-toner", kind: content.KindARTICLE, theme: "新品种草",
				title: "玫瑰精华水上新｜敏感肌也能用的温和补水",
				body:  "换季泛红、干燥起皮？这次的玫瑰精华水用了大马士革玫瑰纯露和 5 重玻尿酸，无酒精无香精。28 天 32 位敏感肌志愿者实测，肌肤含水量平均提升 21%（第三方检测报告编号见详情页）。",
				tags:  []string{"玫瑰精华水", "敏感肌", "补水保湿"}, alt: "粉色玻璃瓶玫瑰精华水放在白色大理石台面上，旁边是几片玫瑰花瓣"},
			{key: "cushion-tutorial", kind: content.KindSHORT_VIDEO, theme: "教程",
				title: "30 秒学会伪素颜通勤底妆",
				body:  "脚本：0–5 秒 素颜出镜；5–20 秒 气垫少量多次轻拍，重点讲鼻翼和嘴角；20–30 秒 散粉定妆，对比上妆前后。口播提示：色号选择看脖子肤色。",
				tags:  []string{"底妆教程", "气垫", "通勤妆"}, alt: "竖屏视频封面：女生手持气垫对镜上妆，左右分屏对比上妆前后"},
			{key: "promo-live", kind: content.KindLIVE, theme: "大促直播",
				title: "大促囤货直播：面膜、精华水组合价",
				body:  "直播排品：1 玻尿酸面膜 20 片装（引流款）→ 2 玫瑰精华水 300ml（主推）→ 3 烟酰胺精华（利润款）→ 4 旅行小样（凑单）。每 30 分钟抽一次免单，库存实时口播。",
				tags:  []string{"直播", "囤货", "组合价"}, alt: "直播预告海报：主播手持面膜和精华水，写有开播时间"},
			{key: "morning-c-topic", kind: content.KindTOPIC, theme: "话题互动",
				title: "#早C晚A 你坚持多久了？晒出你的护肤步骤",
				body:  "参与话题晒出你的早晚护肤步骤，评论区抽 5 位送玫瑰精华水正装。温馨提示：A 醇类产品请从低浓度开始建立耐受。",
				tags:  []string{"早C晚A", "护肤打卡", "互动抽奖"}, alt: "方图：早晚两排护肤品按使用顺序排列，配文字“早C晚A”"},
			{key: "niacinamide-guide", kind: content.KindARTICLE, theme: "成分科普",
				title: "烟酰胺怎么用不刺激？建立耐受的 4 个步骤",
				body:  "1. 先在耳后试用 3 天；2. 从隔天晚上使用开始；3. 避免与高浓度酸类同时叠加；4. 白天做好防晒。出现持续刺痛请停用并咨询医生。",
				tags:  []string{"烟酰胺", "成分党", "护肤知识"}, alt: "长图：四个步骤配插画，依次为耳后试用、隔天使用、避免叠酸、防晒"},
			{key: "lip-swatch", kind: content.KindSHORT_VIDEO, theme: "测评",
				title: "丝绒唇釉试色：玫瑰红、豆沙粉、枫叶红、奶茶棕",
				body:  "自然光和室内暖光各试一次，黄皮、白皮两位模特同时上嘴。结尾放持妆 4 小时对比（吃饭后）。",
				tags:  []string{"唇釉试色", "黄皮友好", "秋冬口红"}, alt: "竖屏视频封面：四支唇釉在手臂上的试色条，从左到右由浅到深"},
			{key: "qa-live", kind: content.KindLIVE, theme: "日常直播",
				title: "周三护肤答疑直播：换季泛红怎么办",
				body:  "嘉宾：品牌配方师。环节：观众肤质提问 → 配方师讲解屏障修护 → 面霜试用体验。不做医疗功效承诺。",
				tags:  []string{"护肤答疑", "屏障修护", "直播"}, alt: "直播封面：配方师坐在实验室背景前，手持面霜"},
			{key: "season-list", kind: content.KindTOPIC, theme: "节日热点",
				title: "秋冬换季护肤清单，评论区抽 3 位送旅行装",
				body:  "秋冬护肤三件事：温和清洁、及时补水、锁水修护。你的换季清单里有什么？评论区告诉我们。",
				tags:  []string{"换季护肤", "秋冬护肤", "评论抽奖"}, alt: "方图：洁面、精华水、面霜三件产品摆在针织毯上"},
			{key: "oily-diary", kind: content.KindARTICLE, theme: "用户故事",
				title: "油皮姐妹的 28 天洁面记录",
				body:  "来自粉丝投稿：每天早晚使用氨基酸洁面乳，第 1、14、28 天在同一光线下拍照记录。个人体验，效果因人而异。",
				tags:  []string{"油皮", "洁面", "真实记录"}, alt: "三张并排的面部近照，分别标注第 1 天、第 14 天、第 28 天"},
			{key: "commute-bag", kind: content.KindSHORT_VIDEO, theme: "好物分享",
				title: "通勤包里的 5 件补妆小物",
				body:  "散粉、唇釉、护手霜、气垫、吸油纸：逐个讲用法和补妆顺序，结尾展示整体收纳。",
				tags:  []string{"通勤", "补妆", "包里有什么"}, alt: "竖屏视频封面：打开的通勤包，里面摆着五件小号彩妆"},
		},
		kols: []kolSpec{
			{key: "lulu", handle: "lulu_meizhuang", name: "小鹿美妆研究所", platform: kolpartner.PlatformDOUYIN, tier: kolpartner.TierHEAD,
				followers: 8_600_000, engagement: 0.032, cps: 0.25, contact: "经纪公司：鹿鸣 MCN · 商务对接 lulu-bd@mcn.example.com"},
			{key: "xiaoke", handle: "chengfen_xiaoke", name: "成分课代表小柯", platform: kolpartner.PlatformXIAOHONGSHU, tier: kolpartner.TierMID,
				followers: 420_000, engagement: 0.058, cps: 0.20, contact: "蒲公英平台报价 · 私信邮箱 xiaoke@example.com"},
			{key: "mianmian", handle: "mianmian_daily", name: "棉棉的日常", platform: kolpartner.PlatformXIAOHONGSHU, tier: kolpartner.TierKOC,
				followers: 6_800, engagement: 0.094, cps: 0.10, contact: "品牌私信，寄样置换"},
			{key: "aqiao", handle: "a_qiao_makeup", name: "阿乔化妆间", platform: kolpartner.PlatformDOUYIN, tier: kolpartner.TierTAIL,
				followers: 58_000, engagement: 0.061, cps: 0.15, contact: "星图下单"},
			{key: "xingxing", handle: "taolive_xingxing", name: "星星直播间", platform: kolpartner.PlatformTAOBAO, tier: kolpartner.TierHEAD,
				followers: 3_200_000, engagement: 0.027, cps: 0.30, contact: "淘宝直播机构：星光传媒 · 招商 xingxing-zs@example.com"},
		},
	},
	{
		key:  "brand-b",
		name: "Brand B",
		positioning: "精品咖啡与健康零食：把产地咖啡和低糖零食做成打工人随手可得的日常。" +
			"挂耳咖啡与每日坚果为爆款，靠内容种草和私域复购增长。",
		style: schematype.StyleGuide{
			ValueProposition: "产地精品咖啡和低糖零食，好喝好吃也方便",
			AudiencePersona:  "25–40 岁上班族和露营爱好者，早八需要咖啡续命，注重配料表，喜欢尝新口味",
			Tone:             "轻松、有生活感、带一点幽默；讲产地和风味，不做健康功效承诺",
			PantoneColors:    []string{"PANTONE 18-1140 Mocha Mousse", "PANTONE 12-0722 French Vanilla", "PANTONE 17-5641 Emerald"},
			Fonts:            []string{"站酷快乐体", "思源宋体"},
		},
		aov:       72,
		costRatio: [2]float64{0.42, 0.58},
		skuPrefix: "BB",
		suppliers: []supplierSpec{
			{name: "云南普洱澜沧咖啡合作社", contact: "李社长", phone: "0879-520-0011", email: "coop@lancang-coffee.example.com", category: "食品·咖啡生豆",
				quality: 4.6, delivery: 3.9, price: 4.3, exclusive: true, leadDays: 35,
				notes: "保山/普洱产区生豆；新产季精品批次在本品牌独家首发。雨季物流偏慢。"},
			{name: "杭州栖木烘焙工坊", contact: "沈先生", phone: "0571-870-0012", email: "roast@qimu.example.com", category: "食品·烘焙代工",
				quality: 4.5, delivery: 4.6, price: 4.0, leadDays: 9, notes: "挂耳、冻干代工；SC 食品生产许可证齐全。"},
			{name: "临安山核桃食品有限公司", contact: "何经理", phone: "0571-630-0013", email: "sales@linan-nuts.example.com", category: "食品·坚果炒货",
				quality: 4.4, delivery: 4.5, price: 4.2, leadDays: 14, notes: "每日坚果、巴旦木；年货季产能紧张，需提前锁量。"},
			{name: "内蒙古草原牧歌肉业有限公司", contact: "巴特尔", phone: "0471-330-0014", email: "bd@muge-meat.example.com", category: "食品·肉干",
				quality: 4.1, delivery: 4.0, price: 4.4, leadDays: 20, notes: "风干牛肉干，口味可定制。"},
		},
		stores: []storeSpec{
			{name: "Brand B 咖啡零食铺", platform: store.PlatformTAOBAO, shopID: "tb_33719042", certification: store.CertificationREAL_NAME, dsr: 4.69,
				intro:      "Brand B 淘宝店：云南产区挂耳咖啡、冻干咖啡和低糖零食，新鲜烘焙，每周二、周五出新批次。",
				hours:      "客服 09:00–22:00",
				shipping:   "48 小时内从杭州发货，夏季巧克力类商品加冰袋；江浙沪次日达。",
				afterSales: "食品类商品拆封后不支持七天无理由；未拆封可七天无理由退货；破损、漏气包赔。",
				autoReply:  "你好呀～新批次咖啡每周二、周五烘焙发货，想知道风味可以回复“风味表”。",
				tags:       []string{"SEVEN_DAY_RETURN", "SHIPPING_INSURANCE", "DELIVERY_48H"}, products: 12, visitors: 3100},
			{name: "Brand B 抖音小店", platform: store.PlatformDOUYIN, shopID: "dy_7412093385", certification: store.CertificationENTERPRISE, dsr: 4.73,
				intro:      "Brand B 抖音官方小店，工作日中午 12:00 和晚上 20:00 两场直播。",
				hours:      "10:00–23:00",
				shipping:   "现货 48 小时发货，偏远地区不包邮。",
				afterSales: "未拆封七天无理由；未发货订单极速退款；收到破损请 48 小时内拍照联系客服。",
				autoReply:  "欢迎来到 Brand B～直播间下单备注“试饮”送挂耳 1 袋（每单限 1 份，送完为止）。",
				tags:       []string{"SEVEN_DAY_RETURN", "SHIPPING_INSURANCE", "FAST_REFUND", "DELIVERY_48H"}, products: 12, visitors: 6400},
			{name: "Brand B 咖啡研究社", platform: store.PlatformXIAOHONGSHU, shopID: "xhs_65a0d3f18c21", certification: store.CertificationREAL_NAME, dsr: 4.62,
				intro:      "分享咖啡风味、冲煮方法和办公室零食搭配。",
				shipping:   "杭州发货。",
				afterSales: "未拆封可退。",
				// 营业时间、自动回复与服务标签都还没填：店铺信息完善的提醒就从这家店开始演示。
				products: 10, visitors: 1500, incomplete: true},
		},
		products: []productSpec{
			{"Brand B 挂耳咖啡 云南保山小粒", []skuSpec{{"口味:经典拼配;规格:10袋", 39}, {"口味:经典拼配;规格:30袋", 99}, {"口味:花果香;规格:10袋", 45}}},
			{"Brand B 冻干咖啡粉 冷水速溶", []skuSpec{{"规格:24颗", 69}, {"规格:48颗", 129}}},
			{"Brand B 每日坚果 混合果仁", []skuSpec{{"规格:7袋", 39}, {"规格:30袋", 139}}},
			{"Brand B 冷萃咖啡液", []skuSpec{{"口味:原味;规格:6瓶", 59}, {"口味:椰香;规格:6瓶", 62}, {"口味:原味;规格:12瓶", 109}}},
			{"Brand B 耶加雪菲挂耳咖啡", []skuSpec{{"规格:10袋", 59}, {"规格:20袋", 109}}},
			{"Brand B 低糖燕麦脆", []skuSpec{{"口味:原味;规格:400g", 35}, {"口味:可可;规格:400g", 35}}},
			{"Brand B 风干牛肉干", []skuSpec{{"口味:五香;规格:200g", 68}, {"口味:麻辣;规格:200g", 68}}},
			{"Brand B 烤巴旦木 盐焗味", []skuSpec{{"规格:250g", 36}, {"规格:500g", 66}}},
			{"Brand B 海苔夹心脆", []skuSpec{{"口味:芝麻;规格:40g×3", 29}, {"口味:杏仁;规格:40g×3", 32}}},
			{"Brand B 冻干水果脆 混合装", []skuSpec{{"规格:6袋", 45}, {"规格:12袋", 85}}},
			{"Brand B 手冲咖啡入门套装", []skuSpec{{"规格:滤杯+分享壶", 129}, {"规格:滤杯+分享壶+手冲壶", 199}}},
			{"Brand B 咖啡随行杯礼盒", []skuSpec{{"颜色:燕麦白;规格:350ml", 89}, {"颜色:墨绿;规格:350ml", 89}}},
		},
		ideas: []contentIdea{
			{key: "yirga-launch", kind: content.KindARTICLE, theme: "新品种草",
				title: "耶加雪菲挂耳上新：柑橘和茉莉花香的清爽一杯",
				body:  "水洗处理的耶加雪菲，浅烘焙，入口是柑橘和茉莉花香，尾段有红茶感。建议 92℃ 热水、分三次注水，总水量 180ml。",
				tags:  []string{"挂耳咖啡", "耶加雪菲", "新品"}, alt: "白色杯子里的浅色咖啡，旁边放着挂耳包和几片橙子"},
			{key: "coldbrew-howto", kind: content.KindSHORT_VIDEO, theme: "教程",
				title: "冷萃咖啡液的 3 种在家喝法",
				body:  "脚本：冷萃+冰牛奶做拿铁；冷萃+气泡水+柠檬片；冷萃+椰子水。每种 10 秒，结尾放配比字幕。",
				tags:  []string{"冷萃", "在家做咖啡", "夏日饮品"}, alt: "竖屏视频封面：三杯不同颜色的咖啡饮品排成一排"},
			{key: "stockup-live", kind: content.KindLIVE, theme: "大促直播",
				title: "零食囤货直播：坚果、咖啡组合装",
				body:  "排品：每日坚果 30 袋（引流）→ 挂耳 30 袋（主推）→ 牛肉干（利润）→ 随行杯礼盒（客单价）。整点抽免单，口播满减规则。",
				tags:  []string{"直播", "囤货", "零食"}, alt: "直播预告海报：桌上摆满坚果和咖啡，写有开播时间"},
			{key: "desk-topic", kind: content.KindTOPIC, theme: "话题互动",
				title: "#打工人早八咖啡 晒出你的工位早餐",
				body:  "晒出你的工位早餐和咖啡，带话题发布，每周抽 10 位送挂耳咖啡 10 袋。",
				tags:  []string{"打工人早八咖啡", "工位早餐", "互动抽奖"}, alt: "方图：工位桌面上的咖啡杯、燕麦脆和笔记本电脑"},
			{key: "nuts-guide", kind: content.KindARTICLE, theme: "产品科普",
				title: "每日坚果怎么配：7 种坚果果干的搭配思路",
				body:  "核桃、巴旦木、腰果、榛子四种坚果占 75%，蓝莓干、蔓越莓干、葡萄干占 25%。每袋 25g，适合作为下午加餐。",
				tags:  []string{"每日坚果", "配料表", "加餐"}, alt: "长图：七种坚果果干分格摆放，每格标注名称"},
			{key: "freeze-dried-test", kind: content.KindSHORT_VIDEO, theme: "测评",
				title: "冻干咖啡冷水速溶实测",
				body:  "分别用冷水、冰牛奶、燕麦奶冲泡，计时拍摄溶解过程，结尾盲测口感打分。",
				tags:  []string{"冻干咖啡", "速溶", "实测"}, alt: "竖屏视频封面：一颗冻干咖啡落入装冷水的玻璃杯"},
			{key: "tea-live", kind: content.KindLIVE, theme: "日常直播",
				title: "周五下午茶直播：新品试吃",
				body:  "主播和烘焙师一起试吃冻干水果脆和海苔夹心脆，讲配料表，回答观众口味问题。",
				tags:  []string{"下午茶", "试吃", "直播"}, alt: "直播封面：两位主播坐在咖啡吧台前，面前摆着零食试吃盘"},
			{key: "gift-topic", kind: content.KindTOPIC, theme: "节日热点",
				title: "年货礼盒怎么选？评论区聊聊你的送礼清单",
				body:  "送长辈、送同事、送自己，你会怎么选？评论区说出你的送礼清单，抽 3 位送坚果礼盒。",
				tags:  []string{"年货节", "送礼清单", "评论抽奖"}, alt: "方图：三个不同大小的礼盒，分别写着送长辈、送同事、送自己"},
			{key: "dev-corner", kind: content.KindARTICLE, theme: "用户故事",
				title: "一位程序员的办公室咖啡角",
				body:  "粉丝投稿：手冲入门套装 + 挂耳备用，三个月下来每天的咖啡花费从 25 元降到 6 元。",
				tags:  []string{"办公室咖啡", "手冲入门", "用户投稿"}, alt: "办公桌一角的手冲滤杯、分享壶和一排挂耳咖啡"},
			{key: "camping-snacks", kind: content.KindSHORT_VIDEO, theme: "好物分享",
				title: "露营零食清单：轻便、耐放、好分享",
				body:  "露营装备里的零食篇：冻干水果脆、牛肉干、冷萃咖啡液，讲重量、保存和分装。",
				tags:  []string{"露营", "零食清单", "户外"}, alt: "竖屏视频封面：帐篷前的折叠桌上摆着咖啡和零食"},
		},
		kols: []kolSpec{
			{key: "chihuo", handle: "chihuo_dawang", name: "吃货大王", platform: kolpartner.PlatformDOUYIN, tier: kolpartner.TierHEAD,
				followers: 5_400_000, engagement: 0.029, cps: 0.22, contact: "经纪公司：大王文化 · 商务 bd@dawang.example.com"},
			{key: "laozhang", handle: "kafei_laozhang", name: "咖啡老张", platform: kolpartner.PlatformDOUYIN, tier: kolpartner.TierMID,
				followers: 310_000, engagement: 0.047, cps: 0.18, contact: "星图下单"},
			{key: "yeye", handle: "yeye_camping", name: "野野去露营", platform: kolpartner.PlatformXIAOHONGSHU, tier: kolpartner.TierMID,
				followers: 180_000, engagement: 0.066, cps: 0.15, contact: "蒲公英平台报价"},
			{key: "gongwei", handle: "gongwei_zaocan", name: "工位早餐打卡", platform: kolpartner.PlatformXIAOHONGSHU, tier: kolpartner.TierKOC,
				followers: 3_900, engagement: 0.11, cps: 0.10, contact: "品牌私信，寄样置换"},
			{key: "nana", handle: "nana_lingshi", name: "娜娜零食铺子", platform: kolpartner.PlatformTAOBAO, tier: kolpartner.TierTAIL,
				followers: 27_000, engagement: 0.052, cps: 0.12, contact: "淘宝联盟招商团长对接"},
		},
	},
}

// adLawViolation is the one piece of content that breaks 广告法 article 9 on
// purpose, so that the compliance check and the rejection flow have something to show.
var adLawViolation = contentIdea{
	key: "rose-toner-rejected", kind: content.KindARTICLE, theme: "新品种草",
	title: "全网第一的玫瑰精华水，国家级实验室认证",
	body:  "最好用的补水精华水，用一次就能修复所有敏感肌！",
	tags:  []string{"玫瑰精华水", "敏感肌"}, alt: "粉色玻璃瓶玫瑰精华水特写",
}

const adLawReviewNote = "驳回（法务审核）：标题和正文使用了《广告法》第九条禁止的绝对化用语“全网第一”“国家级”“最好用”，" +
	"且“修复所有敏感肌”属于无法证实的功效承诺。请改为可证实的客观描述（例如“28 天 32 位志愿者实测含水量平均提升 21%”，并附第三方检测报告编号）后重新提交。"

// otherRejections are review notes for rejected content that is fine under 广告法
// but fails review for another reason.
var otherRejections = []string{
	"驳回：封面使用的模特照片在素材库中没有登记肖像授权协议，请更换素材或补充授权后再提交。",
	"驳回：正文提到的检测数据没有附报告编号，请补充来源后重新提交。",
	"驳回：文中价格与直播间实际到手价不一致，请与运营确认活动价后修改。",
	"驳回：视频使用的背景音乐未获商用授权，请替换为曲库中的可商用音乐。",
	"驳回：话题抽奖缺少活动规则和开奖时间，请按平台抽奖规范补充。",
	"驳回：字幕有错别字，产品规格写成了 50ml（实际为 30ml），请修改后重新提交。",
}

var collabs = []collabSpec{
	{brand: 0, kol: "lulu", campaign: "double11", idea: "commute-bag", status: collaboration.StatusPAID, fee: 120_000, rate: 0.20, gmv: 1_864_300,
		deliverables: []string{"1 场直播专场", "2 条预热短视频"},
		brief:        "双11 开门红专场：玫瑰精华水 300ml 为主推，面膜 20 片装引流；预热视频借用“通勤包补妆小物”选题。口播只讲成分和实测数据，不用极限词；价格以运营确认的活动价表为准。"},
	{brand: 0, kol: "xiaoke", campaign: "coupon-xhs", idea: "rose-toner", status: collaboration.StatusDELIVERED, fee: 18_000, rate: 0.15, gmv: 96_500,
		deliverables: []string{"1 篇图文笔记", "置顶评论挂新品尝鲜券"},
		brief:        "新品上新种草笔记，讲玫瑰精华水的成分和 28 天实测，文末引导领取新品尝鲜券。"},
	{brand: 0, kol: "mianmian", idea: "oily-diary", status: collaboration.StatusIN_PROGRESS, rate: 0.10,
		deliverables: []string{"1 篇 28 天使用记录笔记"},
		brief:        "寄样置换：氨基酸洁面乳正装 2 支，28 天记录，按真实体验写，不要求正面评价。"},
	{brand: 0, kol: "aqiao", campaign: "flash-douyin", status: collaboration.StatusCONFIRMED, fee: 3_000, rate: 0.15,
		deliverables: []string{"1 条短视频", "直播间连麦 15 分钟"},
		brief:        "秒杀场预热视频，挂小黄车；连麦时讲面膜用法。"},
	{brand: 0, kol: "xingxing", campaign: "member-day", status: collaboration.StatusPROPOSED, fee: 60_000, rate: 0.25,
		deliverables: []string{"会员日直播间 1 个坑位"},
		brief:        "会员日坑位报价中：主推修护面霜，要求保价 15 天。"},
	{brand: 0, kol: "xiaoke", campaign: "xmas-draft", status: collaboration.StatusPROPOSED, fee: 20_000, rate: 0.15,
		deliverables: []string{"1 篇礼盒开箱笔记"},
		brief:        "圣诞礼盒开箱，档期待定。"},
	{brand: 1, kol: "chihuo", campaign: "bargain-douyin", status: collaboration.StatusPAID, fee: 80_000, rate: 0.18, gmv: 541_200,
		deliverables: []string{"1 场直播专场", "1 条砍价玩法讲解视频"},
		brief:        "坚果礼盒砍价活动专场，讲清砍价规则和截止时间；配料表口播，不做健康功效承诺。"},
	{brand: 1, kol: "laozhang", idea: "coldbrew-howto", status: collaboration.StatusDELIVERED, fee: 9_000, rate: 0.18, gmv: 62_300,
		deliverables: []string{"1 条短视频"},
		brief:        "冷萃咖啡液三种喝法，视频挂商品链接。"},
	{brand: 1, kol: "yeye", campaign: "new-customer-xhs", idea: "camping-snacks", status: collaboration.StatusIN_PROGRESS, fee: 12_000, rate: 0.15,
		deliverables: []string{"1 条视频笔记", "1 篇图文笔记"},
		brief:        "露营场景种草，引导新客领取首单立减。"},
	{brand: 1, kol: "gongwei", idea: "desk-topic", status: collaboration.StatusCONFIRMED, rate: 0.10,
		deliverables: []string{"参与话题 1 篇"},
		brief:        "寄样挂耳咖啡 10 袋，带话题 #打工人早八咖啡 发布。"},
	{brand: 1, kol: "nana", campaign: "group-buy-taobao", status: collaboration.StatusCANCELLED, fee: 1_500, rate: 0.12,
		deliverables: []string{"1 条淘宝逛逛短视频"},
		brief:        "达人档期冲突，已取消；坑位费未支付。"},
	{brand: 1, kol: "chihuo", campaign: "double12", idea: "stockup-live", status: collaboration.StatusCONFIRMED, fee: 100_000, rate: 0.20,
		deliverables: []string{"1 场直播专场"},
		brief:        "双12 年终囤货专场，排品以挂耳 30 袋和每日坚果 30 袋为主。"},
}
