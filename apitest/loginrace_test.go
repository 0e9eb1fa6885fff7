package apitest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/membership"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// parallel runs n copies of f at once and counts the answers by first error
// code ("" for success).
func parallel(n int, f func(i int) *testenv.Response) map[string]int {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		count = map[string]int{}
		start = make(chan struct{})
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res := f(i)
			code := ""
			if len(res.Errors) > 0 {
				code = res.Errors[0].Code()
			}
			mu.Lock()
			count[code]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return count
}

// enableTOTP turns the second factor on for a signed-in user at the clock's
// time and returns the secret.
func enableTOTP(t *testing.T, env *testenv.Env, clock *testenv.Clock, tok string) string {
	t.Helper()
	var en struct{ EnableTOTP struct{ Secret string } }
	mustOK(t, env, tok, `mutation { enableTOTP { secret } }`, nil, &en)
	code, err := totp.GenerateCode(en.EnableTOTP.Secret, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, env, tok, `mutation($c: String!) { verifyTOTP(code: $c) }`, vars("c", code), nil)
	return en.EnableTOTP.Secret
}

// TestLoginParallelGuesses (issue 7 finding 4): 48 parallel wrong passwords,
// and 40 parallel wrong TOTP codes after the right password, for one account
// at a standing clock: the backoff starts at the SlowAfterFailures-th failure,
// so at most that many are checked; every other attempt is refused
// RATE_LIMITED without being checked. Before, all of them were checked.
func TestLoginParallelGuesses(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		clock := testenv.NewClock(time.Now())
		env := testenv.New(t, b, testenv.WithClock(clock.Now))
		org := env.Org(t, "Brand", 0)
		env.SeedUser(t, "victim@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
		env.SeedUser(t, "totp@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
		enableTOTP(t, env, clock, env.Login(t, "totp@brand.test"))

		tests := []struct {
			name, email, password, code string
			n                           int
		}{
			{"wrong passwords", "victim@brand.test", "wrong-password", "", 48},
			{"wrong TOTP codes", "totp@brand.test", testenv.Password, "", 40},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got := parallel(tc.n, func(i int) *testenv.Response {
					code := tc.code
					if tc.email == "totp@brand.test" {
						code = fmt.Sprintf("%06d", 100000+i) // wrong codes (the right one is 1 in 10^6)
					}
					return login(t, env, tc.email, tc.password, code, "")
				})
				if got["UNAUTHENTICATED"] > auth.SlowAfterFailures || got["UNAUTHENTICATED"] == 0 {
					t.Errorf("%d of %d parallel guesses were checked, want 1..%d (answers %v)",
						got["UNAUTHENTICATED"], tc.n, auth.SlowAfterFailures, got)
				}
				if got["UNAUTHENTICATED"]+got["RATE_LIMITED"] != tc.n {
					t.Errorf("answers %v, want only UNAUTHENTICATED and RATE_LIMITED", got)
				}
			})
		}
	})
}

// TestTOTPSingleUse (finding 4): a TOTP code signs in once; the same code
// again within its window is refused, also when sent by parallel requests
// (exactly one wins); the next time step's code works.
func TestTOTPSingleUse(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		clock := testenv.NewClock(time.Now())
		env := testenv.New(t, b, testenv.WithClock(clock.Now))
		org := env.Org(t, "Brand", 0)
		env.SeedUser(t, "user@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
		secret := enableTOTP(t, env, clock, env.Login(t, "user@brand.test"))
		// The code that confirmed the factor is used up.
		used, _ := totp.GenerateCode(secret, clock.Now())
		wantCode(t, login(t, env, "user@brand.test", testenv.Password, used, ""), "UNAUTHENTICATED")

		clock.Advance(30 * time.Second)
		code, _ := totp.GenerateCode(secret, clock.Now())
		wantOK(t, login(t, env, "user@brand.test", testenv.Password, code, ""))
		res := login(t, env, "user@brand.test", testenv.Password, code, "")
		wantCode(t, res, "UNAUTHENTICATED")

		clock.Advance(time.Hour) // past any backoff
		code, _ = totp.GenerateCode(secret, clock.Now())
		got := parallel(8, func(int) *testenv.Response {
			return login(t, env, "user@brand.test", testenv.Password, code, "")
		})
		if got[""] != 1 {
			t.Errorf("one code sent by 8 parallel logins signed in %d times (answers %v), want once", got[""], got)
		}
	})
}

// TestTrustedProxiesRotatingXFF (finding 4): behind --trusted-proxies the
// client address is the rightmost untrusted X-Forwarded-For hop, so a client
// that rotates the (leftmost) part it writes itself still hits the address
// lock. Before, the leftmost hop was taken and the lock never triggered.
func TestTrustedProxiesRotatingXFF(t *testing.T) {
	clock := testenv.NewClock(time.Now())
	env := testenv.New(t, testenv.SQLite, testenv.WithClock(clock.Now), testenv.WithTrustedProxies("127.0.0.0/8", "::1"))
	org := env.Org(t, "Brand", 0)
	env.SeedUser(t, "user@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
	const attacker = "203.0.113.66"
	attempt := func(i int, email, password string) *testenv.Response {
		// What the attacker writes, then what the (trusted) proxy appended.
		xff := fmt.Sprintf("10.%d.%d.%d, %s", i/65536%256, i/256%256, i%256, attacker)
		return env.Do(t, testenv.Request{Query: opLogin,
			Variables: vars("e", email, "p", password, "c", nil),
			Header:    http.Header{"X-Forwarded-For": {xff}}})
	}
	for i := range auth.LockAddressFailures {
		wantCode(t, attempt(i, fmt.Sprintf("guess%d@brand.test", i), "wrong-password"), "UNAUTHENTICATED")
	}
	wantCode(t, attempt(999, "user@brand.test", testenv.Password), "RATE_LIMITED")
	// Another client behind the same proxy is not locked out.
	wantOK(t, login(t, env, "user@brand.test", testenv.Password, "", "198.51.100.20"))
}

// TestLastOwnerConcurrentDemotion (finding 4): two owners demoting each other
// at the same moment must leave the organization one owner. Before, on
// PostgreSQL both demotions counted two owners and both committed.
func TestLastOwnerConcurrentDemotion(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b)
		org := env.Org(t, "Brand", 0)
		toks := []string{
			env.User(t, "one@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner}),
			env.User(t, "two@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner}),
		}
		ms := []string{membershipOf(t, env, "one@brand.test", org), membershipOf(t, env, "two@brand.test", org)}
		for round := range 20 {
			got := parallel(2, func(i int) *testenv.Response {
				// Each owner demotes the other.
				return gql(t, env, toks[i], opChange, vars("m", ms[1-i], "r", authz.RoleAdmin))
			})
			owners := env.Client.Membership.Query().
				Where(membership.OrganizationID(org), membership.Role(authz.RoleOwner)).CountX(sys)
			if owners != 1 {
				t.Fatalf("round %d: %d owners left after mutual demotion (answers %v), want 1", round, owners, got)
			}
			// The loser is refused: CONFLICT (last owner) or, when the
			// winner committed before it was authorized, FORBIDDEN (no
			// longer an owner).
			if got[""] != 1 || got["CONFLICT"]+got["FORBIDDEN"] != 1 {
				t.Errorf("round %d: answers %v, want one success and one CONFLICT or FORBIDDEN", round, got)
			}
			env.Client.Membership.Update().Where(membership.OrganizationID(org)).SetRole(authz.RoleOwner).ExecX(sys)
		}
	})
}

// TestInviteMemberNoOracle (finding 4): an admin of Brand B inviting an email
// gets the same answer whether or not the email has an account (in Brand A):
// an invitation token either way, no name from Brand A.
func TestInviteMemberNoOracle(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	brandA := env.Org(t, "Brand A", 0)
	brandB := env.Org(t, "Brand B", 0)
	uid := env.SeedUser(t, "alice@brand-a.test", testenv.Grant{Org: brandA, Role: authz.RoleViewer})
	env.Client.User.UpdateOneID(uid).SetDisplayName("Alice of Brand A").ExecX(sys)
	adminB := env.User(t, "admin@brand-b.test", testenv.Grant{Org: brandB, Role: authz.RoleAdmin})

	const op = `mutation($o: ID!, $e: String!) { inviteMember(organizationID: $o, email: $e, role: "viewer", displayName: "Invitee") { invitationToken membership { role user { email displayName } } } }`
	shape := func(email string) (string, string) {
		res := gql(t, env, adminB, op, vars("o", brandB, "e", email))
		wantOK(t, res)
		var out struct {
			InviteMember struct {
				InvitationToken *string
				Membership      struct {
					Role string
					User struct{ Email, DisplayName string }
				}
			}
		}
		res.Decode(t, &out)
		tok := "<none>"
		if p := out.InviteMember.InvitationToken; p != nil {
			tok = (*p)[:len(auth.InvitePrefix)] + fmt.Sprintf("<%d chars>", len(*p))
		}
		return fmt.Sprintf("%s %s %s", tok, out.InviteMember.Membership.Role, out.InviteMember.Membership.User.DisplayName), string(res.Data)
	}
	existing, raw := shape("alice@brand-a.test")
	fresh, _ := shape("nobody@brand-b.test")
	if existing != fresh {
		t.Errorf("the answer tells an existing account (%s) from a new one (%s)", existing, fresh)
	}
	if strings.Contains(raw, "Alice of Brand A") {
		t.Errorf("the answer shows Brand A's name for the user: %s", raw)
	}
}
