package main

// Code generation, in order: ent (+ entgql's graph/ent.graphql), then gqlgen.
//go:generate go run ./ent/entc.go
//go:generate go tool gqlgen generate
