package apitest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

const opLogin = `mutation($e: String!, $p: String!, $c: String) { login(email: $e, password: $p, totpCode: $c) { token user { email } } }`

// login tries to sign in from addr (X-Forwarded-For; the env trusts the proxy).
func login(t *testing.T, env *testenv.Env, email, password, code, addr string) *testenv.Response {
	t.Helper()
	vs := map[string]any{"e": email, "p": password, "c": nil}
	if code != "" {
		vs["c"] = code
	}
	req := testenv.Request{Query: opLogin, Variables: vs}
	if addr != "" {
		req.Header = http.Header{"X-Forwarded-For": {addr}}
	}
	return env.Do(t, req)
}

// TestLoginThrottling walks the numbers of auth/service.go: from the
// SlowAfterFailures-th failure each retry must wait 2^(n-3) s (RATE_LIMITED
// meanwhile), after LockAfterFailures the account is locked for LockDuration,
// during which even the right password is refused; then it works again.
func TestLoginThrottling(t *testing.T) {
	clock := testenv.NewClock(time.Now())
	env := testenv.New(t, testenv.SQLite, testenv.WithClock(clock.Now), testenv.WithTrustProxy())
	org := env.Org(t, "Brand", 0)
	env.SeedUser(t, "victim@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
	const addr = "198.51.100.7"
	wrong := func() *testenv.Response { return login(t, env, "victim@brand.test", "wrong-password", "", addr) }

	for n := 1; n <= auth.LockAfterFailures; n++ {
		wantCode(t, wrong(), "UNAUTHENTICATED")
		if n < auth.SlowAfterFailures {
			continue
		}
		// Slowed: an immediate retry is refused without checking the password.
		res := wrong()
		wantCode(t, res, "RATE_LIMITED")
		if n == auth.LockAfterFailures {
			break
		}
		delay := time.Duration(1<<(n-auth.SlowAfterFailures)) * time.Second
		clock.Advance(min(delay, auth.MaxSlowDelay) - 10*time.Millisecond)
		wantCode(t, wrong(), "RATE_LIMITED") // not yet
		clock.Advance(20 * time.Millisecond)
	}
	// Locked: the right password is refused too, for LockDuration.
	wantCode(t, login(t, env, "victim@brand.test", testenv.Password, "", addr), "RATE_LIMITED")
	clock.Advance(auth.LockDuration - time.Minute)
	wantCode(t, login(t, env, "victim@brand.test", testenv.Password, "", "192.0.2.1"), "RATE_LIMITED")
	n := env.Client.Alert.Query().Where(alert.KindEQ(alert.KindACCOUNT_LOCKED)).CountX(sys)
	if n != 1 {
		t.Errorf("%d ACCOUNT_LOCKED alerts, want 1", n)
	}
	clock.Advance(time.Minute + time.Second)
	res := login(t, env, "victim@brand.test", testenv.Password, "", addr)
	wantOK(t, res)
	// Success forgets the account's failures: one more mistake is not slowed.
	wantCode(t, wrong(), "UNAUTHENTICATED")
	wantOK(t, login(t, env, "victim@brand.test", testenv.Password, "", addr))
}

// TestLoginThrottlingPerAddress: failures from one client address across many
// accounts lock that address (not others) after LockAddressFailures.
func TestLoginThrottlingPerAddress(t *testing.T) {
	clock := testenv.NewClock(time.Now())
	env := testenv.New(t, testenv.SQLite, testenv.WithClock(clock.Now), testenv.WithTrustProxy())
	org := env.Org(t, "Brand", 0)
	env.SeedUser(t, "user@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
	const attacker = "203.0.113.66"
	for i := 0; i < auth.LockAddressFailures; i++ {
		// Different (unknown) accounts: no account is slowed, only the address counts.
		wantCode(t, login(t, env, fmt.Sprintf("guess%d@brand.test", i), "wrong-password", "", attacker), "UNAUTHENTICATED")
	}
	wantCode(t, login(t, env, "user@brand.test", testenv.Password, "", attacker), "RATE_LIMITED")
	wantOK(t, login(t, env, "user@brand.test", testenv.Password, "", "192.0.2.10"))
	clock.Advance(auth.LockDuration + time.Second)
	wantOK(t, login(t, env, "user@brand.test", testenv.Password, "", attacker))
}

// TestTOTPAndNewAddressAlert: enableTOTP + verifyTOTP turn the second factor
// on, after which login needs a valid code; signing in from an address never
// seen for the user raises a NEW_LOGIN_ADDRESS alert the user can see.
func TestTOTPAndNewAddressAlert(t *testing.T) {
	clock := testenv.NewClock(time.Now())
	env := testenv.New(t, testenv.SQLite, testenv.WithTrustProxy(), testenv.WithClock(clock.Now))
	org := env.Org(t, "Brand", 0)
	env.SeedUser(t, "user@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
	const home, away = "192.0.2.10", "203.0.113.5"

	res := login(t, env, "user@brand.test", testenv.Password, "", home)
	wantOK(t, res)
	var lp struct{ Login struct{ Token string } }
	res.Decode(t, &lp)
	tok := lp.Login.Token
	var secret string // the TOTP secret, once enabled

	t.Run("TOTP", func(t *testing.T) {
		var en struct {
			EnableTOTP struct{ Secret, OtpauthURL string }
		}
		mustOK(t, env, tok, `mutation { enableTOTP { secret otpauthURL } }`, nil, &en)
		secret = en.EnableTOTP.Secret
		if secret == "" || !strings.HasPrefix(en.EnableTOTP.OtpauthURL, "otpauth://totp/") {
			t.Fatalf("enableTOTP = %+v", en)
		}
		// Not required until verified.
		wantOK(t, login(t, env, "user@brand.test", testenv.Password, "", home))
		wantCode(t, gql(t, env, tok, `mutation { verifyTOTP(code: "000000") }`, nil), "BAD_USER_INPUT")
		code, err := totp.GenerateCode(secret, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		mustOK(t, env, tok, `mutation($c: String!) { verifyTOTP(code: $c) }`, map[string]any{"c": code}, nil)
		clock.Advance(30 * time.Second) // codes are single-use: the next login needs the next one

		res := login(t, env, "user@brand.test", testenv.Password, "", home)
		wantCode(t, res, "UNAUTHENTICATED")
		if !strings.Contains(res.Errors[0].Message, "TOTP") {
			t.Errorf("login without a code: %q, want a hint that a TOTP code is needed", res.Errors[0].Message)
		}
		wantCode(t, login(t, env, "user@brand.test", testenv.Password, "123456", home), "UNAUTHENTICATED")
		wantCode(t, login(t, env, "user@brand.test", "wrong-password", code, home), "UNAUTHENTICATED")
		code, _ = totp.GenerateCode(secret, clock.Now())
		wantOK(t, login(t, env, "user@brand.test", testenv.Password, code, home))
		// A stolen session cannot quietly turn the second factor off by
		// enrolling again: once on, enableTOTP is refused and the code stays required.
		wantCode(t, gql(t, env, tok, `mutation { enableTOTP { secret } }`, nil), "CONFLICT")
		wantCode(t, login(t, env, "user@brand.test", testenv.Password, "", home), "UNAUTHENTICATED")
		var me struct{ Me struct{ TotpEnabled bool } }
		mustOK(t, env, tok, `{ me { totpEnabled } }`, nil, &me)
		if !me.Me.TotpEnabled {
			t.Error("me.totpEnabled is false")
		}
		// The secret and codes never reach the audit log.
		for _, e := range env.Client.AuditEvent.Query().AllX(sys) {
			if s := fmt.Sprint(e.Summary); strings.Contains(s, secret) || strings.Contains(s, code) || strings.Contains(s, testenv.Password) {
				t.Errorf("audit event %s has a secret in its summary: %v", e.Action, e.Summary)
			}
		}
	})

	t.Run("new address alert", func(t *testing.T) {
		alerts := func() []string {
			var out struct {
				Alerts struct {
					Edges []struct {
						Node struct{ Kind, Message string }
					}
				}
			}
			mustOK(t, env, tok, `{ alerts(first: 20) { edges { node { kind message } } } }`, nil, &out)
			var kinds []string
			for _, e := range out.Alerts.Edges {
				kinds = append(kinds, e.Node.Kind)
			}
			return kinds
		}
		if got := alerts(); len(got) != 0 {
			t.Fatalf("alerts before any new address: %v", got)
		}
		code := func() string {
			if secret == "" {
				return ""
			}
			clock.Advance(30 * time.Second) // a fresh, unused code
			c, _ := totp.GenerateCode(secret, clock.Now())
			return c
		}
		wantOK(t, login(t, env, "user@brand.test", testenv.Password, code(), away))
		if got := alerts(); len(got) != 1 || got[0] != "NEW_LOGIN_ADDRESS" {
			t.Errorf("alerts after a login from a new address: %v", got)
		}
		// The same address again raises nothing new.
		wantOK(t, login(t, env, "user@brand.test", testenv.Password, code(), away))
		if got := alerts(); len(got) != 1 {
			t.Errorf("alerts after a second login from the same address: %v", got)
		}
		// Another member of the organization does not see the user's account alerts.
		other := env.User(t, "other@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
		var out struct{ Alerts struct{ TotalCount int } }
		mustOK(t, env, other, `{ alerts(first: 20) { totalCount } }`, nil, &out)
		if out.Alerts.TotalCount != 0 {
			t.Errorf("another member sees %d of the user's alerts", out.Alerts.TotalCount)
		}
	})
}
