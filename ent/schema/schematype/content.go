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
}

// StyleGuide is a brand's 内容风格指南: value proposition, persona, tone, colours and fonts.
type StyleGuide struct {
	ValueProposition string   `json:"valueProposition,omitempty"`
	AudiencePersona  string   `json:"audiencePersona,omitempty"`
	Tone             string   `json:"tone,omitempty"`
	PantoneColors    []string `json:"pantoneColors,omitempty"`
	Fonts            []string `json:"fonts,omitempty"`
}
