package content

import (
	"testing"
	"time"
)

func TestParseEngagement(t *testing.T) {
	cases := []struct {
		name, format, data string
		rows               int
		err                string
	}{
		{"csv", "CSV", "contentId,day,views,likes,comments,shares,saves\n12,2026-11-01,1000,50,5,3,12\n12,2026-11-02,800,20,1,0,4\n", 2, ""},
		{"csv columns in any order", "CSV", "day,contentId,saves,shares,comments,likes,views\n2026-11-01,12,1,1,1,1,10\n", 1, ""},
		{"csv missing column", "CSV", "contentId,day,views\n1,2026-11-01,3\n", 0, "data: header: missing column likes"},
		{"csv bad number", "CSV", "contentId,day,views,likes,comments,shares,saves\n1,2026-11-01,many,0,0,0,0\n", 0, "data: row 2: views is not a whole number"},
		{"csv bad day", "CSV", "contentId,day,views,likes,comments,shares,saves\n1,11/01/2026,1,0,0,0,0\n", 0, "data: row 1: day must be YYYY-MM-DD"},
		{"csv negative", "CSV", "contentId,day,views,likes,comments,shares,saves\n1,2026-11-01,-1,0,0,0,0\n", 0, "data: row 1: counts must not be negative"},
		{"json", "JSON", `[{"contentId": "12", "day": "2026-11-01", "views": 10, "likes": 1}]`, 1, ""},
		{"json unknown key", "JSON", `[{"contentId": 12, "day": "2026-11-01", "clicks": 1}]`, 0, `data: not a JSON array of rows: json: unknown field "clicks"`},
		{"format", "XML", "", 0, "format: CSV or JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ParseEngagement(c.format, c.data)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.err || len(rows) != c.rows {
				t.Fatalf("ParseEngagement = %d rows, %q; want %d, %q", len(rows), got, c.rows, c.err)
			}
		})
	}
}

func TestSlotsAndRecommend(t *testing.T) {
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 15, 0, 0, time.UTC) } // 2026-11-02 is a Monday
	post := func(day, hour int, views, eng int64) Post {
		return Post{Kind: "ARTICLE", PublishedAt: at(day, hour), Views: views, Engagements: eng}
	}
	cases := []struct {
		name     string
		posts    []Post
		wantDay  int
		wantHour int
		reliable bool
		found    bool
	}{
		{"no history", nil, 0, 0, false, false},
		{"thin sample only", []Post{post(2, 9, 100, 10), post(3, 20, 100, 20)}, 2, 20, false, true},
		{"reliable slot beats a better thin one", []Post{
			post(2, 9, 100, 5), post(9, 9, 100, 5), post(16, 9, 100, 5), // Monday 9h, 5%
			post(7, 20, 100, 30), // Saturday 20h, 30% but one post
		}, 1, 9, true, true},
		{"best reliable rate", []Post{
			post(2, 9, 100, 5), post(9, 9, 100, 5), post(16, 9, 100, 5),
			post(7, 20, 100, 10), post(14, 20, 100, 10), post(21, 20, 100, 13),
		}, 6, 20, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, found, reliable := Recommend(Slots(c.posts, "ARTICLE"))
			if found != c.found || reliable != c.reliable || (found && (s.Weekday != c.wantDay || s.Hour != c.wantHour)) {
				t.Fatalf("Recommend = %+v found=%v reliable=%v; want weekday %d hour %d found=%v reliable=%v", s, found, reliable, c.wantDay, c.wantHour, c.found, c.reliable)
			}
		})
	}
	if got := Slots([]Post{post(2, 9, 10, 1), {Kind: "LIVE", PublishedAt: at(2, 9), Views: 5}}, "ARTICLE"); len(got) != 1 || got[0].Views != 10 {
		t.Fatalf("kind filter: %+v", got)
	}
}
