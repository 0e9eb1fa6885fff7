package platformsync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/platformconnection"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// DefaultRateLimitPatience is how long a sync job waits out a platform's rate
// limit before giving up with RATE_LIMITED (Service.RateLimitPatience).
const DefaultRateLimitPatience = time.Minute

// maxRateLimitWaits bounds how often one page waits out a rate limit.
const maxRateLimitWaits = 5

// ReauthorizeMessage is what a console shows on a connection whose
// authorization the platform no longer accepts.
const ReauthorizeMessage = "The platform no longer accepts this store's authorization (it expired or was revoked, and could not be renewed). " +
	"Reconnect the store (connectStore with a new authorization code) to resume syncing."

// RateLimitedError ends a job whose platform bans calls for longer than the
// job's patience: Until is when the ban lifts.
type RateLimitedError struct {
	Until time.Time
	Err   error
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("RATE_LIMITED: the platform limits calls until %s; sync again after that (the next sync resumes from the last saved page)",
		e.Until.UTC().Format(time.RFC3339))
}

func (e *RateLimitedError) Unwrap() error { return e.Err }

func (s *Service) patience() time.Duration {
	if s.RateLimitPatience > 0 {
		return s.RateLimitPatience
	}
	return DefaultRateLimitPatience
}

// storeToken seals and stores a token the plugin refreshed, at once and outside
// any request transaction (a failing request must not take it down with it: the
// platform may have spent the old refresh token), and uses it from now on.
func (s *Service) storeToken(ctx context.Context, pc *ent.PlatformConnection, conn *sdk.Connection, tok *sdk.Token) {
	if tok == nil || tok.AccessToken == "" {
		return
	}
	if err := s.saveToken(context.WithoutCancel(ctx), s.Client, pc, tok); err != nil {
		s.Log.ErrorContext(ctx, "store refreshed platform token", "store_id", pc.StoreID, "err", err)
		return
	}
	if conn != nil {
		conn.AccessToken = tok.AccessToken
		if tok.RefreshToken != "" {
			conn.RefreshToken = tok.RefreshToken
		}
	}
}

// call runs one plugin call of a sync job. A token the plugin refreshed is
// stored even when the call failed; a rate limit that lifts within the job's
// patience is waited out and the same call tried again; a longer one ends the
// job with a RateLimitedError saying when it lifts.
func (r *runner) call(ctx context.Context, f func() error) error {
	for waits := 0; ; waits++ {
		err := f()
		if err == nil {
			return nil
		}
		r.s.storeToken(ctx, r.pc, &r.conn, sdk.TokenOf(err))
		var pe *sdk.Error
		if !errors.As(err, &pe) || pe.Kind != sdk.KindRateLimited {
			return err
		}
		wait := max(pe.RetryAfter, time.Second)
		if wait > r.s.patience() || waits >= maxRateLimitWaits {
			return &RateLimitedError{Until: now().Add(wait), Err: err}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// connectionStatus is the status a failed job leaves its connection in.
func connectionStatus(err error) platformconnection.Status {
	if sdk.KindOf(err) == sdk.KindAuthExpired {
		return platformconnection.StatusREAUTHORIZE_NEEDED
	}
	return platformconnection.StatusERROR
}

// platformFailure is the user-facing reason of failures the plugin contract
// classifies precisely; ok is false for the others.
func platformFailure(err error) (reason string, ok bool) {
	var rl *RateLimitedError
	var pe *sdk.Error
	switch {
	case errors.As(err, &rl):
		return rl.Error(), true
	case !errors.As(err, &pe):
		return "", false
	case pe.Kind == sdk.KindAuthExpired:
		return ReauthorizeMessage, true
	case pe.Kind == sdk.KindUnavailable && pe.Cause == nil:
		// The plugin answered: the platform (not the plugin) failed, e.g. a
		// gateway 502. Errors the host makes of a dead plugin carry a Cause.
		return "the platform failed to answer (" + pe.Message + "); the next sync resumes from the last saved page", true
	}
	return "", false
}

// noteAuthFailure marks the connection REAUTHORIZE_NEEDED when a push (stock,
// content) found the authorization gone, outside the request's transaction.
func (s *Service) noteAuthFailure(ctx context.Context, pc *ent.PlatformConnection, err error) {
	if sdk.KindOf(err) != sdk.KindAuthExpired {
		return
	}
	uerr := s.Client.PlatformConnection.UpdateOneID(pc.ID).SetStatus(platformconnection.StatusREAUTHORIZE_NEEDED).
		SetLastError(ReauthorizeMessage).Exec(context.WithoutCancel(ctx))
	if uerr != nil {
		s.Log.ErrorContext(ctx, "mark connection REAUTHORIZE_NEEDED", "store_id", pc.StoreID, "err", uerr)
	}
}
