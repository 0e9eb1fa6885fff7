package insights

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Segment is one of the 8 RFM customer segments.
type Segment string

// The 8 segments, by recency (近/远), frequency (高/低) and monetary (高/低).
const (
	ImportantValue   Segment = "IMPORTANT_VALUE"    // 重要价值: recent, high F, high M
	ImportantRetain  Segment = "IMPORTANT_RETAIN"   // 重要保持: not recent, high F, high M
	ImportantDevelop Segment = "IMPORTANT_DEVELOP"  // 重要发展: recent, low F, high M
	ImportantWinBack Segment = "IMPORTANT_WIN_BACK" // 重要挽留: not recent, low F, high M
	GeneralValue     Segment = "GENERAL_VALUE"      // 一般价值: recent, high F, low M
	GeneralRetain    Segment = "GENERAL_RETAIN"     // 一般保持: not recent, high F, low M
	GeneralDevelop   Segment = "GENERAL_DEVELOP"    // 一般发展: recent, low F, low M
	GeneralWinBack   Segment = "GENERAL_WIN_BACK"   // 一般挽留: not recent, low F, low M
)

// Segments lists the 8 segments in the canonical order.
var Segments = []Segment{ImportantValue, ImportantRetain, ImportantDevelop, ImportantWinBack,
	GeneralValue, GeneralRetain, GeneralDevelop, GeneralWinBack}

// SegmentNames are the Chinese names.
var SegmentNames = map[Segment]string{
	ImportantValue: "重要价值客户", ImportantRetain: "重要保持客户", ImportantDevelop: "重要发展客户", ImportantWinBack: "重要挽留客户",
	GeneralValue: "一般价值客户", GeneralRetain: "一般保持客户", GeneralDevelop: "一般发展客户", GeneralWinBack: "一般挽留客户",
}

// SegmentOf maps the three bits to a segment (DOMAIN.md §3.1).
func SegmentOf(recent, highF, highM bool) Segment {
	switch {
	case highM && highF && recent:
		return ImportantValue
	case highM && highF:
		return ImportantRetain
	case highM && recent:
		return ImportantDevelop
	case highM:
		return ImportantWinBack
	case highF && recent:
		return GeneralValue
	case highF:
		return GeneralRetain
	case recent:
		return GeneralDevelop
	}
	return GeneralWinBack
}

// ThresholdMode is how the R, F and M split points are chosen.
type ThresholdMode string

// Threshold modes.
const (
	ByMean     ThresholdMode = "MEAN"
	ByMedian   ThresholdMode = "MEDIAN"
	ByQuantile ThresholdMode = "QUANTILE"
	Fixed      ThresholdMode = "FIXED"
)

// RFMConfig is an organization's RFM setting.
type RFMConfig struct {
	Mode ThresholdMode
	// Quantile in (0,1) for ByQuantile: the split point of each dimension is that
	// quantile of the buyers' values (0.5 is the median; 0.8 makes F and M "high"
	// for about the top fifth and R "recent" for about the most recent 80 %).
	Quantile float64
	// Fixed thresholds for Fixed mode.
	RecencyDays int
	Frequency   int64
	Monetary    int64 // fen
	// WindowDays limits F and M to paid orders in the last WindowDays days (default 365).
	WindowDays int
}

// DefaultRFM is the default setting: mean split over the last 365 days.
var DefaultRFM = RFMConfig{Mode: ByMean, WindowDays: 365}

// Validate checks the setting, naming the bad field.
func (c RFMConfig) Validate() error {
	switch c.Mode {
	case ByMean, ByMedian:
	case ByQuantile:
		if !(c.Quantile > 0 && c.Quantile < 1) {
			return fieldErr("quantile", "must be between 0 and 1")
		}
	case Fixed:
		if c.RecencyDays < 0 || c.Frequency < 1 || c.Monetary < 0 {
			return fieldErr("fixed", "needs recencyDays ≥ 0, frequency ≥ 1 and monetary ≥ 0")
		}
	default:
		return fieldErr("mode", "unknown mode")
	}
	if c.WindowDays < 0 || c.WindowDays > 3650 {
		return fieldErr("windowDays", "must be between 0 and 3650")
	}
	return nil
}

// FieldError is bad input in one field.
type FieldError struct{ Field, Reason string }

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

func fieldErr(f, r string) error { return &FieldError{f, r} }

// AsFieldError unwraps a FieldError.
func AsFieldError(err error) (*FieldError, bool) {
	var fe *FieldError
	ok := errors.As(err, &fe)
	return fe, ok
}

// Thresholds are the split points: recent when R ≤ Recency, high F when
// F ≥ Frequency, high M when M ≥ Monetary.
type Thresholds struct {
	Recency   float64
	Frequency float64
	Monetary  float64
}

// ComputeThresholds derives the split points from the buyers.
func ComputeThresholds(buyers []BuyerStats, c RFMConfig) (Thresholds, error) {
	if err := c.Validate(); err != nil {
		return Thresholds{}, err
	}
	if c.Mode == Fixed {
		return Thresholds{float64(c.RecencyDays), float64(c.Frequency), float64(c.Monetary)}, nil
	}
	if len(buyers) == 0 {
		return Thresholds{}, nil
	}
	r := make([]float64, len(buyers))
	f := make([]float64, len(buyers))
	m := make([]float64, len(buyers))
	for i, b := range buyers {
		r[i], f[i], m[i] = float64(b.RecencyDays), float64(b.Frequency), float64(b.Monetary)
	}
	switch c.Mode {
	case ByMean:
		return Thresholds{mean(r), mean(f), mean(m)}, nil
	case ByMedian:
		return Thresholds{Quantile(r, 0.5), Quantile(f, 0.5), Quantile(m, 0.5)}, nil
	}
	// The top (1−q) share is "high"; for R the lowest q share of days is "recent".
	return Thresholds{Quantile(r, c.Quantile), Quantile(f, c.Quantile), Quantile(m, c.Quantile)}, nil
}

// Classify assigns a buyer to its segment.
func (t Thresholds) Classify(b BuyerStats) Segment {
	return SegmentOf(float64(b.RecencyDays) <= t.Recency, float64(b.Frequency) >= t.Frequency, float64(b.Monetary) >= t.Monetary)
}

// SegmentSummary is the count and GMV of one segment.
type SegmentSummary struct {
	Segment  Segment
	Buyers   int64
	Monetary int64 // fen
}

// Segmentation summarises the buyers per segment, in the canonical order.
func Segmentation(buyers []BuyerStats, t Thresholds) []SegmentSummary {
	idx := map[Segment]int{}
	out := make([]SegmentSummary, len(Segments))
	for i, s := range Segments {
		idx[s] = i
		out[i].Segment = s
	}
	for _, b := range buyers {
		s := &out[idx[t.Classify(b)]]
		s.Buyers++
		s.Monetary += b.Monetary
	}
	return out
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Quantile is the q-quantile of xs by linear interpolation between order
// statistics (the "type 7" rule of R and numpy's default).
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (pos-float64(lo))*(s[hi]-s[lo])
}

// String renders a segment with its Chinese name.
func (s Segment) String() string { return fmt.Sprintf("%s(%s)", string(s), SegmentNames[s]) }
