// Package platformsync moves data between OpsGraph and the platforms through
// the plugin host: connecting stores (credentials sealed at rest), background
// sync jobs that upsert products, orders and metrics page by page, and pushing
// stock and approved content back to the platform.
//
// Plugins never touch the database. Each page a plugin returns is written in
// one transaction together with the resume cursor and the job's progress, so
// a sync that dies half-way (plugin crash, server restart) leaves whole pages
// only and the next sync resumes where it stopped.
package platformsync

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/platformconnection"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/plugins/host"
	"github.com/opsgraph/opsgraph/plugins/sdk"
	"github.com/opsgraph/opsgraph/secretbox"
)

// Plugins is what the service needs of the plugin host.
type Plugins interface {
	Get(ctx context.Context, id string) (sdk.Platform, error)
}

// Service connects stores and runs syncs.
type Service struct {
	Client   *ent.Client
	Plugins  Plugins
	Box      *secretbox.Box
	Log      *slog.Logger
	Broker   *Broker
	Instance string // this replica's name, recorded on the jobs it runs
	PageSize int    // items per plugin page; 0 means 100
	// Postgres selects FOR UPDATE SKIP LOCKED job claiming (several replicas)
	// and NOTIFY of job updates to the other replicas.
	Postgres bool
	// Poll, Heartbeat and Lease time the job runner; zero means DefaultPoll,
	// DefaultHeartbeat and DefaultLease. A job whose owner has not renewed its
	// lease for Lease is reclaimed by another replica, so Heartbeat must be
	// well below Lease.
	Poll, Heartbeat, Lease time.Duration
	// DB is the client's *sql.DB, for the leases of periodic tasks (Every).
	DB *sql.DB
	// RateLimitPatience is how long a job waits out a platform rate limit
	// before it ends with RATE_LIMITED; 0 means DefaultRateLimitPatience.
	RateLimitPatience time.Duration
	// AfterJob, if set, runs after a job finished (alert evaluation).
	AfterJob func(context.Context, *ent.SyncJob)

	withoutRollups atomic.Bool // MeasureWithoutRollups

	wake   chan struct{}
	mu     sync.Mutex
	tasks  []task
	runCtx context.Context // set once Run started the tasks
}

// DefaultPluginFor maps a store's platform to its built-in plugin.
func DefaultPluginFor(p store.Platform) string {
	switch p {
	case store.PlatformTAOBAO, store.PlatformTMALL:
		return "taobao"
	case store.PlatformDOUYIN:
		return "douyin"
	case store.PlatformXIAOHONGSHU:
		return "xiaohongshu"
	}
	return ""
}

// pluginErr turns a plugin failure into an API error that says what happened
// without leaking internals.
func pluginErr(err error) error {
	var pe *sdk.Error
	if !errors.As(err, &pe) {
		return &apperr.Error{Code: apperr.PluginUnavailable, Message: "the platform plugin failed", Err: err}
	}
	switch pe.Kind {
	case sdk.KindUnavailable:
		return &apperr.Error{Code: apperr.PluginUnavailable, Message: "platform plugin unavailable: " + pe.Message, Err: err}
	case sdk.KindInvalidRequest:
		return &apperr.Error{Code: apperr.BadUserInput, Message: "the platform refused the request: " + pe.Message, Err: err}
	case sdk.KindAuthExpired:
		return &apperr.Error{Code: apperr.Conflict, Message: ReauthorizeMessage, Err: err}
	case sdk.KindRateLimited:
		msg := "the platform is rate limiting; try again later"
		if pe.RetryAfter > 0 {
			msg = "the platform is rate limiting until " + time.Now().Add(pe.RetryAfter).UTC().Format(time.RFC3339)
		}
		return &apperr.Error{Code: apperr.RateLimited, Message: msg, Err: err}
	case sdk.KindUnimplemented:
		return &apperr.Error{Code: apperr.NotSupported, Message: "the platform plugin does not support that: " + pe.Message, Err: err}
	}
	return &apperr.Error{Code: apperr.PluginUnavailable, Message: "platform error: " + pe.Error(), Err: err}
}

func credentialsAD(storeID int) []byte {
	return []byte(fmt.Sprintf("opsgraph:connection:store:%d", storeID))
}

func (s *Service) seal(storeID int, b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return s.Box.Seal(b, credentialsAD(storeID))
}

func (s *Service) open(storeID int, b []byte) (string, error) {
	if len(b) == 0 {
		return "", nil
	}
	p, err := s.Box.Open(b, credentialsAD(storeID))
	return string(p), err
}

// ConnectInput is what connectStore takes.
type ConnectInput struct {
	StoreID           int
	PluginID          string
	Credentials       map[string]string
	Endpoint          string
	AuthorizationCode string
	ShopID            string
}

// Connect links a store to a platform plugin: it checks the credentials
// against what the plugin says it needs, authorizes (OAuth code, or the
// platform's self-authorization), and stores credentials and tokens sealed.
// c is the request's (transactional) client.
func (s *Service) Connect(ctx context.Context, c *ent.Client, in ConnectInput) (*ent.PlatformConnection, error) {
	st, err := c.Store.Get(ctx, in.StoreID)
	if err != nil {
		return nil, err
	}
	if in.PluginID == "" {
		in.PluginID = DefaultPluginFor(st.Platform)
		if in.PluginID == "" {
			return nil, apperr.Input("platform", "name the plugin for a store on platform OTHER")
		}
	}
	p, err := s.Plugins.Get(ctx, in.PluginID)
	if err != nil {
		if errors.Is(err, host.ErrUnknownPlugin) {
			return nil, apperr.Input("platform", "no plugin %q is installed", in.PluginID)
		}
		return nil, pluginErr(err)
	}
	desc, err := p.Describe(ctx)
	if err != nil {
		return nil, pluginErr(err)
	}
	creds := map[string]string{}
	tokens := sdk.Token{}
	known := map[string]bool{}
	for _, f := range desc.CredentialFields {
		known[f.Name] = true
	}
	for k, v := range in.Credentials {
		switch k {
		case "access_token":
			tokens.AccessToken = v
		case "refresh_token":
			tokens.RefreshToken = v
		default:
			if !known[k] {
				return nil, apperr.Input("credentials", "%s does not take a credential named %q", desc.DisplayName, k)
			}
			creds[k] = v
		}
	}
	for _, f := range desc.CredentialFields {
		if f.Required && strings.TrimSpace(creds[f.Name]) == "" {
			return nil, apperr.Input("credentials", "%s needs %s (%s)", desc.DisplayName, f.Name, f.Description)
		}
	}
	conn := sdk.Connection{Endpoint: in.Endpoint, ShopID: in.ShopID, Credentials: creds,
		AccessToken: tokens.AccessToken, RefreshToken: tokens.RefreshToken}
	if tokens.AccessToken == "" {
		tok, err := p.Authorize(ctx, sdk.AuthorizeRequest{Connection: conn, Code: in.AuthorizationCode})
		if err != nil {
			return nil, pluginErr(err)
		}
		tokens = *tok
	}
	if tokens.ShopID == "" {
		tokens.ShopID = in.ShopID
	}
	raw, _ := json.Marshal(creds)
	names := make([]string, 0, len(creds))
	for k := range creds {
		names = append(names, k)
	}
	sort.Strings(names)
	if _, err := c.PlatformConnection.Delete().Where(platformconnection.StoreID(st.ID)).Exec(ctx); err != nil {
		return nil, err
	}
	create := c.PlatformConnection.Create().SetStoreID(st.ID).SetPluginID(desc.PlatformID).
		SetEndpoint(in.Endpoint).SetExternalShopID(tokens.ShopID).SetShopName(tokens.ShopName).
		SetCredentialNames(names).SetCredentials(s.seal(st.ID, raw)).
		SetAccessToken(s.seal(st.ID, []byte(tokens.AccessToken))).
		SetRefreshToken(s.seal(st.ID, []byte(tokens.RefreshToken))).
		SetCursors(map[string]string{})
	if !tokens.ExpiresAt.IsZero() {
		create.SetTokenExpiresAt(tokens.ExpiresAt)
	}
	pc, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	if tokens.ShopID != "" && st.ExternalShopID == "" {
		if err := c.Store.UpdateOne(st).SetExternalShopID(tokens.ShopID).Exec(ctx); err != nil {
			return nil, err
		}
	}
	s.Log.InfoContext(ctx, "store connected", "store_id", st.ID, "plugin", desc.PlatformID, "endpoint", in.Endpoint)
	return pc, nil
}

// connection loads a store's connection and opens its secrets into an
// sdk.Connection.
func (s *Service) connection(ctx context.Context, c *ent.Client, storeID int) (*ent.PlatformConnection, sdk.Connection, error) {
	pc, err := c.PlatformConnection.Query().Where(platformconnection.StoreID(storeID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, sdk.Connection{}, apperr.New(apperr.Conflict, "the store is not connected to a platform; call connectStore first")
	} else if err != nil {
		return nil, sdk.Connection{}, err
	}
	var conn sdk.Connection
	credJSON, err := s.open(storeID, pc.Credentials)
	if err != nil {
		return nil, conn, fmt.Errorf("open credentials of store %d: %w", storeID, err)
	}
	creds := map[string]string{}
	if credJSON != "" {
		if err := json.Unmarshal([]byte(credJSON), &creds); err != nil {
			return nil, conn, err
		}
	}
	at, err := s.open(storeID, pc.AccessToken)
	if err != nil {
		return nil, conn, err
	}
	rt, err := s.open(storeID, pc.RefreshToken)
	if err != nil {
		return nil, conn, err
	}
	return pc, sdk.Connection{Endpoint: pc.Endpoint, ShopID: pc.ExternalShopID, Credentials: creds,
		AccessToken: at, RefreshToken: rt}, nil
}

// saveToken stores a token the plugin refreshed while serving a call.
func (s *Service) saveToken(ctx context.Context, c *ent.Client, pc *ent.PlatformConnection, t *sdk.Token) error {
	if t == nil || t.AccessToken == "" {
		return nil
	}
	u := c.PlatformConnection.UpdateOne(pc).
		SetAccessToken(s.seal(pc.StoreID, []byte(t.AccessToken)))
	if t.RefreshToken != "" {
		u.SetRefreshToken(s.seal(pc.StoreID, []byte(t.RefreshToken)))
	}
	if !t.ExpiresAt.IsZero() {
		u.SetTokenExpiresAt(t.ExpiresAt)
	}
	return u.Exec(ctx)
}

// now is the service clock.
func now() time.Time { return time.Now() }

// MeasureWithoutRollups makes order pages skip the insights rollups (off:
// true) or maintain them again (false). Only BenchmarkSyncOrders calls it, to
// measure what the rollups cost a whole sync; a server never does, since its
// figures would then miss the orders until a rollup rebuild.
func (s *Service) MeasureWithoutRollups(off bool) { s.withoutRollups.Store(off) }
