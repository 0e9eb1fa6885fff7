package relay

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// A nested connection of many parents (`products { skus(first: 10) }`) is
// loaded in one statement, limited per parent. The portable form is a
// ROW_NUMBER() window (LimitPerRow); on SQLite the window buffers every row of
// the statement in an ephemeral table and costs half again the rows
// themselves (docs/decisions/0261). With the parents' keys known, SQLite
// reads each parent's first rows straight from the index instead: the keys
// go in as one JSON array, and for each of them a correlated subquery takes
// the first ids in order. The statement's text does not depend on the number
// of parents, so one prepared statement serves every page size. The keys come
// from InPartitions, the edge loader's predicate (ent/entc.go rewrites ent's
// loaders to call it).

type partitionsKey struct{}

// partitions are the parent keys an edge loader restricted a query to.
type partitions struct {
	column string
	keys   []driver.Value
	// ref, while set, renders the restriction as column = ref (an outer
	// column): the correlated subquery of one parent.
	ref string
}

// InPartitions restricts s to the rows whose column is one of keys (the
// foreign key of an edge to the parents being loaded), as
// sql.InValues(column, keys...) does, and records keys for LimitPerRow.
func InPartitions(s *sql.Selector, column string, keys []driver.Value) {
	p := &partitions{column: column, keys: keys}
	c := s.C(column)
	s.Where(sql.P(func(b *sql.Builder) {
		if p.ref != "" {
			b.WriteString(c).WriteOp(sql.OpEQ).WriteString(p.ref)
			return
		}
		b.Join(sql.InValues(c, keys...))
	}))
	s.WithContext(context.WithValue(s.Context(), partitionsKey{}, p))
}

// limitPerParent rewrites s, on SQLite with its parents' keys known, into
//
//	SELECT <columns> FROM <table> JOIN (SELECT value AS partition_key FROM json_each(<keys>)) AS partitions
//	  ON <table>.id IN (SELECT id FROM <table> WHERE <s's conditions, the partition column = partition_key>
//	                    ORDER BY <order> LIMIT <limit>)
//	ORDER BY <order>
//
// and reports false, leaving s alone, when it does not apply.
func limitPerParent(s *sql.Selector, partitionBy string, limit int, orderBy []sql.Querier) bool {
	p, _ := s.Context().Value(partitionsKey{}).(*partitions)
	if s.Dialect() != dialect.SQLite || p == nil || p.column != partitionBy || len(p.keys) == 0 ||
		!slices.Contains(s.UnqualifiedColumns(), "id") {
		return false
	}
	keys, err := json.Marshal(p.keys)
	if err != nil {
		return false
	}
	table := quote(s.TableName())
	p.ref = quote("partitions") + "." + quote("partition_key")
	inner, innerArgs := s.Clone().Select(s.C("id")).OrderExpr(orderBy...).Limit(limit).Query()
	p.ref = ""
	var ob sql.Builder
	ob.SetDialect(dialect.SQLite)
	order, orderArgs := ob.JoinComma(orderBy...).Query()
	outer := "WITH limited_query AS (SELECT " + strings.Join(s.SelectedColumns(), ", ") + " FROM " + table +
		" JOIN (SELECT value AS partition_key FROM json_each(?)) AS " + quote("partitions") +
		" ON " + table + "." + quote("id") + " IN (" + inner + ") ORDER BY " + order + ")"
	args := append(append([]any{string(keys)}, innerArgs...), orderArgs...)
	d := sql.Dialect(dialect.SQLite)
	*s = *d.Select(s.UnqualifiedColumns()...).
		From(d.Table("limited_query").As(s.TableName())).
		Prefix(sql.ExprP(outer, args...))
	return true
}

// quote quotes an SQLite identifier.
func quote(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }
