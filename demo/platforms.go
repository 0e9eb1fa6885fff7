package demo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"strconv"
	"strings"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/store"
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
	// StoreID and StoreName name the demo store whose catalogue the fake
	// serves (zero and empty when it serves a generated one).
	StoreID   int
	StoreName string
	close     func()
}

// Close stops the fake.
func (f FakePlatform) Close() { f.close() }

// DefaultFakePorts are the loopback ports of the demo's fake taobao, douyin
// and xiaohongshu gateways (--demo-ports). They are fixed so that a store
// connected to a fake keeps its endpoint, and keeps syncing, after a restart.
const DefaultFakePorts = "18101,18102,18103"

// servedPlatforms are the store platforms each fake serves, in port order.
var servedPlatforms = [3][]store.Platform{
	{store.PlatformTMALL, store.PlatformTAOBAO}, {store.PlatformDOUYIN}, {store.PlatformXIAOHONGSHU},
}

// StartFakePlatformsOn starts the fakes on 127.0.0.1 at ports, "taobao,douyin,
// xiaohongshu" (0 picks a free port). With a client, each fake serves the
// catalogue of the first demo store (by id: Brand A's) on its platform, read
// from the database: the same products and SKUs by external id, titles,
// prices and stock, and orders generated over those SKUs only, so that a sync
// enriches the demo store rather than filling it with foreign products
// (decision 0129). Without a client (tests) they serve generated catalogues.
func StartFakePlatformsOn(ctx context.Context, client *ent.Client, ports string) ([]FakePlatform, error) {
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
	var served [3]*servedStore
	if client != nil {
		for i, platforms := range servedPlatforms {
			st, err := loadServedStore(ctx, client, platforms)
			if err != nil {
				return nil, err
			}
			served[i] = st
		}
	}
	add := func(plugin string, conn sdk.Connection, code string, closeFn func(), st *servedStore) {
		f := FakePlatform{PluginID: plugin, Connection: conn, AuthCode: code, close: closeFn}
		if st != nil {
			f.StoreID, f.StoreName = st.id, st.name
		}
		out = append(out, f)
	}
	tb, err := taobaofake.Start(taobaofake.Options{Seed: 1, Addr: addrs[0], Catalog: served[0].catalog()})
	if err != nil {
		return fail(err)
	}
	add("taobao", tb.Connection(), tb.AuthCode(), tb.Close, served[0])
	dy, err := douyinfake.Start(douyinfake.Options{Seed: 2, Addr: addrs[1], Catalog: served[1].catalog()})
	if err != nil {
		return fail(err)
	}
	add("douyin", dy.Connection(), dy.AuthCode(), dy.Close, served[1])
	xhs, err := xhsfake.Start(xhsfake.Options{Seed: 3, Addr: addrs[2], Catalog: served[2].catalog()})
	if err != nil {
		return fail(err)
	}
	add("xiaohongshu", xhs.Connection(), xhs.AuthCode(), xhs.Close, served[2])
	if len(out) != 3 {
		return fail(errors.New("fake platforms did not start"))
	}
	return out, nil
}

// servedStore is a demo store whose catalogue a fake serves.
type servedStore struct {
	id       int
	name     string
	products []*taobaofake.Product // the fakes share one catalogue type
}

// catalog is the fake's Catalog option: nil (generated) without a store.
func (s *servedStore) catalog() []*taobaofake.Product {
	if s == nil {
		return nil
	}
	return s.products
}

// loadServedStore reads the first store on platforms with its products and
// SKUs; nil when there is none (the fake then serves a generated catalogue).
func loadServedStore(ctx context.Context, client *ent.Client, platforms []store.Platform) (*servedStore, error) {
	ctx = authz.SystemContext(ctx)
	st, err := client.Store.Query().Where(store.PlatformIn(platforms...)).Order(ent.Asc(store.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("demo fakes: read store: %w", err)
	}
	ps, err := st.QueryProducts().Order(ent.Asc(product.FieldID)).WithSkus().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo fakes: read products of %s: %w", st.Name, err)
	}
	out := &servedStore{id: st.ID, name: st.Name}
	for _, p := range ps {
		fp := &taobaofake.Product{
			ID: fakeID(p.ExternalID), Ext: p.ExternalID, Title: p.Title, OnSale: p.Status == product.StatusON_SALE,
			OuterID: p.ExternalID, Created: p.CreatedAt, Modified: p.UpdatedAt,
		}
		for _, k := range p.Edges.Skus {
			fp.SKUs = append(fp.SKUs, &taobaofake.SKU{
				ID: fakeID(k.ExternalID), Ext: k.ExternalID, Props: skuProps(k.Name),
				PriceFen: int64(k.Price), Stock: int64(k.Stock), Barcode: k.Barcode, OuterID: k.Code,
			})
		}
		out.products = append(out.products, fp)
	}
	return out, nil
}

// fakeID is the numeric id a fake uses for an external id: the id itself
// where it is a number (Taobao, Douyin), else a stable positive hash (the
// xiaohongshu fake then spells the id from Ext).
func fakeID(ext string) int64 {
	if n, err := strconv.ParseInt(ext, 10, 64); err == nil && n > 0 {
		return n
	}
	h := fnv.New64a()
	h.Write([]byte(ext))
	return int64(h.Sum64() >> 1)
}

// skuProps turns a demo SKU name ("色号:01 豆沙;规格:3.5g") into sale properties.
func skuProps(name string) []taobaofake.Prop {
	var out []taobaofake.Prop
	for i, part := range strings.Split(name, ";") {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			k, v = "规格", part
		}
		pid := int64(1627207 + i)
		out = append(out, taobaofake.Prop{PID: pid, VID: pid*100 + fakeID(v)%100, Name: k, Value: v})
	}
	return out
}
