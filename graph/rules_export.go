package graph

import "sort"

// RuleFor reports whether the root field ("Query.node", "Mutation.login") has
// an authorization rule, and whether that rule makes it public. The guard
// tests use it to fail when a field is added without a rule.
func RuleFor(field string) (public bool, ok bool) {
	ru, ok := rules[field]
	return ru.public, ok
}

// RuleFields lists the root fields that have a rule, sorted, so that tests can
// also catch rules left behind for fields that no longer exist.
func RuleFields() []string {
	out := make([]string, 0, len(rules))
	for f := range rules {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}
