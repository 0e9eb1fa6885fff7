package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/ent/apitoken"
	"github.com/opsgraph/opsgraph/ent/knownaddress"
	"github.com/opsgraph/opsgraph/ent/loginthrottle"
	"github.com/opsgraph/opsgraph/ent/session"
	"github.com/opsgraph/opsgraph/ent/user"
	"github.com/opsgraph/opsgraph/secretbox"
)

// Throttling numbers (also in the README).
const (
	ThrottleWindow      = 15 * time.Minute // failures older than this are forgotten
	SlowAfterFailures   = 3                // from the 3rd failure on, each retry must wait 2^(n-3) s
	MaxSlowDelay        = 60 * time.Second
	LockAfterFailures   = 10 // per account: then locked for LockDuration
	LockAddressFailures = 30 // per client address: then locked for LockDuration
	LockDuration        = 15 * time.Minute
	SessionTTL          = 24 * time.Hour
	InviteTTL           = 7 * 24 * time.Hour
)

// Service authenticates users and tokens.
type Service struct {
	Client *ent.Client
	Authz  *authz.Authorizer
	Box    *secretbox.Box
	Log    *slog.Logger
	Now    func() time.Time // the clock; tests move it
	// Cache, when set, reuses the viewer of a token for a short time
	// (NewCache over Client); nil asks the database on every request.
	Cache *Cache
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Errors callers see. Messages never say whether the account exists.
var (
	errBadCredentials = apperr.New(apperr.Unauthenticated, "wrong email or password")
	ErrInvalidToken   = apperr.New(apperr.Unauthenticated, "the token is invalid, expired or revoked")
)

// LoginResult is a new session.
type LoginResult struct {
	Token     string
	ExpiresAt time.Time
	User      *ent.User
}

// NormalizeEmail is the stored form of an email address.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Login checks a password (and TOTP code when enabled), applying throttling,
// and opens a session. It writes outside any request transaction so that
// failure counts survive the failed request.
//
// Every attempt is charged as a failure before the password is checked (see
// throttle.go), atomically: parallel guesses cannot all pass a check made
// before any of them is counted. A success gives the charge back.
func (s *Service) Login(ctx context.Context, email, password, totpCode string) (*LoginResult, error) {
	ctx = authz.SystemContext(ctx)
	email = NormalizeEmail(email)
	addr := ClientAddr(ctx)
	keys := []string{"account:" + email}
	if addr != "" {
		keys = append(keys, "address:"+addr)
	}
	charged, err := s.charge(ctx, keys)
	if err != nil {
		return nil, err
	}
	u, err := s.Client.User.Query().Where(user.Email(email)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	if u == nil || u.Disabled || u.PasswordHash == "" {
		CheckPassword(dummyHash(), password)
		return nil, s.failed(ctx, charged, nil)
	}
	if !CheckPassword(u.PasswordHash, password) {
		return nil, s.failed(ctx, charged, u)
	}
	if u.TotpEnabled {
		secret, err := s.totpSecret(u)
		if err != nil {
			return nil, err
		}
		if totpCode == "" {
			// Not a failed guess: the client asks for the code next.
			if err := s.refund(ctx, keys); err != nil {
				return nil, err
			}
			return nil, &apperr.Error{Code: apperr.Unauthenticated, Field: "totpCode", Message: "a TOTP code is required for this account"}
		}
		ok, err := s.useTOTP(ctx, u, secret, totpCode)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, s.failed(ctx, charged, u)
		}
	}
	// Success: forget the account's failures, give the address its charge back.
	if _, err := s.Client.LoginThrottle.Delete().Where(loginthrottle.Key(keys[0])).Exec(ctx); err != nil {
		return nil, err
	}
	if err := s.refund(ctx, keys[1:]); err != nil {
		return nil, err
	}
	token, hash := NewToken(SessionPrefix)
	exp := s.now().Add(SessionTTL)
	if err := s.Client.Session.Create().SetUserID(u.ID).SetTokenHash(hash).SetExpiresAt(exp).
		SetClientAddress(addr).Exec(ctx); err != nil {
		return nil, err
	}
	if err := s.Client.User.UpdateOne(u).SetLastLoginAt(s.now()).Exec(ctx); err != nil {
		return nil, err
	}
	if err := s.noteAddress(ctx, u, addr); err != nil {
		return nil, err
	}
	return &LoginResult{Token: token, ExpiresAt: exp, User: u}, nil
}

// failed finishes a failed attempt whose failure is already counted: the
// attempt that brought an account to the lock raises the alert, once.
func (s *Service) failed(ctx context.Context, charged []charge, u *ent.User) error {
	for _, c := range charged {
		if u != nil && c.account && c.failures == LockAfterFailures {
			if err := s.Client.Alert.Create().SetUserID(u.ID).SetKind(alert.KindACCOUNT_LOCKED).
				SetSeverity(alert.SeverityCRITICAL).
				SetMessage(fmt.Sprintf("account locked for %s after %d failed logins", LockDuration, c.failures)).Exec(ctx); err != nil {
				return err
			}
		}
	}
	return errBadCredentials
}

// noteAddress remembers the address a user signed in from and raises an alert
// (异常行为监测) when it is new for a user who has signed in before.
func (s *Service) noteAddress(ctx context.Context, u *ent.User, addr string) error {
	if addr == "" {
		return nil
	}
	now := s.now()
	n, err := s.Client.KnownAddress.Update().
		Where(knownaddress.UserID(u.ID), knownaddress.Address(addr)).SetLastSeen(now).Save(ctx)
	if err != nil || n > 0 {
		return err
	}
	known, err := s.Client.KnownAddress.Query().Where(knownaddress.UserID(u.ID)).Exist(ctx)
	if err != nil {
		return err
	}
	if err := s.Client.KnownAddress.Create().SetUserID(u.ID).SetAddress(addr).SetFirstSeen(now).SetLastSeen(now).
		OnConflictColumns(knownaddress.FieldUserID, knownaddress.FieldAddress).UpdateLastSeen().Exec(ctx); err != nil {
		return err
	}
	if !known {
		return nil
	}
	s.Log.InfoContext(ctx, "login from a new address", "user_id", u.ID, "address", addr)
	return s.Client.Alert.Create().SetUserID(u.ID).SetKind(alert.KindNEW_LOGIN_ADDRESS).SetSeverity(alert.SeverityWARNING).
		SetMessage(fmt.Sprintf("sign-in to %s from a new address %s", u.Email, addr)).Exec(ctx)
}

// Logout revokes a session.
func (s *Service) Logout(ctx context.Context, sessionID int) error {
	return s.Client.Session.UpdateOneID(sessionID).SetRevokedAt(s.now()).Exec(authz.SystemContext(ctx))
}

// Authenticate resolves a bearer token to a viewer. With a Cache, a token
// seen within the cache's TTL and since the last change to sessions, tokens,
// users, memberships or organizations is answered without the database; the
// caller always gets a viewer of its own.
func (s *Service) Authenticate(ctx context.Context, token string) (*authz.Viewer, error) {
	now := s.now()
	hash := HashToken(token)
	if s.Cache == nil {
		v, _, err := s.authenticate(ctx, token, hash, now)
		return v, err
	}
	if e, ok := s.Cache.get(string(hash), now); ok {
		if e.tokenID != 0 {
			s.recordUse(ctx, e, now)
		}
		return e.viewer.Clone(), nil
	}
	gen := s.Cache.gen.Load()
	v, e, err := s.authenticate(ctx, token, hash, now)
	if err != nil {
		return nil, err
	}
	e.gen, e.viewer = gen, v.Clone()
	if limit := now.Add(s.Cache.ttl); limit.Before(e.until) {
		e.until = limit
	}
	s.Cache.put(string(hash), e)
	return v, nil
}

// recordUse records the use of a cached API token at most once a minute, as
// an uncached request does.
func (s *Service) recordUse(ctx context.Context, e *cacheEntry, now time.Time) {
	last := e.lastUsed.Load()
	if last != 0 && now.Sub(time.Unix(0, last)) <= time.Minute {
		return
	}
	if !e.lastUsed.CompareAndSwap(last, now.UnixNano()) {
		return // another request records it
	}
	if err := s.Client.APIToken.UpdateOneID(e.tokenID).SetLastUsedAt(now).Exec(authz.SystemContext(ctx)); err != nil {
		s.Log.WarnContext(ctx, "record token use", "err", err)
	}
}

// authenticate asks the database. The entry it returns (on success) holds
// when the session or token expires and, for an API token, its id and last
// recorded use.
func (s *Service) authenticate(ctx context.Context, token string, hash []byte, now time.Time) (*authz.Viewer, *cacheEntry, error) {
	sys := authz.SystemContext(ctx)
	switch {
	case strings.HasPrefix(token, SessionPrefix):
		sess, err := s.Client.Session.Query().Where(session.TokenHash(hash)).WithUser().Only(sys)
		if ent.IsNotFound(err) {
			return nil, nil, ErrInvalidToken
		} else if err != nil {
			return nil, nil, err
		}
		if sess.RevokedAt != nil || !sess.ExpiresAt.After(now) || sess.Edges.User.Disabled {
			return nil, nil, ErrInvalidToken
		}
		v, err := s.Authz.LoadViewer(ctx, sess.UserID, sess.Edges.User.Email, nil)
		if err != nil {
			return nil, nil, err
		}
		v.SessionID = sess.ID
		return v, &cacheEntry{until: sess.ExpiresAt}, nil
	case strings.HasPrefix(token, APITokenPrefix):
		t, err := s.Client.APIToken.Query().Where(apitoken.TokenHash(hash)).WithCreatedBy().Only(sys)
		if ent.IsNotFound(err) {
			return nil, nil, ErrInvalidToken
		} else if err != nil {
			return nil, nil, err
		}
		if t.RevokedAt != nil || (t.ExpiresAt != nil && !t.ExpiresAt.After(now)) || t.Edges.CreatedBy.Disabled {
			return nil, nil, ErrInvalidToken
		}
		e := &cacheEntry{until: now.Add(SessionTTL), tokenID: t.ID}
		if t.ExpiresAt != nil {
			e.until = *t.ExpiresAt
		}
		// Record use at most once a minute: no write on every scripted request.
		if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
			if err := s.Client.APIToken.UpdateOne(t).SetLastUsedAt(now).Exec(sys); err != nil {
				s.Log.WarnContext(ctx, "record token use", "err", err)
			}
			e.lastUsed.Store(now.UnixNano())
		} else {
			e.lastUsed.Store(t.LastUsedAt.UnixNano())
		}
		v, err := s.Authz.LoadViewer(ctx, t.CreatedByID, t.Edges.CreatedBy.Email,
			&authz.TokenScope{ID: t.ID, Org: t.OrganizationID, Role: t.Role, Store: deref(t.StoreID)})
		if err != nil {
			return nil, nil, err
		}
		return v, e, nil
	}
	return nil, nil, ErrInvalidToken
}

// NewAPIToken creates a token for org with role on behalf of the viewer and
// returns the secret, which is never retrievable again.
func (s *Service) NewAPIToken(ctx context.Context, c *ent.Client, creator int, name string, org int, role string, expiresAt *time.Time, storeID *int) (string, *ent.APIToken, error) {
	if expiresAt != nil && !expiresAt.After(s.now()) {
		return "", nil, apperr.Input("expiresAt", "must be in the future")
	}
	token, hash := NewToken(APITokenPrefix)
	t, err := c.APIToken.Create().SetName(name).SetOrganizationID(org).SetRole(role).
		SetCreatedByID(creator).SetPrefix(token[:len(APITokenPrefix)+6]).SetTokenHash(hash).
		SetNillableExpiresAt(expiresAt).SetNillableStoreID(storeID).Save(ctx)
	if err != nil {
		return "", nil, err
	}
	return token, t, nil
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// totpSecret opens a user's sealed TOTP secret.
func (s *Service) totpSecret(u *ent.User) (string, error) {
	sealed, err := base64.StdEncoding.DecodeString(u.TotpSecret)
	if err != nil {
		return "", err
	}
	plain, err := s.Box.Open(sealed, totpAD(u.ID))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

func totpAD(userID int) []byte { return []byte(fmt.Sprintf("totp:user:%d", userID)) }

// EnableTOTP generates a new TOTP secret for the user, not yet required until
// confirmed with VerifyTOTP. It returns the secret and its otpauth:// URL.
// Once the second factor is on it is refused: enrolling again would switch the
// factor off until verified, which a stolen session must not be able to do.
func (s *Service) EnableTOTP(ctx context.Context, userID int) (secret, url string, err error) {
	ctx = authz.SystemContext(ctx)
	u, err := s.Client.User.Get(ctx, userID)
	if err != nil {
		return "", "", err
	}
	if u.TotpEnabled {
		return "", "", apperr.New(apperr.Conflict, "TOTP is already enabled for this account")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "OpsGraph", AccountName: u.Email})
	if err != nil {
		return "", "", err
	}
	sealed := s.Box.Seal([]byte(key.Secret()), totpAD(u.ID))
	if err := s.Client.User.UpdateOne(u).SetTotpSecret(base64.StdEncoding.EncodeToString(sealed)).
		SetTotpEnabled(false).ClearTotpLastStep().Exec(ctx); err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// VerifyTOTP confirms the pending secret with a current code and turns the
// second factor on.
func (s *Service) VerifyTOTP(ctx context.Context, userID int, code string) error {
	ctx = authz.SystemContext(ctx)
	u, err := s.Client.User.Get(ctx, userID)
	if err != nil {
		return err
	}
	if u.TotpSecret == "" {
		return apperr.New(apperr.Conflict, "call enableTOTP first")
	}
	secret, err := s.totpSecret(u)
	if err != nil {
		return err
	}
	ok, err := s.useTOTP(ctx, u, secret, code)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Input("code", "the code does not match or was used already; check the device clock")
	}
	return s.Client.User.UpdateOne(u).SetTotpEnabled(true).Exec(ctx)
}

// InvitePrefix starts invitation tokens.
const InvitePrefix = "ogi_"

// Invite creates a pending invitation for a new user and returns its token.
func (s *Service) Invite(ctx context.Context, c *ent.Client, email, displayName string) (*ent.User, string, error) {
	token, hash := NewToken(InvitePrefix)
	u, err := c.User.Create().SetEmail(NormalizeEmail(email)).SetDisplayName(displayName).
		SetInviteTokenHash(hash).SetInviteExpiresAt(s.now().Add(InviteTTL)).Save(authz.SystemContext(ctx))
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// AcceptInvitation sets the password of an invited user and signs them in.
func (s *Service) AcceptInvitation(ctx context.Context, token, password string) (*LoginResult, error) {
	sys := authz.SystemContext(ctx)
	u, err := s.Client.User.Query().Where(user.InviteTokenHash(HashToken(token))).Only(sys)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.Unauthenticated, "the invitation is invalid or has been used; if you already have an account, sign in with your password")
	} else if err != nil {
		return nil, err
	}
	if u.InviteExpiresAt == nil || !u.InviteExpiresAt.After(s.now()) {
		return nil, apperr.New(apperr.Unauthenticated, "the invitation has expired")
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, apperr.Input("password", "%s", err.Error())
	}
	if err := s.Client.User.UpdateOne(u).SetPasswordHash(hash).ClearInviteTokenHash().ClearInviteExpiresAt().Exec(sys); err != nil {
		return nil, err
	}
	return s.Login(ctx, u.Email, password, "")
}

// ErrNoViewer is returned where a signed-in user is needed.
var ErrNoViewer = errors.New("no signed-in user")
