package compliance

// Severity grades a finding.
type Severity string

// Severities: A must be removed (absolute or medical claim, or a legal
// requirement unmet); B needs evidence on file (patent, certificate, award,
// registration); C is wording to review (comparatives, time promises,
// inducements).
const (
	SeverityA Severity = "A"
	SeverityB Severity = "B"
	SeverityC Severity = "C"
)

// Category says which rule a term belongs to.
type Category string

// Rule categories.
const (
	Absolute        Category = "ABSOLUTE"         // 广告法 第九条第（三）项 极限用语
	Authority       Category = "AUTHORITY"        // 国家机关名义, 免检, 特供/专供, 驰名商标
	Medical         Category = "MEDICAL"          // medical terms and disease claims, any product
	Efficacy        Category = "EFFICACY"         // guaranteed results (100%有效, 无副作用)
	Evidence        Category = "EVIDENCE"         // claims that need a document on file
	Comparative     Category = "COMPARATIVE"      // 优于, 超过, 击败
	TimePromise     Category = "TIME_PROMISE"     // 立即见效, 立竿见影
	Inducement      Category = "INDUCEMENT"       // 秒杀, 错过不再, 点击领奖
	SpecialCosmetic Category = "SPECIAL_COSMETIC" // 美白/祛斑/防晒/防脱/染烫: 特殊化妆品 only
	HealthFunction  Category = "HEALTH_FUNCTION"  // 保健功能: 保健食品 (蓝帽子) only
	Contact         Category = "CONTACT"          // platform rule: no diversion to WeChat/QQ/phone
	Disclosure      Category = "DISCLOSURE"       // 互联网广告管理办法 2023: "广告" label
	Custom          Category = "CUSTOM"           // an organization's own term
)

// Source keys; docs/compliance.md cites each one.
const (
	SrcAdLaw9       = "adlaw-art9"       // 《广告法》第九条
	SrcHC360        = "hc360-list"       // hc360.com published 极限词 list
	SrcUianet       = "uianet-2024"      // 新广告法禁用词 re-publication
	SrcFajing       = "fajing-abc"       // fajing-business-shield A/B/C model
	SrcNaming       = "cosmetics-naming" // 化妆品命名指南
	SrcLabel        = "cosmetics-label"  // 化妆品标签标识禁用语清单
	SrcSpecial      = "bj-samr-2022"     // 北京市市场监管局: 特殊化妆品 需注册
	SrcFood         = "samr-cca-food"    // SAMR + 中消协 food notice
	SrcInternetAd   = "internet-ad-2023" // 《互联网广告管理办法》(2023)
	SrcPlatform     = "platform-rules"   // platform diversion rules (PLATFORM_BANNED lists)
	SrcTrademark    = "trademark-art14"  // 《商标法》第十四条: no "驰名商标" in ads
	SrcOrganization = "organization"     // added by the organization
)

// Term is one entry of the term list.
type Term struct {
	Text       string
	Severity   Severity
	Category   Category
	Suggestion string
	Source     string
}

var defaultSuggestion = map[Category]string{
	Absolute:        "删除极限用语，改用可证实的具体描述（如成分、规格、用户评价）",
	Authority:       "删除国家机关名义、免检或特供等权威性用语",
	Medical:         "删除医疗用语或疾病功效宣称；非药品不得宣称治疗作用",
	Efficacy:        "删除功效保证，改为客观描述并标注个体差异",
	Evidence:        "在资质库中备案对应证明（专利号、证书、获奖文件）后再发布，或删除",
	Comparative:     "避免与他人商品比较或贬低，改为描述自身特点",
	TimePromise:     "删除见效时间承诺",
	Inducement:      "检查诱导性用语，避免制造紧迫感或诱导点击",
	SpecialCosmetic: "仅特殊化妆品（特字号注册）可宣称；普通化妆品请删除该功效",
	HealthFunction:  "仅保健食品（蓝帽子注册）可宣称保健功能；普通食品请删除",
	Contact:         "删除站外联系方式，使用平台内客服与私信",
	Disclosure:      "在标题或正文显著位置标明“广告”",
	Custom:          "按本组织规范修改",
}

func terms(sev Severity, cat Category, src string, texts ...string) []Term {
	out := make([]Term, len(texts))
	for i, t := range texts {
		out[i] = Term{Text: t, Severity: sev, Category: cat, Source: src}
	}
	return out
}

// builtinTerms is the built-in list. Every entry comes from a source in
// docs/compliance.md; the selection drops words that the sources list but
// that flag ordinary text far more often than claims (正品, 高级, 精确, 资深,
// 完美, 首次), and puts inducements in their own category so that campaign
// names such as 秒杀 are not flagged.
var builtinTerms = join(
	// 广告法 第九条第（三）项 and the published lists derived from it.
	terms(SeverityA, Absolute, SrcHC360,
		"最", "最佳", "最具", "最好", "最大", "最高", "最高级", "最高档", "最高端", "最低", "最低价", "最便宜",
		"最先进", "最优", "最优秀", "最强", "最受欢迎", "最流行", "最新技术", "最有效",
		"史上最低价", "第一", "第1", "中国第一", "全网第一", "销量第一", "排名第一", "全国第一", "世界第一",
		"全球第一", "行业第一", "第一品牌", "no1", "top1", "唯一", "独一无二", "绝无仅有", "一流",
		"国家级", "全球级", "宇宙级", "世界级", "顶级", "顶尖", "尖端", "极品", "极佳", "绝佳", "绝对",
		"终极", "极致", "首个", "首选", "首家", "全网首发", "全国首发", "全球首发", "独家", "销量冠军",
		"全国销量冠军", "王牌", "领袖品牌", "世界领先", "遥遥领先", "领导品牌", "之王", "王者",
		"史无前例", "前无古人", "空前绝后", "无与伦比", "首屈一指", "万能", "无敌", "填补国内空白",
		"秒杀全网", "全网最低价", "全网底价", "永久"),
	terms(SeverityA, Authority, SrcHC360, "国家免检", "质量免检", "免抽检", "特供", "专供", "国家领导人推荐"),
	terms(SeverityA, Authority, SrcTrademark, "驰名商标", "中国驰名商标"),
	terms(SeverityA, Efficacy, SrcFajing, "100%有效", "百分百有效", "百分之百有效", "无效退款",
		"安全无毒", "无副作用", "无任何副作用", "永不复发", "保证有效", "药到病除"),
	// Medical words: never allowed outside drugs and devices, whatever the product.
	terms(SeverityA, Medical, SrcNaming, "处方", "药方", "药用", "医疗", "医治", "治疗", "抗菌", "抑菌",
		"除菌", "灭菌", "消炎", "抗炎", "活血", "解毒", "抗敏", "防敏", "脱敏", "生发", "止脱", "溶脂",
		"华佗", "李时珍"),
	terms(SeverityA, Medical, SrcLabel, "药妆", "医学护肤品", "治愈", "愈合", "杀菌", "排毒",
		"激素", "干细胞", "细胞修复", "黄褐斑", "妊娠纹", "病理性脱发", "斑秃"),
	terms(SeverityA, Medical, SrcFajing, "根治", "根除", "特效", "神效", "奇效", "秘方", "包治"),
	terms(SeverityA, Medical, SrcFood, "降血压", "降血糖", "降血脂", "抗癌", "防癌", "治癌", "预防疾病"),
	// Evidence on file.
	terms(SeverityB, Evidence, SrcFajing, "专利", "发明专利", "认证", "权威认证", "iso", "获奖", "金奖",
		"著名商标", "老字号", "国家标准", "行业标准", "市场占有率", "冠军", "100%", "百分之百", "百分百"),
	// Wording to review.
	terms(SeverityC, Comparative, SrcFajing, "优于", "胜过", "强于", "击败", "打败", "秒杀同行"),
	terms(SeverityC, TimePromise, SrcFajing, "立即见效", "立竿见影", "瞬间见效", "一次见效", "三天见效", "七天见效"),
	terms(SeverityC, Inducement, SrcHC360, "秒杀", "限时抢购", "错过不再", "再不抢就没了", "不会再便宜",
		"万人疯抢", "全民疯抢", "点击领奖", "恭喜获奖", "全民免单", "点击有惊喜", "最后一波"),
	terms(SeverityC, HealthFunction, SrcFood, "养生", "调理"),
	// Category rules: the severity depends on the product (see categoryRule).
	terms(SeverityA, SpecialCosmetic, SrcSpecial, "美白", "祛斑", "淡斑", "去斑", "防晒", "spf", "防脱",
		"防脱发", "染发", "烫发"),
	terms(SeverityA, HealthFunction, SrcFood, "增强免疫力", "提高免疫力", "改善睡眠", "助眠", "缓解疲劳",
		"护肝", "减肥", "瘦身", "燃脂", "增高", "抗衰老", "改善记忆", "调节血脂"),
	// Platform rule: no diversion off the platform.
	terms(SeverityA, Contact, SrcPlatform, "加微信", "微信号", "加v", "加vx", "vx", "v信", "wx", "薇信",
		"威信", "加薇", "qq号", "加qq", "qq群", "扣扣", "私信我", "打开淘宝", "打开拼多多"),
)

// benign are ordinary words that contain a term but make no claim: ordinals
// (第一次), time words (最近, 最后一天), identifiers (唯一码). A match lying
// inside one of them is dropped. 高端 needs no entry: only 最高端 is a term.
var benign = join2(
	[]string{"最近", "最初", "最终", "最少", "最后一天", "最后一次", "最后一步", "最后一页",
		"唯一码", "唯一标识", "唯一编号", "唯一识别码", "一流程", "一流量", "最新一期", "产生发",
		"特效妆", "视频特效", "特效滤镜",
		// Negated medical words in disclaimers, including the one 保健食品 must carry.
		"不做医疗", "非医疗", "不能代替药物治疗", "不代替药物治疗", "不能替代药物治疗"},
	ordinals("第一"), ordinals("第1"),
)

// measures follow an ordinal 第N: 第一次, 第一步, 第一天 …
const measures = "次步天日期周季章节篇集弹批眼口课讲件站轮回届层部"

// ordinals lists prefix + measure words.
func ordinals(prefix string) []string {
	var out []string
	for _, m := range measures {
		out = append(out, prefix+string(m))
	}
	return out
}

func join(parts ...[]Term) []Term {
	var out []Term
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func join2(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Builtin returns a copy of the built-in term list.
func Builtin() []Term { return append([]Term(nil), builtinTerms...) }
