package webhooksvc

import (
	"context"
	"strconv"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	entcampaign "github.com/opsgraph/opsgraph/ent/campaign"
	entcontent "github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/hook"
	"github.com/opsgraph/opsgraph/ent/syncjob"
	"github.com/opsgraph/opsgraph/webhook"
)

// The event sources are the writes themselves: ent hooks on the client (and
// so on every transaction opened from it) see every alert created, every
// content and campaign status change and every sync job reaching an end
// state, whichever code path wrote it (a GraphQL verb, a periodic tick, the
// sync runner), and write the outbox through the same client, so in the
// same transaction when the write has one. A failed outbox write fails the
// event's write: no event is lost silently.

// Install registers the event hooks on client.
func (s *Service) Install(client *ent.Client) {
	client.Alert.Use(s.alertHook)
	client.Content.Use(s.contentHook)
	client.Campaign.Use(s.campaignHook)
	client.SyncJob.Use(s.syncJobHook)
}

func gid(id int) string { return strconv.Itoa(id) }

// AlertData is the data of alert.raised.
type AlertData struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Severity  string    `json:"severity"`
	Message   string    `json:"message"`
	Subject   string    `json:"subject,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

func (s *Service) alertHook(next ent.Mutator) ent.Mutator {
	return hook.AlertFunc(func(ctx context.Context, m *ent.AlertMutation) (ent.Value, error) {
		v, err := next.Mutate(ctx, m)
		if err != nil || !m.Op().Is(ent.OpCreate) {
			return v, err
		}
		a, ok := v.(*ent.Alert)
		if !ok || a.OrganizationID == 0 {
			return v, nil
		}
		data := map[string]any{"alert": AlertData{ID: gid(a.ID), Kind: a.Kind.String(), Severity: a.Severity.String(),
			Message: a.Message, Subject: a.Subject, CreatedAt: a.CreatedAt.UTC()}}
		if err := s.Emit(ctx, m.Client(), a.OrganizationID, webhook.AlertRaised, data); err != nil {
			return nil, err
		}
		return v, nil
	})
}

// changed is one row whose status a mutation changes.
type changed struct {
	id, org, store int
	from, label    string
}

// updatedRows reports how many rows an update mutation changed: its value
// for bulk updates, 1 for update-one.
func updatedRows(v ent.Value) int {
	if n, ok := v.(int); ok {
		return n
	}
	return 1
}

// StateData is the data of content.state_changed and campaign.state_changed.
type StateData struct {
	ID       string `json:"id"`
	StoreID  string `json:"storeID"`
	Name     string `json:"name"`
	From     string `json:"from"`
	To       string `json:"to"`
	ChangeAt string `json:"changedAt"`
}

func (s *Service) emitChanges(ctx context.Context, c *ent.Client, ev webhook.Event, key string, rows []changed, n int, to string) error {
	if n != len(rows) {
		return nil // raced with another writer; the rows that changed are not known
	}
	at := s.now().UTC().Format(time.RFC3339)
	for _, r := range rows {
		if r.from == to {
			continue
		}
		d := StateData{ID: gid(r.id), StoreID: gid(r.store), Name: r.label, From: r.from, To: to, ChangeAt: at}
		if err := s.Emit(ctx, c, r.org, ev, map[string]any{key: d}); err != nil {
			return err
		}
	}
	return nil
}

func isUpdate(m ent.Mutation) bool { return m.Op().Is(ent.OpUpdate) || m.Op().Is(ent.OpUpdateOne) }

func (s *Service) contentHook(next ent.Mutator) ent.Mutator {
	return hook.ContentFunc(func(ctx context.Context, m *ent.ContentMutation) (ent.Value, error) {
		to, set := m.Status()
		if !set || !isUpdate(m) {
			return next.Mutate(ctx, m)
		}
		sys := authz.SystemContext(ctx)
		ids, err := m.IDs(sys)
		if err != nil {
			return nil, err
		}
		before, err := m.Client().Content.Query().Where(entcontent.IDIn(ids...)).
			Select(entcontent.FieldID, entcontent.FieldOrganizationID, entcontent.FieldStoreID,
				entcontent.FieldTitle, entcontent.FieldStatus).All(sys)
		if err != nil {
			return nil, err
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return v, err
		}
		rows := make([]changed, len(before))
		for i, b := range before {
			rows[i] = changed{id: b.ID, org: b.OrganizationID, store: b.StoreID, from: b.Status.String(), label: b.Title}
		}
		if err := s.emitChanges(ctx, m.Client(), webhook.ContentStateChanged, "content", rows, updatedRows(v), to.String()); err != nil {
			return nil, err
		}
		return v, nil
	})
}

func (s *Service) campaignHook(next ent.Mutator) ent.Mutator {
	return hook.CampaignFunc(func(ctx context.Context, m *ent.CampaignMutation) (ent.Value, error) {
		to, set := m.Status()
		if !set || !isUpdate(m) {
			return next.Mutate(ctx, m)
		}
		sys := authz.SystemContext(ctx)
		ids, err := m.IDs(sys)
		if err != nil {
			return nil, err
		}
		before, err := m.Client().Campaign.Query().Where(entcampaign.IDIn(ids...)).
			Select(entcampaign.FieldID, entcampaign.FieldOrganizationID, entcampaign.FieldStoreID,
				entcampaign.FieldName, entcampaign.FieldStatus).All(sys)
		if err != nil {
			return nil, err
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return v, err
		}
		rows := make([]changed, len(before))
		for i, b := range before {
			rows[i] = changed{id: b.ID, org: b.OrganizationID, store: b.StoreID, from: b.Status.String(), label: b.Name}
		}
		if err := s.emitChanges(ctx, m.Client(), webhook.CampaignStateChanged, "campaign", rows, updatedRows(v), to.String()); err != nil {
			return nil, err
		}
		return v, nil
	})
}

// SyncData is the data of sync.finished.
type SyncData struct {
	ID         string   `json:"id"`
	StoreID    string   `json:"storeID"`
	Status     string   `json:"status"`
	What       []string `json:"what"`
	Error      string   `json:"error,omitempty"`
	FinishedAt string   `json:"finishedAt"`
}

func (s *Service) syncJobHook(next ent.Mutator) ent.Mutator {
	return hook.SyncJobFunc(func(ctx context.Context, m *ent.SyncJobMutation) (ent.Value, error) {
		to, set := m.Status()
		if !set || !isUpdate(m) ||
			(to != syncjob.StatusSUCCEEDED && to != syncjob.StatusFAILED && to != syncjob.StatusCANCELED) {
			return next.Mutate(ctx, m)
		}
		sys := authz.SystemContext(ctx)
		ids, err := m.IDs(sys)
		if err != nil {
			return nil, err
		}
		v, err := next.Mutate(ctx, m)
		if err != nil || updatedRows(v) != len(ids) {
			return v, err
		}
		jobs, err := m.Client().SyncJob.Query().Where(syncjob.IDIn(ids...)).All(sys)
		if err != nil {
			return nil, err
		}
		at := s.now().UTC().Format(time.RFC3339)
		for _, j := range jobs {
			d := SyncData{ID: gid(j.ID), StoreID: gid(j.StoreID), Status: j.Status.String(), What: j.What,
				Error: j.Error, FinishedAt: at}
			if err := s.Emit(ctx, m.Client(), j.OrganizationID, webhook.SyncFinished, map[string]any{"syncJob": d}); err != nil {
				return nil, err
			}
		}
		return v, nil
	})
}
