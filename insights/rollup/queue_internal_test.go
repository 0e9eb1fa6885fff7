package rollup

import (
	"maps"
	"testing"

	"github.com/opsgraph/opsgraph/ent"
)

// TestEntryEncoding: an entry gives back the delta byte for byte (buyer
// references that are not UTF-8 included), entries merge by adding, and a
// cut or altered entry is an error, never a panic or a partial delta taken
// for a whole one.
func TestEntryEncoding(t *testing.T) {
	st := &ent.Store{ID: 1, OrganizationID: 2, Timezone: "Asia/Shanghai"}
	d := NewDelta(st)
	d.days[dayKey{"2026-11-11", "x\xffy", "PAID"}] = dayVals{1, 2, -300, 0, 1 << 40}
	d.days[dayKey{"2026-11-11", "", ""}] = dayVals{placed: -1}
	d.days[dayKey{"2026-11-12", "顾客😀", "CONTENT"}] = dayVals{} // nothing to write: left out
	d.skus[skuKey{99, "2026-11-11"}] = skuVals{3, 4500}
	d.skus[skuKey{-5, "2026-11-12"}] = skuVals{-1, -1}
	b := d.encode()

	got := NewDelta(st)
	if err := got.merge(b); err != nil {
		t.Fatal(err)
	}
	want := maps.Clone(d.days)
	delete(want, dayKey{"2026-11-12", "顾客😀", "CONTENT"})
	if !maps.Equal(got.days, want) || !maps.Equal(got.skus, d.skus) {
		t.Fatalf("decoded %v %v, want %v %v", got.days, got.skus, want, d.skus)
	}
	if err := got.merge(b); err != nil {
		t.Fatal(err)
	}
	if v := got.days[dayKey{"2026-11-11", "x\xffy", "PAID"}]; v != (dayVals{2, 4, -600, 0, 2 << 40}) {
		t.Errorf("merged twice: %+v", v)
	}
	if v := got.skus[skuKey{99, "2026-11-11"}]; v != (skuVals{6, 9000}) {
		t.Errorf("merged twice: %+v", v)
	}

	for n := range len(b) {
		if err := NewDelta(st).merge(b[:n]); err == nil {
			t.Errorf("entry cut to %d of %d bytes: no error", n, len(b))
		}
	}
	for _, bad := range [][]byte{append(append([]byte{}, b...), 0), append([]byte{2}, b[1:]...)} {
		if err := NewDelta(st).merge(bad); err == nil {
			t.Errorf("altered entry %x: no error", bad)
		}
	}
	if !NewDelta(st).Empty() || d.Empty() {
		t.Error("Empty")
	}
}
