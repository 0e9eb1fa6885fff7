// Package schema is the OpsGraph data model: one file per entity, each with its
// fields, edges, indexes, GraphQL annotations, privacy policy and hooks. The rest
// of ent/ is generated from it by `go generate ./...`.
package schema
