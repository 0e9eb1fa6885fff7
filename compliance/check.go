// Package compliance checks customer-facing texts against the Advertising Law
// (广告法, article 9 absolute claims), the cosmetics and food claim rules, the
// 2023 Internet Advertising Measures (the 广告 label) and platform rules
// (contact diversion). Terms are data (terms.go, sources in docs/compliance.md);
// texts are normalized before matching and context decides what is a claim.
package compliance

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Surface is where a text is shown to customers.
type Surface string

// Surfaces. Inducement wording (秒杀, 限时抢购) is a campaign's name, so it is
// not flagged on CAMPAIGN texts.
const (
	SurfaceContent      Surface = "CONTENT"
	SurfaceStoreProfile Surface = "STORE_PROFILE"
	SurfaceAutoReply    Surface = "AUTO_REPLY"
	SurfaceProduct      Surface = "PRODUCT"
	SurfaceCampaign     Surface = "CAMPAIGN"
)

// Product categories and registration types, as recorded on products.
const (
	CategoryGeneral   = "GENERAL"
	CategoryCosmetics = "COSMETICS"
	CategoryFood      = "FOOD"

	RegistrationNone            = "NONE"
	RegistrationCosmeticFiled   = "COSMETIC_FILED"   // 普通化妆品 备案 (妆字号)
	RegistrationCosmeticSpecial = "COSMETIC_SPECIAL" // 特殊化妆品 注册 (特字号)
	RegistrationHealthFood      = "HEALTH_FOOD"      // 保健食品 (蓝帽子)
)

// Context is what the check knows besides the text.
type Context struct {
	Surface Surface
	// ProductCategory and RegistrationType of the product the text sells; ""
	// when unknown.
	ProductCategory  string
	RegistrationType string
	// HasPurchaseLink and KOLCollaboration make the text an advertisement that
	// must say "广告". A purchase link in the text itself is detected anyway.
	HasPurchaseLink  bool
	KOLCollaboration bool
}

// Finding is one problem in a text.
type Finding struct {
	Field string // which field (title, body, tags[0] …); "" for a single text
	Term  string // the listed term
	// Matched is the text as written (with its spaces, full-width or
	// traditional characters); Start and End are its rune offsets in the
	// field, both -1 for a missing disclosure.
	Matched    string
	Start, End int
	Severity   Severity
	Category   Category
	Suggestion string
	Source     string
}

// Override is an organization's change to the list: an added term, or a
// built-in term relaxed (not flagged). Medical terms and the disclosure rule
// cannot be relaxed: the law allows no exception for them.
type Override struct {
	Term       string
	Relax      bool
	Severity   Severity
	Suggestion string
}

// Checker matches texts against a term list.
type Checker struct {
	terms  []Term
	norm   []string // normalized term texts, parallel to terms
	benign []string
}

// Default is the checker with the built-in list only.
var Default = New(nil)

// New returns a checker with the built-in list changed by an organization's
// overrides.
func New(overrides []Override) *Checker {
	relaxed := map[string]bool{}
	var extra []Term
	for _, o := range overrides {
		if o.Relax {
			relaxed[normTerm(o.Term)] = true
			continue
		}
		sev := o.Severity
		if sev == "" {
			sev = SeverityC
		}
		extra = append(extra, Term{Text: o.Term, Severity: sev, Category: Custom, Suggestion: o.Suggestion, Source: SrcOrganization})
	}
	c := &Checker{}
	for _, t := range append(Builtin(), extra...) {
		n := normTerm(t.Text)
		if n == "" || (relaxed[n] && t.Category != Medical && t.Source != SrcOrganization) {
			continue
		}
		c.terms = append(c.terms, t)
		c.norm = append(c.norm, n)
	}
	for _, b := range benign {
		c.benign = append(c.benign, normTerm(b))
	}
	return c
}

// Relaxable reports whether a term may be relaxed by an organization.
func Relaxable(term string) bool {
	n := normTerm(term)
	for _, t := range builtinTerms {
		if normTerm(t.Text) == n && t.Category == Medical {
			return false
		}
	}
	return n != ""
}

// Field is one named text of a record.
type Field struct {
	Name string
	Text string
}

// Check checks one text, including the disclosure rule.
func (c *Checker) Check(text string, ctx Context) []Finding {
	return c.CheckFields([]Field{{Text: text}}, ctx)
}

// CheckFields checks the texts of one record. The disclosure rule looks at
// the record as a whole: "广告" in any field (title, body or tags) is enough.
func (c *Checker) CheckFields(fields []Field, ctx Context) []Finding {
	var out []Finding
	advert, disclosed := ctx.HasPurchaseLink || ctx.KOLCollaboration, false
	for _, f := range fields {
		out = append(out, c.match(f, ctx)...)
		if HasPurchaseLink(f.Text) {
			advert = true
		}
		if strings.Contains(string(normalize(f.Text).runes), "广告") {
			disclosed = true
		}
	}
	if advert && !disclosed {
		out = append(out, Finding{Term: "广告", Start: -1, End: -1, Severity: SeverityA, Category: Disclosure,
			Suggestion: defaultSuggestion[Disclosure], Source: SrcInternetAd})
	}
	return out
}

type hit struct {
	term       int // index in c.terms, -1 for a phone number
	start, end int // in normalized runes
}

func (c *Checker) match(f Field, ctx Context) []Finding {
	n := normalize(f.Text)
	orig := []rune(f.Text)
	s := string(n.runes)
	// runeAt maps the byte offset of each rune of s to its rune offset.
	runeAt := make([]int, len(s)+1)
	r := 0
	for i := range len(s) {
		if utf8.RuneStart(s[i]) {
			runeAt[i] = r
			r++
		}
	}
	runeAt[len(s)] = r
	var hits []hit
	for i, t := range c.norm {
		for _, at := range indexAll(s, t) {
			st := runeAt[at]
			h := hit{term: i, start: st, end: st + len([]rune(t))}
			if boundaryOK(orig, n, h) && !ordinalList(n.runes, t, h.end) {
				hits = append(hits, h)
			}
		}
	}
	for _, loc := range phoneRe.FindAllStringSubmatchIndex(s, -1) {
		st := runeAt[loc[2]]
		hits = append(hits, hit{term: -1, start: st, end: st + 11})
	}
	var benignSpans [][2]int
	for _, b := range c.benign {
		for _, at := range indexAll(s, b) {
			st := runeAt[at]
			benignSpans = append(benignSpans, [2]int{st, st + len([]rune(b))})
		}
	}
	// Longest match first at each position; drop matches inside a kept match
	// (最 inside 最高端) or inside an ordinary word (第一 inside 第一次).
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].start != hits[j].start {
			return hits[i].start < hits[j].start
		}
		return hits[i].end > hits[j].end
	})
	var kept []hit
	for _, h := range hits {
		inside := func(a, b int) bool { return a <= h.start && h.end <= b }
		drop := false
		for _, k := range kept {
			if inside(k.start, k.end) {
				drop = true
				break
			}
		}
		for _, b := range benignSpans {
			if !drop && inside(b[0], b[1]) {
				drop = true
			}
		}
		if !drop {
			kept = append(kept, h)
		}
	}
	var out []Finding
	for _, h := range kept {
		var t Term
		if h.term < 0 {
			t = Term{Text: "手机号", Severity: SeverityA, Category: Contact, Source: SrcPlatform}
		} else {
			t = c.terms[h.term]
		}
		sev, ok := rule(t, ctx)
		if !ok {
			continue
		}
		start, end := n.pos[h.start], n.pos[h.end-1]+1
		sugg := t.Suggestion
		if sugg == "" {
			sugg = defaultSuggestion[t.Category]
		}
		if t.Category == SpecialCosmetic || t.Category == HealthFunction {
			sugg = categorySuggestion(t.Category, ctx)
		}
		out = append(out, Finding{Field: f.Name, Term: t.Text, Matched: string(orig[start:end]), Start: start, End: end,
			Severity: sev, Category: t.Category, Suggestion: sugg, Source: t.Source})
	}
	return out
}

// rule applies the surface and the product category to a term's severity;
// false means the term is allowed here.
func rule(t Term, ctx Context) (Severity, bool) {
	switch t.Category {
	case Inducement:
		return t.Severity, ctx.Surface != SurfaceCampaign
	case SpecialCosmetic:
		switch ctx.ProductCategory {
		case CategoryCosmetics:
			if ctx.RegistrationType == RegistrationCosmeticSpecial {
				return "", false
			}
			return SeverityA, true
		case CategoryFood:
			return SeverityA, true
		}
		return SeverityB, true // unknown product: the registration must be on file
	case HealthFunction:
		if t.Severity == SeverityC { // buzzwords 养生, 调理: review only on food
			return SeverityC, ctx.ProductCategory == CategoryFood
		}
		switch ctx.ProductCategory {
		case CategoryFood:
			if ctx.RegistrationType == RegistrationHealthFood {
				return "", false
			}
			return SeverityA, true
		case CategoryCosmetics:
			return SeverityA, true // 减肥/瘦身 are medical effects for cosmetics
		}
		return SeverityB, true
	}
	return t.Severity, true
}

func categorySuggestion(cat Category, ctx Context) string {
	switch {
	case cat == SpecialCosmetic && ctx.ProductCategory == CategoryCosmetics:
		return "该商品为普通化妆品（备案），不得宣称美白、祛斑、防晒、防脱、染烫功效；删除或取得特殊化妆品注册"
	case cat == SpecialCosmetic:
		return "美白、祛斑、防晒、防脱、染烫仅特殊化妆品可宣称：关联已注册（特字号）的商品，或删除"
	case ctx.ProductCategory == CategoryFood:
		return "普通食品不得宣称保健功能；仅取得保健食品注册（蓝帽子）的商品可宣称，并标注批准文号"
	case ctx.ProductCategory == CategoryCosmetics:
		return "化妆品不得宣称减肥、瘦身等医疗作用，请删除"
	}
	return "保健功能仅保健食品（蓝帽子）可宣称：关联已注册的商品，或删除"
}

// boundaryOK rejects an ASCII term glued to more letters or digits of the
// same class in the original text (iso in isolation, top1 in top10), while
// letting separators through (vx:abc).
func boundaryOK(orig []rune, n normalized, h hit) bool {
	first, last := n.runes[h.start], n.runes[h.end-1]
	if isASCIIAlnum(first) {
		if p := n.pos[h.start] - 1; p >= 0 && sameClass(fold1(orig[p]), first) {
			return false
		}
	}
	if isASCIIAlnum(last) {
		if p := n.pos[h.end-1] + 1; p < len(orig) && sameClass(fold1(orig[p]), last) {
			return false
		}
	}
	return true
}

func fold1(r rune) rune {
	f, ok := fold(r)
	if !ok {
		return 0
	}
	return f
}

func isASCIIAlnum(r rune) bool { return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

func sameClass(a, b rune) bool {
	if !isASCIIAlnum(a) || !isASCIIAlnum(b) {
		return false
	}
	return unicode.IsDigit(a) == unicode.IsDigit(b)
}

// ordinalList reports whether a 第1/第一 match is the head of an ordinal
// list such as 第 1、14、28 天 (folded to 第11428天): numerals up to a
// measure word.
func ordinalList(text []rune, term string, end int) bool {
	if term != "第1" && term != "第一" {
		return false
	}
	for i := end; i < len(text); i++ {
		r := text[i]
		if unicode.IsDigit(r) || strings.ContainsRune("一二三四五六七八九十", r) {
			continue
		}
		return strings.ContainsRune(measures, r)
	}
	return false
}

// phoneRe finds mainland mobile numbers (contact diversion) in normalized text.
var phoneRe = regexp.MustCompile(`(?:^|[^0-9])(1[3-9][0-9]{9})(?:[^0-9]|$)`)

// purchaseRe finds purchase links: shop URLs, short links and 淘口令.
var purchaseRe = regexp.MustCompile(`(?i)(taobao\.com|tmall\.com|tb\.cn|jd\.com|3\.cn|yangkeduo\.com|pinduoduo\.com|jinritemai\.com|xiaohongshu\.com/goods|xhslink\.com|v\.douyin\.com|[¥￥€₤][A-Za-z0-9]{8,}[¥￥€₤]|购买链接|下单链接|商品链接|戳链接|点击链接购买|小黄车|左下角购买)`)

// HasPurchaseLink reports whether a text carries a way to buy: a shop link,
// a 淘口令 or a pointer to the cart.
func HasPurchaseLink(text string) bool { return purchaseRe.MatchString(text) }

func indexAll(s, sub string) []int {
	var out []int
	for off := 0; ; {
		i := strings.Index(s[off:], sub)
		if i < 0 {
			return out
		}
		out = append(out, off+i)
		off += i + len(sub[:1])
	}
}

// Counts tallies findings by severity.
func Counts(fs []Finding) (a, b, c int) {
	for _, f := range fs {
		switch f.Severity {
		case SeverityA:
			a++
		case SeverityB:
			b++
		default:
			c++
		}
	}
	return
}
