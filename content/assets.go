package content

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Variant is a rendition of a piece of content (多格式适配).
type Variant struct {
	Format  string // VERTICAL_9_16, SQUARE_1_1, LANDSCAPE_16_9, LONG_IMAGE
	URL     string
	AltText string
	AssetID int // 0: no library asset
}

// Asset is what the submit check needs to know of a library asset.
type Asset struct {
	ID          int
	Name        string
	Kind        string // IMAGE or VIDEO
	Licence     string // NONE, OWNED, COMMISSIONED, LICENSED, ROYALTY_FREE, CREATIVE_COMMONS
	Expires     *time.Time
	ShowsPeople bool
	Release     bool // model release on file
}

// FieldError is a problem with one input field.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidURL reports whether s is an absolute http(s) URL with a host.
func ValidURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

// isImage: square and long-image renditions are images; the others are
// images unless their asset is a video.
func isImage(v Variant, assets map[int]Asset) bool {
	if a, ok := assets[v.AssetID]; ok && v.AssetID != 0 {
		return a.Kind != "VIDEO"
	}
	return true
}

// CheckVariants validates renditions as typed: URLs must be http(s) URLs and
// image renditions need alt text (无障碍文字描述). assets may be nil.
func CheckVariants(vs []Variant, assets map[int]Asset) error {
	for i, v := range vs {
		if !ValidURL(v.URL) {
			return &FieldError{Field: fmt.Sprintf("variants[%d].url", i), Message: "must be an http or https URL"}
		}
		if isImage(v, assets) && strings.TrimSpace(v.AltText) == "" {
			return &FieldError{Field: fmt.Sprintf("variants[%d].altText", i), Message: "image variants need alt text (无障碍文字描述)"}
		}
	}
	return nil
}

// CheckAssets refuses renditions whose asset has no licence, an expired one,
// or shows people without a model release on file, naming the asset.
func CheckAssets(vs []Variant, assets map[int]Asset, now time.Time) error {
	for i, v := range vs {
		if v.AssetID == 0 {
			continue
		}
		field := fmt.Sprintf("variants[%d].assetID", i)
		a, ok := assets[v.AssetID]
		if !ok {
			return &FieldError{Field: field, Message: "asset not found"}
		}
		switch {
		case a.Licence == "" || a.Licence == "NONE":
			return &FieldError{Field: field, Message: fmt.Sprintf("asset %q has no licence on file", a.Name)}
		case a.Expires != nil && !a.Expires.After(now):
			return &FieldError{Field: field, Message: fmt.Sprintf("asset %q: licence expired on %s", a.Name, a.Expires.Format("2006-01-02"))}
		case a.ShowsPeople && !a.Release:
			return &FieldError{Field: field, Message: fmt.Sprintf("asset %q shows people and has no model release (肖像授权) on file", a.Name)}
		}
	}
	return nil
}
