// Package gqlann is how the ent schema states its GraphQL annotations (entgql's
// OrderField, Skip, RelayConnection, …) without linking entgql's code
// generator into the server.
//
// Under the build tag entgen, set by ent/entc.go for `go generate`, the
// functions return entgql's annotations and drive the generated schema. In
// every other build they return an inert annotation: the server never reads
// annotations (ent/runtime only calls Fields, Hooks and Policy), and importing
// entgql there would link entc/gen, its templates and x/tools, about 14 MB of
// resident memory (docs/decisions/0255).
package gqlann
