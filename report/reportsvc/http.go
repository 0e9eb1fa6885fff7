package reportsvc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/apitoken"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/report"
)

// Handler serves GET /reports/{format} (format xlsx or html):
//
//   - with ?link=<signed token> (from createReportLink): the link's user,
//     organization, period and format, while the link is valid and the user
//     (and the session or API token that created it) still may read the
//     organization's analytics;
//   - or with Authorization: Bearer <token> and ?organizationID=&kind=&day=
//     (or &from=&to= for CUSTOM), like the GraphQL clientReport field.
//
// Errors are JSON {"errors":[{"message","extensions":{"code"}}]} with the
// API's stable codes and HTTP statuses.
type Handler struct {
	Client *ent.Client
	Authz  *authz.Authorizer
	Signer *Signer
	// Bearer authenticates an Authorization header (nil viewer: none sent).
	Bearer func(r *http.Request) (*authz.Viewer, error)
	// Limit spends the download's cost from the viewer's rate budget; a
	// non-nil error (RATE_LIMITED) refuses it; it may set Retry-After on w.
	// Nil: no limit.
	Limit func(w http.ResponseWriter, r *http.Request, v *authz.Viewer) error
	Now   func() time.Time
	Log   *slog.Logger
}

// Timeout bounds the building of one report.
const Timeout = 30 * time.Second

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	format := r.PathValue("format")
	if format != FormatXLSX && format != FormatHTML {
		writeError(w, apperr.Input("format", "must be xlsx or html"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), Timeout)
	defer cancel()
	q := r.URL.Query()
	var (
		v     *authz.Viewer
		orgID int
		p     insights.Period
		err   error
	)
	if tok := q.Get("link"); tok != "" {
		v, orgID, p, err = h.fromLink(ctx, tok, format)
	} else {
		v, orgID, p, err = h.fromBearer(r, q.Get)
	}
	if err != nil {
		h.fail(ctx, w, err)
		return
	}
	if h.Limit != nil {
		if err := h.Limit(w, r, v); err != nil {
			h.fail(ctx, w, err)
			return
		}
	}
	ctx = authz.WithViewer(ctx, v)
	res, err := Build(ctx, h.Client, orgID, p, h.now())
	if err != nil {
		h.fail(ctx, w, err)
		return
	}
	var body []byte
	ctype, ext := report.XLSXContentType, ".xlsx"
	if format == FormatHTML {
		ctype, ext = report.HTMLContentType, ".html"
		body, err = report.HTML(res.Report)
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	} else {
		body, err = report.XLSX(res.Report)
	}
	if err != nil {
		h.fail(ctx, w, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Disposition", ContentDisposition(format == FormatXLSX, res.Report.FileName()+ext, asciiName(res, ext)))
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// asciiName is the fallback file name for clients without RFC 6266 filename*.
func asciiName(res *Result, ext string) string {
	return fmt.Sprintf("opsgraph-report-%d-%s%s", res.Org.ID, res.Period.Label(), ext)
}

var errSignIn = apperr.New(apperr.Unauthenticated, "sign in first: send Authorization: Bearer <token>, or use a link from createReportLink")

func (h *Handler) fromBearer(r *http.Request, get func(string) string) (*authz.Viewer, int, insights.Period, error) {
	var p insights.Period
	if h.Bearer == nil {
		return nil, 0, p, errSignIn
	}
	v, err := h.Bearer(r)
	if err != nil {
		return nil, 0, p, err
	}
	if v == nil {
		return nil, 0, p, errSignIn
	}
	org, err := strconv.Atoi(get("organizationID"))
	if err != nil || org <= 0 {
		return nil, 0, p, apperr.Input("organizationID", "an organization id is required")
	}
	p, err = ParsePeriod(get("kind"), get("day"), get("from"), get("to"), Today(h.now()))
	return v, org, p, err
}

// fromLink checks a signed link and loads its user as they are now: a
// disabled user, a revoked or expired session or token, or lost grants end
// the link at once.
func (h *Handler) fromLink(ctx context.Context, tok, format string) (*authz.Viewer, int, insights.Period, error) {
	var p insights.Period
	l, err := h.Signer.Verify(tok, h.now())
	if err != nil {
		return nil, 0, p, apperr.New(apperr.Unauthenticated, "%s; create a new one with createReportLink", err.Error())
	}
	invalid := apperr.New(apperr.Unauthenticated, "%s; create a new one with createReportLink", ErrLinkInvalid.Error())
	if l.Format != format {
		return nil, 0, p, invalid
	}
	if p, err = l.Period(); err != nil {
		return nil, 0, p, invalid
	}
	sys := authz.SystemContext(ctx)
	u, err := h.Client.User.Get(sys, l.User)
	if ent.IsNotFound(err) || (err == nil && u.Disabled) {
		return nil, 0, p, invalid
	} else if err != nil {
		return nil, 0, p, err
	}
	now := h.now()
	var scope *authz.TokenScope
	switch {
	case l.Session != 0:
		s, err := h.Client.Session.Get(sys, l.Session)
		if ent.IsNotFound(err) || (err == nil && (s.UserID != u.ID || s.RevokedAt != nil || !s.ExpiresAt.After(now))) {
			return nil, 0, p, invalid
		} else if err != nil {
			return nil, 0, p, err
		}
	case l.Token != 0:
		t, err := h.Client.APIToken.Query().Where(apitoken.ID(l.Token)).Only(sys)
		if ent.IsNotFound(err) || (err == nil && (t.CreatedByID != u.ID || t.RevokedAt != nil || (t.ExpiresAt != nil && !t.ExpiresAt.After(now)))) {
			return nil, 0, p, invalid
		} else if err != nil {
			return nil, 0, p, err
		}
		scope = &authz.TokenScope{ID: t.ID, Org: t.OrganizationID, Role: t.Role}
	default:
		return nil, 0, p, invalid
	}
	v, err := h.Authz.LoadViewer(ctx, u.ID, u.Email, scope)
	if err != nil {
		return nil, 0, p, err
	}
	v.SessionID = l.Session
	return v, l.Org, p, nil
}

// ParsePeriod reads a period from the download's query parameters, like
// the GraphQL PeriodInput (kind; day, or from and to for CUSTOM).
func ParsePeriod(kind, day, from, to string, today insights.Date) (insights.Period, error) {
	k := insights.Granularity(strings.ToUpper(kind))
	if k == insights.Custom {
		f, err := insights.ParseDate(from)
		if err != nil {
			return insights.Period{}, apperr.Input("from", "must be a day YYYY-MM-DD")
		}
		t, err := insights.ParseDate(to)
		if err != nil {
			return insights.Period{}, apperr.Input("to", "must be a day YYYY-MM-DD")
		}
		p, err := insights.CustomPeriod(f, t)
		if err != nil {
			return p, apperr.Input("to", "must be on or after from, at most %d days", insights.MaxCustomDays)
		}
		return p, nil
	}
	d := today
	if day != "" {
		var err error
		if d, err = insights.ParseDate(day); err != nil {
			return insights.Period{}, apperr.Input("day", "must be a day YYYY-MM-DD")
		}
	}
	p, err := insights.PeriodOf(k, d)
	if err != nil {
		return p, apperr.Input("kind", "must be DAY, WEEK, MONTH, QUARTER or CUSTOM")
	}
	return p, nil
}

// Today is the business day of now.
func Today(now time.Time) insights.Date { return insights.DateOf(now, Location) }

// fail answers an error as JSON with its code; internal errors are logged and
// shown without detail.
func (h *Handler) fail(ctx context.Context, w http.ResponseWriter, err error) {
	if errors.Is(err, ErrNotFound) {
		err = apperr.New(apperr.NotFound, "not found")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = apperr.New(apperr.Unavailable, "the report took too long; try a shorter period")
	}
	if _, coded := apperr.CodeOf(err); !coded {
		if h.Log != nil {
			h.Log.ErrorContext(ctx, "client report", "err", err)
		}
		err = apperr.New(apperr.Internal, "internal error")
	}
	writeError(w, err)
}

func writeError(w http.ResponseWriter, err error) {
	code, _ := apperr.CodeOf(err)
	ext := map[string]any{"code": string(code)}
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Field != "" {
		ext["field"] = ae.Field
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(apperr.HTTPStatus(code))
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": err.Error(), "extensions": ext}}})
}

// ContentDisposition is an attachment header (inline for HTML) with an ASCII
// fallback name and the UTF-8 name in RFC 5987 filename*.
func ContentDisposition(attachment bool, name, fallback string) string {
	kind := "inline"
	if attachment {
		kind = "attachment"
	}
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, kind, fallback, rfc5987(name))
}

// rfc5987 percent-encodes everything but attr-char.
func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
