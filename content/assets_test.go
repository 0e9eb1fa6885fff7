package content

import (
	"testing"
	"time"
)

func TestCheckVariants(t *testing.T) {
	video := map[int]Asset{7: {ID: 7, Name: "开箱视频", Kind: "VIDEO", Licence: "OWNED"}}
	cases := []struct {
		name  string
		vs    []Variant
		field string // "" = accepted
	}{
		{"valid", []Variant{{Format: "SQUARE_1_1", URL: "https://cdn.example/a.jpg", AltText: "面霜"}}, ""},
		{"not a url", []Variant{{Format: "SQUARE_1_1", URL: "not a url", AltText: "面霜"}}, "variants[0].url"},
		{"relative url", []Variant{{Format: "SQUARE_1_1", URL: "/a.jpg", AltText: "面霜"}}, "variants[0].url"},
		{"ftp url", []Variant{{Format: "SQUARE_1_1", URL: "ftp://x/a.jpg", AltText: "面霜"}}, "variants[0].url"},
		{"empty alt text", []Variant{{Format: "LONG_IMAGE", URL: "https://cdn.example/a.jpg", AltText: " "}}, "variants[0].altText"},
		{"second variant", []Variant{{Format: "SQUARE_1_1", URL: "https://a.example/1.jpg", AltText: "x"}, {Format: "VERTICAL_9_16", URL: "https://a.example/2.jpg"}}, "variants[1].altText"},
		{"video asset needs no alt text", []Variant{{Format: "VERTICAL_9_16", URL: "https://cdn.example/v.mp4", AssetID: 7}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckVariants(c.vs, video)
			got := ""
			if fe, ok := err.(*FieldError); ok {
				got = fe.Field
			}
			if got != c.field {
				t.Fatalf("CheckVariants = %v, want field %q", err, c.field)
			}
		})
	}
}

func TestCheckAssets(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(24*time.Hour)
	assets := map[int]Asset{
		1: {ID: 1, Name: "自拍产品图", Licence: "OWNED"},
		2: {ID: 2, Name: "图库模特照", Licence: "NONE"},
		3: {ID: 3, Name: "过期授权图", Licence: "LICENSED", Expires: &past},
		4: {ID: 4, Name: "模特试用照", Licence: "COMMISSIONED", ShowsPeople: true},
		5: {ID: 5, Name: "签约模特照", Licence: "COMMISSIONED", ShowsPeople: true, Release: true, Expires: &future},
	}
	cases := []struct {
		name  string
		asset int
		want  string // "" = accepted
	}{
		{"owned", 1, ""},
		{"no licence", 2, `variants[0].assetID: asset "图库模特照" has no licence on file`},
		{"expired", 3, `variants[0].assetID: asset "过期授权图": licence expired on 2026-05-31`},
		{"people without release", 4, `variants[0].assetID: asset "模特试用照" shows people and has no model release (肖像授权) on file`},
		{"people with release, licence valid", 5, ""},
		{"unknown asset", 9, "variants[0].assetID: asset not found"},
		{"no asset", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckAssets([]Variant{{URL: "https://a.example/x.jpg", AltText: "x", AssetID: c.asset}}, assets, now)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Fatalf("CheckAssets = %q, want %q", got, c.want)
			}
		})
	}
}
