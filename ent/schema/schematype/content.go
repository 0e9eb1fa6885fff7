package schematype

import "fmt"

// ContentFormat is a 多格式适配 variant of a piece of content.
type ContentFormat string

// Formats a variant may take.
const (
	FormatVertical  ContentFormat = "VERTICAL_9_16"
	FormatSquare    ContentFormat = "SQUARE_1_1"
	FormatLandscape ContentFormat = "LANDSCAPE_16_9"
	FormatLongImage ContentFormat = "LONG_IMAGE"
)

// ContentVariant is one rendition of a piece of content with its alt text (无障碍文字描述).
type ContentVariant struct {
	Format  ContentFormat `json:"format"`
	URL     string        `json:"url"`
	AltText string        `json:"altText"`
	// AssetID is the library asset the variant uses (its licence and model
	// release are checked on submit); nil when none.
	AssetID *int `json:"assetId,omitempty"`
}

// ComplianceOverride is one of an organization's compliance terms: an added
// term, or a built-in term relaxed.
type ComplianceOverride struct {
	Term       string `json:"term"`
	Relax      bool   `json:"relax,omitempty"`
	Severity   string `json:"severity,omitempty"`
	Suggestion string `json:"suggestion,omitempty"`
}

// ContentCadence is a store's publishing cadence target (发布节奏). Zero
// values take the playbook defaults (content.DefaultCadence).
type ContentCadence struct {
	WeekdayPosts   int      `json:"weekdayPosts"`
	WeekendPosts   int      `json:"weekendPosts"`
	DeepOnWeekends bool     `json:"deepOnWeekends"`
	Slots          []string `json:"slots,omitempty"`
}

// StyleGuide is a brand's 内容风格指南: value proposition, persona, tone, colours and fonts.
type StyleGuide struct {
	ValueProposition string   `json:"valueProposition,omitempty"`
	AudiencePersona  string   `json:"audiencePersona,omitempty"`
	Tone             string   `json:"tone,omitempty"`
	PantoneColors    []string `json:"pantoneColors,omitempty"`
	Fonts            []string `json:"fonts,omitempty"`
}

// ParseSlot reads a posting window "HH:MM-HH:MM" (24:00 allowed as its end)
// into minutes after midnight.
func ParseSlot(s string) (start, end int, err error) {
	var h1, m1, h2, m2 int
	if _, err := fmt.Sscanf(s, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil {
		return 0, 0, fmt.Errorf("slot %q: want HH:MM-HH:MM", s)
	}
	start, end = h1*60+m1, h2*60+m2
	if h1 < 0 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59 || start >= end || end > 24*60 {
		return 0, 0, fmt.Errorf("slot %q: want a window within 00:00-24:00", s)
	}
	return start, end, nil
}

// Validate checks the counts (0–20 per day) and the slots.
func (c ContentCadence) Validate() error {
	if c.WeekdayPosts < 0 || c.WeekdayPosts > 20 {
		return FieldErr("contentCadence.weekdayPosts", "must be 0 to 20")
	}
	if c.WeekendPosts < 0 || c.WeekendPosts > 20 {
		return FieldErr("contentCadence.weekendPosts", "must be 0 to 20")
	}
	if len(c.Slots) > 24 {
		return FieldErr("contentCadence.slots", "at most 24 slots")
	}
	for i, s := range c.Slots {
		if _, _, err := ParseSlot(s); err != nil {
			return FieldErr(fmt.Sprintf("contentCadence.slots[%d]", i), "%s", err.Error())
		}
	}
	return nil
}
