package content

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// EngagementRow is one imported day of one piece of content.
type EngagementRow struct {
	ContentID                             int    `json:"contentId"`
	Day                                   string `json:"day"`
	Views, Likes, Comments, Shares, Saves int64
}

// MaxImportRows bounds one import.
const MaxImportRows = 10000

var dayRe = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)

var engagementColumns = []string{"contentId", "day", "views", "likes", "comments", "shares", "saves"}

// ParseEngagement reads CSV (with the header contentId,day,views,likes,
// comments,shares,saves in any order) or JSON (an array of objects with those
// keys). Errors name the row and column as a FieldError on "data".
func ParseEngagement(format, data string) ([]EngagementRow, error) {
	var rows []EngagementRow
	switch format {
	case "CSV":
		r := csv.NewReader(strings.NewReader(data))
		r.TrimLeadingSpace = true
		header, err := r.Read()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, dataErr("header: %v", err)
		}
		col := map[string]int{}
		for i, h := range header {
			col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
		}
		for _, c := range engagementColumns {
			if _, ok := col[c]; !ok {
				return nil, dataErr("header: missing column %s", c)
			}
		}
		for line := 2; ; line++ {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, dataErr("row %d: %v", line, err)
			}
			var row EngagementRow
			nums := map[string]*int64{"views": &row.Views, "likes": &row.Likes, "comments": &row.Comments, "shares": &row.Shares, "saves": &row.Saves}
			id, err := strconv.Atoi(strings.TrimSpace(rec[col["contentId"]]))
			if err != nil {
				return nil, dataErr("row %d: contentId is not an id", line)
			}
			row.ContentID, row.Day = id, strings.TrimSpace(rec[col["day"]])
			for name, p := range nums {
				v, err := strconv.ParseInt(strings.TrimSpace(rec[col[name]]), 10, 64)
				if err != nil {
					return nil, dataErr("row %d: %s is not a whole number", line, name)
				}
				*p = v
			}
			rows = append(rows, row)
			if len(rows) > MaxImportRows {
				return nil, dataErr("at most %d rows per import", MaxImportRows)
			}
		}
	case "JSON":
		dec := json.NewDecoder(bytes.NewReader([]byte(data)))
		dec.DisallowUnknownFields()
		var in []struct {
			ContentID json.Number `json:"contentId"`
			Day       string      `json:"day"`
			Views     int64       `json:"views"`
			Likes     int64       `json:"likes"`
			Comments  int64       `json:"comments"`
			Shares    int64       `json:"shares"`
			Saves     int64       `json:"saves"`
		}
		if err := dec.Decode(&in); err != nil {
			return nil, dataErr("not a JSON array of rows: %v", err)
		}
		if len(in) > MaxImportRows {
			return nil, dataErr("at most %d rows per import", MaxImportRows)
		}
		for i, r := range in {
			id, err := strconv.Atoi(r.ContentID.String())
			if err != nil {
				return nil, dataErr("row %d: contentId is not an id", i+1)
			}
			rows = append(rows, EngagementRow{ContentID: id, Day: r.Day, Views: r.Views, Likes: r.Likes, Comments: r.Comments, Shares: r.Shares, Saves: r.Saves})
		}
	default:
		return nil, &FieldError{Field: "format", Message: "CSV or JSON"}
	}
	for i, r := range rows {
		if !dayRe.MatchString(r.Day) {
			return nil, dataErr("row %d: day must be YYYY-MM-DD", i+1)
		}
		if r.Views < 0 || r.Likes < 0 || r.Comments < 0 || r.Shares < 0 || r.Saves < 0 {
			return nil, dataErr("row %d: counts must not be negative", i+1)
		}
	}
	return rows, nil
}

func dataErr(format string, args ...any) error {
	return &FieldError{Field: "data", Message: fmt.Sprintf(format, args...)}
}

// Engagements is the engagement count of a row: likes, comments, shares, saves.
func (r EngagementRow) Engagements() int64 { return r.Likes + r.Comments + r.Shares + r.Saves }

// Post is a published piece of content with its total engagement.
type Post struct {
	Kind        string
	PublishedAt time.Time // in the store's time zone
	Views       int64
	Engagements int64
}

// Slot is the engagement of posts published in one weekday and hour.
type Slot struct {
	Weekday, Hour int // ISO weekday 1–7, hour 0–23
	Posts         int
	Views         int64
	Engagements   int64
}

// Rate is engagements per view, 0 without views.
func (s Slot) Rate() float64 {
	if s.Views == 0 {
		return 0
	}
	return float64(s.Engagements) / float64(s.Views)
}

func isoWeekday(t time.Time) int {
	if t.Weekday() == time.Sunday {
		return 7
	}
	return int(t.Weekday())
}

// Slots groups posts (of kind, when not "") by weekday and hour of posting,
// ordered by weekday then hour.
func Slots(posts []Post, kind string) []Slot {
	by := map[[2]int]*Slot{}
	for _, p := range posts {
		if kind != "" && p.Kind != kind {
			continue
		}
		k := [2]int{isoWeekday(p.PublishedAt), p.PublishedAt.Hour()}
		s := by[k]
		if s == nil {
			s = &Slot{Weekday: k[0], Hour: k[1]}
			by[k] = s
		}
		s.Posts++
		s.Views += p.Views
		s.Engagements += p.Engagements
	}
	out := make([]Slot, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weekday != out[j].Weekday {
			return out[i].Weekday < out[j].Weekday
		}
		return out[i].Hour < out[j].Hour
	})
	return out
}

// MinSlotSample is the number of posts a slot needs for a reliable recommendation.
const MinSlotSample = 3

// Recommend picks the slot with the best engagement rate among those with at
// least MinSlotSample posts; when none has, the best of all, marked
// unreliable. Ties go to the larger sample, then the earlier slot. false
// without any slot with views.
func Recommend(slots []Slot) (Slot, bool, bool) {
	var best Slot
	found, reliable := false, false
	better := func(s Slot) bool {
		if !found {
			return true
		}
		if s.Rate() != best.Rate() {
			return s.Rate() > best.Rate()
		}
		return s.Posts > best.Posts
	}
	for _, s := range slots {
		if s.Views == 0 {
			continue
		}
		ok := s.Posts >= MinSlotSample
		switch {
		case ok && !reliable:
			best, found, reliable = s, true, true
		case ok == reliable && better(s):
			best, found = s, true
		}
	}
	return best, found, reliable
}
