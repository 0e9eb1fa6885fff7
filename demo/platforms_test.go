package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
)

// The demo's fake gateways listen on the ports given, so the endpoint a store
// was connected to is the same after a restart (issue 8 §10); a second server
// on the same ports gets EADDRINUSE, which --demo then skips.
func TestFakePlatformsOnFixedPorts(t *testing.T) {
	var ports []string
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, p, _ := net.SplitHostPort(l.Addr().String())
		ports = append(ports, p)
		l.Close()
	}
	spec := strings.Join(ports, ",")
	endpoints := func(fs []FakePlatform) string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Connection.Endpoint)
		}
		return strings.Join(out, " ")
	}
	first, err := StartFakePlatformsOn(context.Background(), nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	before := endpoints(first)
	for i, p := range ports {
		if !strings.Contains(first[i].Connection.Endpoint, "127.0.0.1:"+p) {
			t.Errorf("%s endpoint %s, want port %s", first[i].PluginID, first[i].Connection.Endpoint, p)
		}
	}
	if _, err := StartFakePlatformsOn(context.Background(), nil, spec); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("second start on the same ports: %v, want EADDRINUSE", err)
	}
	for _, f := range first {
		f.Close()
	}
	again, err := StartFakePlatformsOn(context.Background(), nil, spec)
	if err != nil {
		t.Fatalf("restart on the same ports: %v", err)
	}
	defer func() {
		for _, f := range again {
			f.Close()
		}
	}()
	if after := endpoints(again); after != before {
		t.Errorf("endpoints changed over a restart: %s → %s", before, after)
	}
	for _, bad := range []string{"1,2", "a,b,c", fmt.Sprint(70000, ",0,0")} {
		if _, err := StartFakePlatformsOn(context.Background(), nil, bad); err == nil {
			t.Errorf("ports %q accepted", bad)
		}
	}
}
