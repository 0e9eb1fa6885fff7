package main

// Code generation, in order: ent (+ entgql's graph/ent.graphql), then gqlgen.
//go:generate go run ./ent/entc.go
//go:generate go tool gqlgen generate
//go:generate go run ./internal/cmd/printschema -o schema.graphql
