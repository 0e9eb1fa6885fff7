package db

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
)

// ListenerAppName is the application_name of the LISTEN connection, so that
// operators (and tests) can find it in pg_stat_activity.
const ListenerAppName = "opsgraph-listener"

// Listener holds one PostgreSQL connection that LISTENs on a few channels and
// hands each notification to its channel's handler. After every (re)connect
// (and the first connect) it calls the OnConnect functions, which catch up on whatever was notified
// while it was disconnected (NOTIFY is not stored).
type Listener struct {
	DSN       string
	Log       *slog.Logger
	handlers  map[string]func(ctx context.Context, payload string)
	onConnect []func(ctx context.Context)
}

// Handle registers the handler of channel. Call before Run.
func (l *Listener) Handle(channel string, f func(ctx context.Context, payload string)) {
	if l.handlers == nil {
		l.handlers = map[string]func(context.Context, string){}
	}
	l.handlers[channel] = f
}

// OnConnect registers f to run after each successful (re)connect. Call before Run.
func (l *Listener) OnConnect(f func(ctx context.Context)) { l.onConnect = append(l.onConnect, f) }

// Run listens until ctx ends, reconnecting after errors.
func (l *Listener) Run(ctx context.Context) {
	for ctx.Err() == nil {
		err := l.once(ctx)
		if ctx.Err() != nil {
			return
		}
		l.Log.WarnContext(ctx, "database listener disconnected; reconnecting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (l *Listener) once(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(withAppName(l.DSN, ListenerAppName))
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for ch := range l.handlers {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return err
		}
	}
	for _, f := range l.onConnect {
		f(ctx)
	}
	for {
		// Wake up now and then to check the connection is alive: a peer that
		// vanished without closing would otherwise leave us waiting forever.
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if wctx.Err() != nil {
				if err := conn.Ping(ctx); err != nil {
					return err
				}
				continue
			}
			return err
		}
		if h := l.handlers[n.Channel]; h != nil {
			h(ctx, n.Payload)
		}
	}
}

func withAppName(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}
