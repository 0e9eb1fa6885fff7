//go:build !entgen

package gqlann

import "entgo.io/ent/schema"

// SkipMode says which generated GraphQL parts skip a type, field or edge.
type SkipMode int

// MutationOption is a generated mutation input (create or update).
type MutationOption struct{}

// The skip modes (their values matter only to the generator).
const (
	SkipAll SkipMode = iota
	SkipWhereInput
	SkipOrderField
	SkipMutationCreateInput
	SkipMutationUpdateInput
)

// inert stands for every annotation outside code generation.
type inert struct{}

func (inert) Name() string { return "EntGQL" }

// OrderField makes the field a GraphQL order field named name.
func OrderField(string) schema.Annotation { return inert{} }

// Skip leaves the annotated element out of the given generated parts.
func Skip(...SkipMode) schema.Annotation { return inert{} }

// RelayConnection generates a Relay connection for the type or edge.
func RelayConnection() schema.Annotation { return inert{} }

// Type names the GraphQL type of a field.
func Type(string) schema.Annotation { return inert{} }

// QueryField adds a root query field for the type.
func QueryField(...string) schema.Annotation { return inert{} }

// MultiOrder lets the type's connection be ordered by several fields.
func MultiOrder() schema.Annotation { return inert{} }

// Mutations generates the given mutation inputs.
func Mutations(...MutationOption) schema.Annotation { return inert{} }

// MutationCreate is the create input.
func MutationCreate() MutationOption { return MutationOption{} }

// MutationUpdate is the update input.
func MutationUpdate() MutationOption { return MutationOption{} }
