package rollup

import (
	"github.com/opsgraph/opsgraph/ent/predicate"
	"github.com/opsgraph/opsgraph/ent/store"
)

func storeIn(ids []int) predicate.Store { return store.IDIn(ids...) }
