package demo

import (
	"errors"

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

// StartFakePlatforms starts a fake Taobao, Douyin and Xiaohongshu gateway on
// 127.0.0.1 with random ports.
func StartFakePlatforms() ([]FakePlatform, error) {
	var out []FakePlatform
	fail := func(err error) ([]FakePlatform, error) {
		for _, f := range out {
			f.Close()
		}
		return nil, err
	}
	tb, err := taobaofake.Start(taobaofake.Options{Seed: 1})
	if err != nil {
		return fail(err)
	}
	out = append(out, FakePlatform{"taobao", tb.Connection(), tb.AuthCode(), tb.Close})
	dy, err := douyinfake.Start(douyinfake.Options{Seed: 2})
	if err != nil {
		return fail(err)
	}
	out = append(out, FakePlatform{"douyin", dy.Connection(), dy.AuthCode(), dy.Close})
	xhs, err := xhsfake.Start(xhsfake.Options{Seed: 3})
	if err != nil {
		return fail(err)
	}
	out = append(out, FakePlatform{"xiaohongshu", xhs.Connection(), xhs.AuthCode(), xhs.Close})
	if len(out) != 3 {
		return fail(errors.New("fake platforms did not start"))
	}
	return out, nil
}
