package auth

import (
	"context"
	"crypto/subtle"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/loginthrottle"
	"github.com/opsgraph/opsgraph/ent/user"
)

// Login throttling is a compare-and-swap on one LoginThrottle row per key
// (account:<email>, address:<ip>). An attempt first reads the row, refuses if
// it is locked, and then claims the attempt with
//
//	UPDATE login_throttles SET failures = n+1, locked_until = <lock for n+1>
//	WHERE key = ? AND failures = n AND window_start <same side of the window>
//
// which matches only if nobody changed the count since the read; otherwise it
// reads again. The lock the (n+1)-th failure earns is set in that same
// statement, before the password is checked, so 48 parallel guesses see it:
// at most SlowAfterFailures of them are checked before the backoff, on SQLite
// and on PostgreSQL alike (docs/decisions/0111-login-throttle-cas.md).

// casAttempts bounds the retries of one claim; losing that often means
// heavy contention on the key, which is refused like a throttled attempt.
const casAttempts = 50

// charge is one key's claimed attempt.
type charge struct {
	key      string
	account  bool
	failures int // the count including this attempt
}

// charge claims an attempt on every key, refusing (RATE_LIMITED) while any of
// them is slowed or locked; a refused attempt is not counted.
func (s *Service) charge(ctx context.Context, keys []string) ([]charge, error) {
	var out []charge
	for _, k := range keys {
		c, err := s.chargeKey(ctx, k)
		if err != nil {
			done := make([]string, len(out))
			for i, c := range out {
				done[i] = c.key
			}
			if rerr := s.refund(ctx, done); rerr != nil {
				return nil, rerr
			}
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Service) chargeKey(ctx context.Context, k string) (charge, error) {
	now := s.now()
	cutoff := now.Add(-ThrottleWindow)
	account := strings.HasPrefix(k, "account:")
	for range casAttempts {
		r, err := s.Client.LoginThrottle.Query().Where(loginthrottle.Key(k)).Only(ctx)
		if ent.IsNotFound(err) {
			err = s.Client.LoginThrottle.Create().SetKey(k).SetFailures(0).SetWindowStart(now).
				OnConflictColumns(loginthrottle.FieldKey).Ignore().Exec(ctx)
			if err != nil {
				return charge{}, err
			}
			continue
		} else if err != nil {
			return charge{}, err
		}
		if r.LockedUntil != nil && r.LockedUntil.After(now) {
			wait := int(math.Ceil(r.LockedUntil.Sub(now).Seconds()))
			return charge{}, &apperr.Error{Code: apperr.RateLimited,
				Message: fmt.Sprintf("too many failed logins; try again in %d seconds", wait)}
		}
		failures := r.Failures + 1
		upd := s.Client.LoginThrottle.Update().Where(loginthrottle.Key(k), loginthrottle.Failures(r.Failures))
		if r.WindowStart.Before(cutoff) {
			// The old failures are forgotten: a new window starts.
			failures = 1
			upd.Where(loginthrottle.WindowStartLT(cutoff)).SetWindowStart(now)
		} else {
			upd.Where(loginthrottle.WindowStartGTE(cutoff))
		}
		if until, ok := lockAfter(account, failures, now); ok {
			upd.SetLockedUntil(until)
		} else {
			upd.ClearLockedUntil()
		}
		n, err := upd.SetFailures(failures).Save(ctx)
		if err != nil {
			return charge{}, err
		}
		if n == 1 {
			return charge{key: k, account: account, failures: failures}, nil
		}
	}
	return charge{}, apperr.New(apperr.RateLimited, "too many sign-in attempts at once; try again in a few seconds")
}

// lockAfter is how long a key is closed after its n-th failure: accounts slow
// down from the SlowAfterFailures-th failure (2^(n-3) s) and lock at
// LockAfterFailures; addresses only lock, at LockAddressFailures.
func lockAfter(account bool, n int, now time.Time) (time.Time, bool) {
	limit := LockAddressFailures
	if account {
		limit = LockAfterFailures
	}
	switch {
	case n >= limit:
		return now.Add(LockDuration), true
	case account && n >= SlowAfterFailures:
		return now.Add(min(time.Duration(1<<(n-SlowAfterFailures))*time.Second, MaxSlowDelay)), true
	}
	return time.Time{}, false
}

// refund gives back the attempt charged on keys (a success, or an attempt that
// was not a guess).
func (s *Service) refund(ctx context.Context, keys []string) error {
	for _, k := range keys {
		if _, err := s.Client.LoginThrottle.Update().Where(loginthrottle.Key(k), loginthrottle.FailuresGT(0)).
			AddFailures(-1).Save(ctx); err != nil {
			return err
		}
	}
	return nil
}

// totpPeriod and totpSkew are the TOTP parameters of authenticator apps:
// 30-second steps, one step of clock drift either way.
const (
	totpPeriod = 30
	totpSkew   = 1
)

// useTOTP checks code against the user's secret at the service clock and
// consumes its time step: a conditional update moves the user's last used
// step forward, so a code (or an older one) is accepted once only, even by
// parallel requests.
func (s *Service) useTOTP(ctx context.Context, u *ent.User, secret, code string) (bool, error) {
	now := s.now().Unix() / totpPeriod
	for d := -totpSkew; d <= totpSkew; d++ {
		step := now + int64(d)
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return false, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		n, err := s.Client.User.Update().
			Where(user.ID(u.ID), user.Or(user.TotpLastStepIsNil(), user.TotpLastStepLT(step))).
			SetTotpLastStep(step).Save(ctx)
		return n == 1, err
	}
	return false, nil
}
