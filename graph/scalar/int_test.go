package scalar

import (
	"bytes"
	"math"
	"testing"
	"testing/iotest"

	"github.com/99designs/gqlgen/graphql"
)

// TestIntsMarshalAsGqlgens checks that the marshallers write what gqlgen's
// write, into the response buffer and into any other writer.
func TestIntsMarshalAsGqlgens(t *testing.T) {
	for _, i := range []int{0, 7, -1, 255, 256, 123456789, math.MaxInt64, math.MinInt64} {
		for _, c := range []struct {
			name         string
			ours, theirs graphql.Marshaler
		}{
			{"ID", MarshalIntID(i), graphql.MarshalIntID(i)},
			{"Int", MarshalInt(i), graphql.MarshalInt(i)},
		} {
			var want bytes.Buffer
			c.theirs.MarshalGQL(&want)
			var got bytes.Buffer
			got.WriteString("x") // after other output, as in a response
			c.ours.MarshalGQL(&got)
			if got.String() != "x"+want.String() {
				t.Errorf("%s %d: %q, want %q", c.name, i, got.String()[1:], want.String())
			}
			var other bytes.Buffer
			c.ours.MarshalGQL(iotest.TruncateWriter(&other, 100))
			if other.String() != want.String() {
				t.Errorf("%s %d through an io.Writer: %q, want %q", c.name, i, other.String(), want.String())
			}
		}
	}
	if v, err := UnmarshalIntID("42"); err != nil || v != 42 {
		t.Errorf("UnmarshalIntID: %d %v", v, err)
	}
	if _, err := UnmarshalInt("x"); err == nil {
		t.Error("UnmarshalInt took a string")
	}
}
