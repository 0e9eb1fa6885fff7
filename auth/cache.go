package auth

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/apitoken"
	"github.com/opsgraph/opsgraph/ent/user"
)

// DefaultCacheTTL is how long an authenticated token's viewer (user, session
// or API token, memberships, agency grants) is reused without asking the
// database. Every change made through this server's ent client (logout,
// revocation, membership, role, organization and user changes) empties the
// cache at once; the TTL bounds what this replica cannot see: a change made
// by another replica whose notification did not arrive, or by hand in SQL.
const DefaultCacheTTL = 5 * time.Second

// maxCacheEntries bounds the cache's memory: only valid tokens are cached,
// and when this many are, expired entries are swept and, if none expired,
// the cache starts over.
const maxCacheEntries = 10_000

// Cache remembers the viewer of a valid token for a short time so that a
// request does not pay three queries (session or token, memberships, client
// organizations) to authenticate. Decisions stay per request: each request
// gets its own clone of the viewer, and casbin is asked afresh.
//
// Invalidation is by generation: a mutation of a session, API token, user,
// membership or organization (except the bookkeeping writes listed in
// affectsAuth) increments the generation after it is written and again after
// its transaction commits, and an entry made under an older generation is
// never used. An entry loaded while a change was being committed therefore
// carries the old generation and is dropped.
type Cache struct {
	ttl     time.Duration
	gen     atomic.Uint64
	mu      sync.Mutex
	entries map[string]*cacheEntry
	// Changed, when set, is called after a local change emptied the cache;
	// the server notifies the other replicas (PostgreSQL NOTIFY), which call
	// Invalidate.
	Changed func()
}

type cacheEntry struct {
	gen    uint64
	until  time.Time // min(loaded + TTL, session or token expiry)
	viewer *authz.Viewer
	// API tokens: the token and when its use was last recorded.
	tokenID  int
	lastUsed atomic.Int64 // Unix nanoseconds; 0: never
}

// NewCache returns a cache whose entries live ttl (<= 0: DefaultCacheTTL)
// and registers the hooks that empty it on client's mutations. Use the
// returned cache only with a Service over the same client.
func NewCache(client *ent.Client, ttl time.Duration) *Cache {
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	c := &Cache{ttl: ttl, entries: map[string]*cacheEntry{}}
	client.Use(c.hook)
	return c
}

// Invalidate forgets every cached viewer.
func (c *Cache) Invalidate() {
	c.gen.Add(1)
	c.mu.Lock()
	clear(c.entries)
	c.mu.Unlock()
}

func (c *Cache) get(hash string, now time.Time) (*cacheEntry, bool) {
	c.mu.Lock()
	e, ok := c.entries[hash]
	c.mu.Unlock()
	if !ok || e.gen != c.gen.Load() || !now.Before(e.until) {
		return nil, false
	}
	return e, true
}

func (c *Cache) put(hash string, e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.gen != c.gen.Load() {
		return // loaded while something changed
	}
	if len(c.entries) >= maxCacheEntries {
		now := time.Now()
		for k, old := range c.entries {
			if old.gen != e.gen || !now.Before(old.until) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCacheEntries {
			clear(c.entries)
		}
	}
	c.entries[hash] = e
}

// hook empties the cache after a mutation that may change who a token
// authenticates as or what they may do, and again when its transaction
// commits.
func (c *Cache) hook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if !affectsAuth(m) {
			return next.Mutate(ctx, m)
		}
		v, err := next.Mutate(ctx, m)
		tm, ok := m.(interface{ Tx() (*ent.Tx, error) })
		tx, txErr := (*ent.Tx)(nil), error(nil)
		if ok {
			tx, txErr = tm.Tx()
		}
		if !ok || txErr != nil {
			c.changed()
			return v, err
		}
		// Inside a transaction: forget now (this replica may read its own
		// uncommitted change) and again, telling the other replicas, once
		// the change is visible to them.
		c.Invalidate()
		tx.OnCommit(func(commit ent.Committer) ent.Committer {
			return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
				err := commit.Commit(ctx, tx)
				c.changed()
				return err
			})
		})
		return v, err
	})
}

func (c *Cache) changed() {
	c.Invalidate()
	if c.Changed != nil {
		c.Changed()
	}
}

// bookkeeping are the fields whose changes do not affect authentication or
// grants: recorded use, last login, TOTP replay protection, timestamps.
var bookkeeping = map[string][]string{
	ent.TypeAPIToken: {apitoken.FieldLastUsedAt, apitoken.FieldUpdatedAt},
	ent.TypeUser:     {user.FieldLastLoginAt, user.FieldTotpLastStep, user.FieldUpdatedAt},
}

// affectsAuth reports whether m may change a cached viewer. New sessions and
// tokens cannot be cached yet; new memberships and organizations (an
// agency's new client) add grants, so they count.
func affectsAuth(m ent.Mutation) bool {
	switch m.Type() {
	case ent.TypeMembership, ent.TypeOrganization:
		return true
	case ent.TypeSession, ent.TypeAPIToken, ent.TypeUser:
		if m.Op().Is(ent.OpCreate) {
			return false
		}
		if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
			return true
		}
		skip := bookkeeping[m.Type()]
		for _, f := range append(m.Fields(), m.ClearedFields()...) {
			if !slices.Contains(skip, f) {
				return true
			}
		}
		return false
	}
	return false
}
