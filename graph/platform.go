package graph

import (
	"context"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/netguard"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/syncjob"
	"github.com/opsgraph/opsgraph/graph/model"
	"github.com/opsgraph/opsgraph/platformsync"
)

func (r *Resolver) connectStore(ctx context.Context, storeID int, platform string, creds []*model.CredentialInput, endpoint, code, shopID *string) (*ent.PlatformConnection, error) {
	in := platformsync.ConnectInput{StoreID: storeID, PluginID: platform, Credentials: map[string]string{}}
	for _, c := range creds {
		in.Credentials[c.Name] = c.Value
	}
	if endpoint != nil && strings.TrimSpace(*endpoint) != "" {
		// The plugin will send requests there: refuse the operator's own
		// network (SSRF). The plugin's HTTP client checks again at dial time.
		if err := netguard.CheckURL(ctx, *endpoint, r.AllowPrivateEndpoints, nil); err != nil {
			return nil, apperr.Input("endpoint", "%s", err.Error())
		}
		in.Endpoint = *endpoint
	}
	if code != nil {
		in.AuthorizationCode = *code
	}
	if shopID != nil {
		in.ShopID = *shopID
	}
	return r.Sync.Connect(ctx, r.client(ctx), in)
}

func (r *Resolver) syncStore(ctx context.Context, storeID int, what []model.SyncWhat) (*ent.SyncJob, error) {
	ws := make([]string, len(what))
	for i, w := range what {
		ws[i] = string(w)
	}
	return r.Sync.StartSync(ctx, r.client(ctx), storeID, ws, viewer(ctx).UserID)
}

// progressed reports whether b shows another state than a.
func progressed(a, b *ent.SyncJob) bool {
	return a.Status != b.Status || a.Percent != b.Percent || a.Done != b.Done || a.Total != b.Total ||
		a.Phase != b.Phase || a.Error != b.Error
}

// ended reports whether a job in status s will change no more.
func ended(s syncjob.Status) bool {
	return s == syncjob.StatusSUCCEEDED || s == syncjob.StatusFAILED || s == syncjob.StatusCANCELED
}

func (r *Resolver) pluginStatuses() []*model.PluginStatus {
	sts := r.Plugins.Statuses()
	out := make([]*model.PluginStatus, 0, len(sts))
	for _, s := range sts {
		ps := &model.PluginStatus{ID: s.ID, Health: string(s.Health), Restarts: s.Restarts, Builtin: s.Builtin,
			Capabilities: make([]string, 0, len(s.Capabilities))}
		for _, c := range s.Capabilities {
			ps.Capabilities = append(ps.Capabilities, string(c))
		}
		if s.DisplayName != "" {
			ps.DisplayName = &s.DisplayName
		}
		if s.PluginVersion != "" {
			ps.Version = &s.PluginVersion
		}
		if s.ProtocolVersion != 0 {
			ps.ProtocolVersion = &s.ProtocolVersion
		}
		if s.LastError != "" {
			ps.LastError = &s.LastError
			t := s.LastErrorAt
			ps.LastErrorAt = &t
		}
		out = append(out, ps)
	}
	return out
}

// syncJobRefresh is how often a subscription re-reads its job when no update
// arrived: a safety net for notifications lost while a replica's listener
// was reconnecting (which also republishes every subscribed job).
const syncJobRefresh = 5 * time.Second

// syncJobUpdated streams a job's states, the current one first, until it ends
// or the client goes away. A job that already ended sends its final state and
// completes. The job must be visible to the viewer.
func (r *Resolver) syncJobUpdated(ctx context.Context, id int) (<-chan *ent.SyncJob, error) {
	job, err := r.Client.SyncJob.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	updates, stop := r.Sync.Broker.Subscribe(id)
	out := make(chan *ent.SyncJob, 1)
	go func() {
		defer close(out)
		defer stop()
		// Re-read after subscribing so that no update between Get and Subscribe is lost.
		if fresh, err := r.Client.SyncJob.Get(ctx, id); err == nil {
			job = fresh
		}
		for {
			select {
			case out <- job:
			case <-ctx.Done():
				return
			}
			if ended(job.Status) {
				return
			}
			last := job
			for job == last {
				select {
				case job = <-updates:
				case <-time.After(syncJobRefresh):
					if fresh, err := r.Client.SyncJob.Get(ctx, id); err == nil && progressed(last, fresh) {
						job = fresh
					}
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}
