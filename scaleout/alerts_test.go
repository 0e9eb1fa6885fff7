package scaleout

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

// watchAlerts subscribes to alertRaised on r and sends each alert's kind and
// subject on the returned channel until ctx ends; the channel gets "ready"
// once the connection is acknowledged.
func watchAlerts(ctx context.Context, t *testing.T, r *replica, token string) <-chan string {
	t.Helper()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(r.url, "http")+"/query",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := json.Marshal(map[string]any{"Authorization": "Bearer " + token})
	if err := wsjson.Write(ctx, c, wsMessage{Type: "connection_init", Payload: p}); err != nil {
		t.Fatal(err)
	}
	var ack wsMessage
	if err := wsjson.Read(ctx, c, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("%s: init %+v %v", r.name, ack, err)
	}
	sub, _ := json.Marshal(map[string]any{"query": `subscription { alertRaised { kind subject organizationID } }`})
	if err := wsjson.Write(ctx, c, wsMessage{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		t.Fatal(err)
	}
	out := make(chan string, 16)
	go func() {
		defer c.CloseNow()
		defer close(out)
		for {
			var m wsMessage
			if err := wsjson.Read(ctx, c, &m); err != nil {
				return
			}
			switch m.Type {
			case "ping":
				_ = wsjson.Write(ctx, c, wsMessage{Type: "pong"})
			case "next":
				var res struct {
					Data struct {
						AlertRaised struct{ Kind, Subject string }
					}
				}
				_ = json.Unmarshal(m.Payload, &res)
				out <- res.Data.AlertRaised.Kind + " " + res.Data.AlertRaised.Subject
			case "error", "complete":
				out <- m.Type + " " + string(m.Payload)
				return
			}
		}
	}()
	return out
}

// TestAlertRaisedAcrossReplicas: an alert raised on one replica (SYNC_FAILED,
// raised by whichever replica ran the failing sync) reaches alertRaised
// subscribers on every replica, through PostgreSQL NOTIFY (decision 0209).
func TestAlertRaisedAcrossReplicas(t *testing.T) {
	if os.Getenv(testenv.PostgresEnv) == "" {
		t.Skipf("scale-out test skipped: set %s to a postgres:// URL to run it", testenv.PostgresEnv)
	}
	dsn := testenv.PostgresDSN(t)
	cfg := clusterConfig{dsn: dsn, key: newKey(), heartbeat: testHeartbeat.String(), lease: testLease.String(),
		pageSize: 10, maxOpen: maxOpen, demo: true}
	reps := []*replica{start(t, "replica-a", cfg)}
	reps[0].ready(t) // the first loads the demo; the second starts on it
	reps = append(reps, start(t, "replica-b", cfg))
	reps[1].ready(t)
	token, org := login(t, reps[0])

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	subs := make([]<-chan string, len(reps))
	for i, r := range reps {
		subs[i] = watchAlerts(ctx, t, r, token)
	}

	// A store whose platform authorization is revoked: its sync fails, and
	// the replica that ran it raises SYNC_FAILED after the job.
	g := fakeGateway(t, 7, 3, 3)
	store := connectStore(t, reps[0], token, org, 0, g)
	g.RevokeToken()
	if _, err := syncStore(reps[1], token, store); err != nil {
		t.Fatal(err)
	}
	var storeNum int
	db := openDB(t, dsn)
	if err := db.QueryRowContext(ctx, `SELECT id FROM stores WHERE name = $1`, "扩容测试店 00").Scan(&storeNum); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("SYNC_FAILED store:%d", storeNum)
	for i, ch := range subs {
		for got := ""; got != want; {
			select {
			case m, ok := <-ch:
				if !ok {
					t.Fatalf("%s: subscription ended before %q", reps[i].name, want)
				}
				got = m
			case <-ctx.Done():
				t.Fatalf("%s: no %q within the deadline", reps[i].name, want)
			}
		}
	}
	var ranBy string
	_ = db.QueryRowContext(ctx, `SELECT coalesce(claimed_by, '') FROM sync_jobs WHERE store_id = $1`, storeNum).Scan(&ranBy)
	t.Logf("SYNC_FAILED for store %d reached the subscribers of both replicas (the job ran on %s)", storeNum, ranBy)
}
