// Package compliance holds the content checks that run before compliance review
// (法务审核): the Advertising Law's (广告法, article 9) ban on absolute claims.
package compliance

import (
	"sort"
	"strings"
)

// bannedTerms are absolute claims that 广告法 art. 9(3) forbids in ads
// (使用"国家级"、"最高级"、"最佳"等用语), as listed in platform rule summaries.
var bannedTerms = []string{
	"国家级", "世界级", "最高级", "最佳", "最好", "最低价", "最便宜", "最先进", "最优", "最强",
	"第一", "唯一", "首个", "首选", "顶级", "极致", "绝对", "万能", "100%有效", "永久",
	"全网第一", "销量第一", "独一无二", "史无前例", "无敌",
}

// Finding is one banned term found in a text.
type Finding struct {
	Term  string
	Field string // which field of the content it was found in
}

// CheckAdLaw returns the banned absolute claims found in the given fields
// (field name → text), sorted by field then term.
func CheckAdLaw(fields map[string]string) []Finding {
	var out []Finding
	for field, text := range fields {
		for _, t := range bannedTerms {
			if strings.Contains(text, t) {
				out = append(out, Finding{Term: t, Field: field})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Field != out[j].Field {
			return out[i].Field < out[j].Field
		}
		return out[i].Term < out[j].Term
	})
	return out
}
