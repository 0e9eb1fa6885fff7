package platformhttp

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// WindowCursor is the resume point of an order listing that walks [Since, Until)
// in windows the platform allows (小红书: 30 min by update time, TOP's increment
// API: one day): the current window [Start, End) in Unix seconds, the page in it,
// and how many orders of that page were already returned (a page cut short to
// fit the RPC deadline).
type WindowCursor struct {
	Start, End int64
	Page       int
	Offset     int
}

// String encodes the cursor opaquely.
func (c WindowCursor) String() string {
	return fmt.Sprintf("w%d.%d.%d.%d", c.Start, c.End, c.Page, c.Offset)
}

// ParseWindowCursor decodes a cursor made by WindowCursor.String; "" yields ok=false.
func ParseWindowCursor(s string) (c WindowCursor, ok bool, err error) {
	if s == "" {
		return c, false, nil
	}
	f := strings.Split(strings.TrimPrefix(s, "w"), ".")
	if !strings.HasPrefix(s, "w") || len(f) != 4 {
		return c, false, sdk.Errorf(sdk.KindInvalidRequest, "invalid cursor %q", s)
	}
	var n [4]int64
	for i, x := range f {
		v, perr := strconv.ParseInt(x, 10, 64)
		if perr != nil || v < 0 {
			return c, false, sdk.Errorf(sdk.KindInvalidRequest, "invalid cursor %q", s)
		}
		n[i] = v
	}
	c = WindowCursor{Start: n[0], End: n[1], Page: int(n[2]), Offset: int(n[3])}
	if c.End <= c.Start {
		return c, false, sdk.Errorf(sdk.KindInvalidRequest, "invalid cursor %q", s)
	}
	return c, true, nil
}

// Windows splits [since, until) into windows of at most width, whole seconds.
type Windows struct {
	Since, Until int64 // Unix seconds; Until exclusive
	Width        int64 // seconds
}

// NewWindows builds the windows of [since, until); until zero means now.
func NewWindows(since, until, now time.Time, width time.Duration) Windows {
	if until.IsZero() {
		until = now
	}
	return Windows{Since: since.Unix(), Until: until.Unix(), Width: int64(width / time.Second)}
}

// First is the first window's cursor (page first), or ok=false when the range is empty.
func (w Windows) First(first int) (WindowCursor, bool) {
	if w.Until <= w.Since {
		return WindowCursor{}, false
	}
	return WindowCursor{Start: w.Since, End: min(w.Since+w.Width, w.Until), Page: first}, true
}

// Next is the window after c (page first), or ok=false after the last one.
func (w Windows) Next(c WindowCursor, first int) (WindowCursor, bool) {
	if c.End >= w.Until {
		return WindowCursor{}, false
	}
	return WindowCursor{Start: c.End, End: min(c.End+w.Width, w.Until), Page: first}, true
}

// Halve narrows c to its first half (for a window holding more rows than the
// platform pages through); ok=false when it is one second wide already.
func (c WindowCursor) Halve() (WindowCursor, bool) {
	if c.End-c.Start <= 1 {
		return c, false
	}
	c.End = c.Start + (c.End-c.Start)/2
	return c, true
}
