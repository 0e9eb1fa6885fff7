package compliance

import (
	"unicode"
)

// normalized is a text folded for matching, with each folded rune's position
// in the original text (in runes), so that findings point at what the editor
// typed rather than at the folded form.
type normalized struct {
	runes []rune
	pos   []int // pos[i] = index in the original runes of runes[i]
}

// normalize folds the evasions editors and sellers use to slip a term past a
// substring check: full-width forms (Ｎｏ．１, １００％), traditional characters
// (國家級), letter case (Top1), and spaces, zero-width characters and
// punctuation inserted between characters (第 一, 最·佳, 顶\u200b尖). The
// percent sign is kept: it carries meaning (100%).
func normalize(s string) normalized {
	var n normalized
	i := 0
	for _, r := range s {
		if f, keep := fold(r); keep {
			n.runes = append(n.runes, f)
			n.pos = append(n.pos, i)
		}
		i++
	}
	return n
}

// fold returns r folded, and false when r is ignorable between characters.
func fold(r rune) (rune, bool) {
	switch {
	case r == 0x3000: // ideographic space
		return 0, false
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
	}
	if s, ok := t2s[r]; ok {
		r = s
	}
	if r == '%' || r == '+' {
		return r, true
	}
	if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
		return 0, false
	}
	return unicode.ToLower(r), true
}

// normTerm folds a term the way texts are folded.
func normTerm(s string) string { return string(normalize(s).runes) }

// t2s maps the traditional characters that occur in the built-in terms (and in
// their common evasions) to simplified ones. It is deliberately limited to the
// characters the terms need: a full conversion table belongs in a library, and
// matching only needs the terms' characters to agree.
var t2s = map[rune]rune{
	'國': '国', '級': '级', '醫': '医', '療': '疗', '癒': '愈', '銷': '销', '頂': '顶', '獨': '独', '無': '无', '極': '极', '絕': '绝', '對': '对',
	'萬': '万', '網': '网', '發': '发', '髮': '发', '藥': '药', '膚': '肤', '時': '时', '專': '专', '賣': '卖', '價': '价', '優': '优', '權': '权',
	'質': '质', '證': '证', '認': '认', '獎': '奖', '華': '华', '傳': '传', '號': '号', '廣': '广', '維': '维', '脫': '脱', '狀': '状', '敵': '敌',
	'檔': '档', '準': '准', '標': '标', '經': '经', '濟': '济', '長': '长', '勝': '胜', '擊': '击', '敗': '败', '過': '过', '強': '强', '領': '领',
	'導': '导', '馳': '驰', '歷': '历', '聖': '圣', '產': '产', '業': '业', '體': '体', '癢': '痒', '斂': '敛', '癥': '症', '瘡': '疮', '癬': '癣',
	'腫': '肿', '痠': '酸', '殺': '杀', '潔': '洁', '營': '营', '養': '养', '飲': '饮', '壓': '压', '減': '减', '腸': '肠', '腎': '肾', '補': '补',
	'氣': '气', '聯': '联', '繫': '系', '係': '系', '電': '电', '話': '话', '購': '购', '買': '买', '鏈': '链', '連': '连', '結': '结', '貨': '货',
	'錯': '错', '僅': '仅', '搶': '抢', '瘋': '疯', '機': '机', '會': '会', '點': '点', '贏': '赢', '實': '实', '驗': '验', '測': '测', '選': '选',
	'為': '为', '們': '们', '紀': '纪', '錄': '录', '創': '创', '獲': '获', '顯': '显', '見': '见', '數': '数', '據': '据', '龍': '龙', '億': '亿',
	'舉': '举', '適': '适', '應': '应', '當': '当', '處': '处', '紋': '纹', '曬': '晒', '蕩': '荡', '燙': '烫', '頭': '头', '顏': '颜', '廠': '厂',
	'愛': '爱', '將': '将', '從': '从', '這': '这', '後': '后', '個': '个', '兒': '儿', '碼': '码',
}
