package schematype

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
