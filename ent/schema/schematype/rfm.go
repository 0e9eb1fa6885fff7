package schematype

// RFMSetting is an organization's stored RFM configuration (insights.RFMConfig).
type RFMSetting struct {
	Mode        string  `json:"mode"`
	Quantile    float64 `json:"quantile,omitempty"`
	RecencyDays int     `json:"recencyDays,omitempty"`
	Frequency   int64   `json:"frequency,omitempty"`
	Monetary    int64   `json:"monetary,omitempty"`
	WindowDays  int     `json:"windowDays,omitempty"`
}
