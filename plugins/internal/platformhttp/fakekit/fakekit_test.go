package fakekit

import (
	"reflect"
	"testing"
	"time"
)

func TestGenerateDeterministic(t *testing.T) {
	epoch := time.Date(2024, 6, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	a, b := Generate(42, 20, 100, epoch, 0.9), Generate(42, 20, 100, epoch, 0.9)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed produced different catalogs")
	}
	if reflect.DeepEqual(a.Products[0].Title+a.Products[1].Title, Generate(43, 20, 100, epoch, 0.9).Products[0].Title+Generate(43, 20, 100, epoch, 0.9).Products[1].Title) &&
		a.Orders[0].ID == Generate(43, 20, 100, epoch, 0.9).Orders[0].ID {
		t.Fatal("different seeds produced the same catalog")
	}
	ids := map[int64]bool{}
	for i, p := range a.Products {
		if ids[p.ID] || len(p.SKUs) == 0 || (i > 0 && p.ID <= a.Products[i-1].ID) {
			t.Fatalf("product ids must be unique and ascending: %d", p.ID)
		}
		ids[p.ID] = true
		for _, k := range p.SKUs {
			if ids[k.ID] || k.PriceFen <= 0 {
				t.Fatalf("bad sku %+v", k)
			}
			ids[k.ID] = true
		}
	}
	for i, o := range a.Orders {
		if !o.Created.Before(epoch) || o.Created.Before(epoch.AddDate(0, 0, -31)) || (i > 0 && o.Created.Before(a.Orders[i-1].Created)) {
			t.Fatalf("order %d created %v outside window or unsorted", o.ID, o.Created)
		}
		if (o.State == StateUnpaid || o.State == StateCancelled) != o.Paid.IsZero() {
			t.Fatalf("order %d state %d paid %v", o.ID, o.State, o.Paid)
		}
	}
	if m1, m2 := a.DailyMetrics("2024-05-20", epoch.Location()), b.DailyMetrics("2024-05-20", epoch.Location()); !reflect.DeepEqual(m1, m2) {
		t.Fatal("metrics not deterministic")
	}
}
