// Package graph is the GraphQL layer: the hand-written *.graphql files beside
// the entgql-generated ent.graphql, thin resolvers that delegate to ent and the
// domain packages, the authorization rule of every root field, operation
// limits, error codes and the audit log.
package graph
