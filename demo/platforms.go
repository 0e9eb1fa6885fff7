package demo

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	douyinfake "github.com/opsgraph/opsgraph/plugins/douyin/fake"
	"github.com/opsgraph/opsgraph/plugins/sdk"
	taobaofake "github.com/opsgraph/opsgraph/plugins/taobao/fake"
	xhsfake "github.com/opsgraph/opsgraph/plugins/xiaohongshu/fake"
)

// FakePlatform is a local stand-in for a platform's open API, started by
// --demo on loopback so that stores can be connected and synced offline. The
// fakes check signatures and timestamps exactly as the platforms do.
type FakePlatform struct {
	PluginID   string
	Connection sdk.Connection // endpoint and (fake) credentials
	AuthCode   string         // the OAuth code the fake accepts
	close      func()
}

// Close stops the fake.
func (f FakePlatform) Close() { f.close() }

// DefaultFakePorts are the loopback ports of the demo's fake taobao, douyin
// and xiaohongshu gateways (--demo-ports). They are fixed so that a store
// connected to a fake keeps its endpoint, and keeps syncing, after a restart.
const DefaultFakePorts = "18101,18102,18103"

// StartFakePlatforms starts a fake Taobao, Douyin and Xiaohongshu gateway on
// 127.0.0.1 with random ports.
func StartFakePlatforms() ([]FakePlatform, error) { return StartFakePlatformsOn("0,0,0") }

// StartFakePlatformsOn starts the fakes on 127.0.0.1 at ports, "taobao,douyin,
// xiaohongshu" (0 picks a free port).
func StartFakePlatformsOn(ports string) ([]FakePlatform, error) {
	addrs := strings.Split(ports, ",")
	if len(addrs) != 3 {
		return nil, fmt.Errorf("demo ports: want three comma-separated ports (taobao,douyin,xiaohongshu), got %q", ports)
	}
	for i, p := range addrs {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("demo ports: %q is not a port", p)
		}
		addrs[i] = net.JoinHostPort("127.0.0.1", strconv.Itoa(n))
	}
	var out []FakePlatform
	fail := func(err error) ([]FakePlatform, error) {
		for _, f := range out {
			f.Close()
		}
		return nil, err
	}
	tb, err := taobaofake.Start(taobaofake.Options{Seed: 1, Addr: addrs[0]})
	if err != nil {
		return fail(err)
	}
	out = append(out, FakePlatform{"taobao", tb.Connection(), tb.AuthCode(), tb.Close})
	dy, err := douyinfake.Start(douyinfake.Options{Seed: 2, Addr: addrs[1]})
	if err != nil {
		return fail(err)
	}
	out = append(out, FakePlatform{"douyin", dy.Connection(), dy.AuthCode(), dy.Close})
	xhs, err := xhsfake.Start(xhsfake.Options{Seed: 3, Addr: addrs[2]})
	if err != nil {
		return fail(err)
	}
	out = append(out, FakePlatform{"xiaohongshu", xhs.Connection(), xhs.AuthCode(), xhs.Close})
	if len(out) != 3 {
		return fail(errors.New("fake platforms did not start"))
	}
	return out, nil
}
