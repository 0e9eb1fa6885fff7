package authz

import (
	"context"
	"fmt"

	"github.com/opsgraph/opsgraph/ent/membership"
	"github.com/opsgraph/opsgraph/ent/organization"
)

// maxOrgDepth bounds the agency → client walk (agencies of agencies are rare).
const maxOrgDepth = 5

// TokenScope restricts a viewer to one role in one organization (API tokens).
type TokenScope struct {
	ID   int
	Org  int
	Role string
	// Store, when not 0, confines the token to one store of Org.
	Store int
}

// LoadViewer builds the viewer of a request: the user's memberships (or the
// token's single grant), extended from each agency to its client organizations.
// Two or three indexed queries; done once per request.
func (a *Authorizer) LoadViewer(ctx context.Context, userID int, email string, token *TokenScope) (*Viewer, error) {
	sys := SystemContext(ctx)
	ms, err := a.client.Membership.Query().Where(membership.UserID(userID)).All(sys)
	if err != nil {
		return nil, fmt.Errorf("load memberships: %w", err)
	}
	direct := map[int][]Grant{}
	for _, m := range ms {
		direct[m.OrganizationID] = append(direct[m.OrganizationID], Grant{Role: m.Role, Domain: m.OrganizationID})
	}
	grants, err := a.expand(sys, direct)
	if err != nil {
		return nil, err
	}
	v := &Viewer{UserID: userID, Email: email, az: a}
	if token != nil {
		// A token acts with its own role in its organization only, only while
		// its creator still belongs there, and never beyond what the creator
		// may do there now (limit).
		v.TokenID = token.ID
		v.Store = token.Store
		v.limit = &Viewer{UserID: userID, Email: email, grants: grants, az: a}
		if _, ok := grants[token.Org]; !ok {
			grants = map[int][]Grant{}
		} else if grants, err = a.expand(sys, map[int][]Grant{token.Org: {{Role: token.Role, Domain: token.Org}}}); err != nil {
			return nil, err
		}
	}
	v.grants = grants
	return v, nil
}

// expand adds, for every organization with grants, its client organizations
// (recursively), which inherit those grants.
func (a *Authorizer) expand(ctx context.Context, direct map[int][]Grant) (map[int][]Grant, error) {
	out := map[int][]Grant{}
	for o, gs := range direct {
		out[o] = append(out[o], gs...)
	}
	frontier := make([]int, 0, len(direct))
	for o := range direct {
		frontier = append(frontier, o)
	}
	for depth := 0; depth < maxOrgDepth && len(frontier) > 0; depth++ {
		children, err := a.client.Organization.Query().
			Where(organization.ParentIDIn(frontier...)).
			Select(organization.FieldID, organization.FieldParentID).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load client organizations: %w", err)
		}
		frontier = frontier[:0]
		for _, c := range children {
			inherited := out[c.ParentID]
			if _, seen := out[c.ID]; !seen {
				frontier = append(frontier, c.ID)
			}
			for _, g := range inherited {
				if !hasGrant(out[c.ID], g) {
					out[c.ID] = append(out[c.ID], g)
				}
			}
		}
	}
	return out, nil
}

func hasGrant(gs []Grant, g Grant) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

// NewTestViewer builds a viewer from explicit grants; for tests of code that
// only reads a viewer.
func (a *Authorizer) NewTestViewer(userID int, grants map[int][]Grant) *Viewer {
	return &Viewer{UserID: userID, grants: grants, az: a}
}
