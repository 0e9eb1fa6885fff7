package report

import (
	"fmt"
	"math"
	"strings"
)

// Chart geometry for the HTML page's inline SVG: plain numbers and strings,
// drawn by the template. No SVG namespace URL is needed inline in HTML5.

// palette colours the series and segments.
var palette = []string{"#2f5597", "#ed7d31", "#70ad47", "#ffc000", "#5b9bd5", "#a5a5a5", "#7030a0", "#c00000"}

func colour(i int) string { return palette[i%len(palette)] }

// LineChart is a polyline over the days of the trend.
type LineChart struct {
	Width, Height int
	Points        string // "x,y x,y …"
	Dots          []Dot
	MaxLabel      string // the y axis' top value
	XLabels       []AxisLabel
	Top, Bottom   int // y of the plot's top and bottom
	Left, Right   int // x of the plot's left and right
}

// Dot is a point of a line chart.
type Dot struct{ X, Y float64 }

// AxisLabel is a label under the x axis.
type AxisLabel struct {
	X    float64
	Text string
}

// niceMax rounds v up to 1, 2 or 5 times a power of ten (0 stays 0 → 1).
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// TrendChart draws the daily paid amount (in yuan).
func TrendChart(points []DayPoint) LineChart {
	c := LineChart{Width: 720, Height: 240, Left: 70, Right: 700, Top: 20, Bottom: 200}
	if len(points) == 0 {
		return c
	}
	var top float64
	for _, p := range points {
		top = max(top, Yuan(p.PaidAmount))
	}
	top = niceMax(top)
	c.MaxLabel = fmt.Sprintf("¥%s", groupThousands(int64(top)))
	span := float64(c.Right - c.Left)
	step := 0.0
	if len(points) > 1 {
		step = span / float64(len(points)-1)
	}
	var b strings.Builder
	for i, p := range points {
		x := float64(c.Left) + step*float64(i)
		if len(points) == 1 {
			x = float64(c.Left) + span/2
		}
		y := float64(c.Bottom) - Yuan(p.PaidAmount)/top*float64(c.Bottom-c.Top)
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", x, y)
		c.Dots = append(c.Dots, Dot{X: math.Round(x*10) / 10, Y: math.Round(y*10) / 10})
		if i == 0 || i == len(points)-1 || (len(points) > 8 && i == len(points)/2) {
			c.XLabels = append(c.XLabels, AxisLabel{X: x, Text: p.Day[5:]})
		}
	}
	c.Points = b.String()
	return c
}

// Donut is a ring of segments (stroke-dasharray on circles).
type Donut struct {
	Radius, Circumference float64
	Segments              []Segment
}

// Segment is one part of a donut.
type Segment struct {
	Label     string
	Share     float64
	Colour    string
	DashArray string  // "length gap"
	Offset    float64 // stroke-dashoffset (negative: clockwise from the start)
}

// TrafficDonut draws the visitor share of each traffic source.
func TrafficDonut(sources []TrafficSource) Donut {
	d := Donut{Radius: 70}
	d.Circumference = 2 * math.Pi * d.Radius
	var at float64
	for i, s := range sources {
		l := s.Share * d.Circumference
		d.Segments = append(d.Segments, Segment{Label: SourceName(s.Source), Share: s.Share, Colour: colour(i),
			DashArray: fmt.Sprintf("%.2f %.2f", l, d.Circumference-l), Offset: math.Round(-at*100) / 100})
		at += l
	}
	return d
}

// Bars is a horizontal bar chart.
type Bars struct {
	Width, Height int
	Bars          []Bar
}

// Bar is one bar.
type Bar struct {
	Label, Value string
	Y, Width     float64
	Colour       string
}

// FunnelBars draws the funnel's counts as bars, widest on top.
func FunnelBars(stages []FunnelStage) Bars {
	b := Bars{Width: 720, Height: 40*len(stages) + 10}
	var top int64
	for _, s := range stages {
		top = max(top, s.Count)
	}
	const full = 480.0
	for i, s := range stages {
		w := 0.0
		if top > 0 {
			w = float64(s.Count) / float64(top) * full
		}
		b.Bars = append(b.Bars, Bar{Label: StageName(s.Stage), Value: fmt.Sprintf("%s（%s）", groupThousands(s.Count), FormatPercent(s.FromTop)),
			Y: float64(10 + 40*i), Width: math.Round(w*10) / 10, Colour: colour(i)})
	}
	return b
}
