package compliance

import (
	"strings"
	"testing"
)

// BenchmarkCheckBody checks a 2,000-character body, the size of a long
// Xiaohongshu note, as an editor's keystroke check would.
func BenchmarkCheckBody(b *testing.B) {
	body := strings.Repeat("最近在用的玫瑰精华水，第一次用就爱上，温和补水不刺激。", 80)[:6000]
	ctx := Context{ProductCategory: CategoryCosmetics, RegistrationType: RegistrationCosmeticFiled}
	for b.Loop() {
		Default.Check(body, ctx)
	}
}
