package main

// Code generation, in order: ent (+ entgql's graph/ent.graphql), then gqlgen,
// then the sequential list marshalling (internal/cmd/seqslices), then the
// printed schema.graphql.
//go:generate go run ./ent/entc.go
//go:generate go tool gqlgen generate
//go:generate go run ./internal/cmd/seqslices graph/generated/generated.go
//go:generate go run ./internal/cmd/printschema -o schema.graphql
