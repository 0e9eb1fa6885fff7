package platformsync

import (
	"context"
	"errors"
	"slices"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/plugins/host"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// phaseCapability is the plugin capability each sync phase needs.
var phaseCapability = map[string]sdk.Capability{
	WhatProducts: sdk.CapProducts,
	WhatOrders:   sdk.CapOrders,
	WhatMetrics:  sdk.CapMetrics,
}

// describe returns what the plugin pluginID declares.
func (s *Service) describe(ctx context.Context, pluginID string) (*sdk.Description, error) {
	p, err := s.Plugins.Get(ctx, pluginID)
	if err != nil {
		if errors.Is(err, host.ErrUnknownPlugin) {
			return nil, apperr.New(apperr.PluginUnavailable, "the store's plugin %q is not installed", pluginID)
		}
		return nil, pluginErr(err)
	}
	d, err := p.Describe(ctx)
	if err != nil {
		return nil, pluginErr(err)
	}
	return d, nil
}

// notSupported is the NOT_SUPPORTED error naming the plugin and the capability.
func notSupported(d *sdk.Description, pluginID string, c sdk.Capability) error {
	name := pluginID
	if d != nil && d.DisplayName != "" {
		name = d.DisplayName + " (" + pluginID + ")"
	}
	return apperr.New(apperr.NotSupported, "the %s plugin does not support %s", name, c)
}

// syncPhases resolves what a sync covers against what the store's plugin
// declares: empty what means every phase the plugin has a capability for; a
// phase it does not declare is NOT_SUPPORTED (never a call of an invented
// platform method).
func (s *Service) syncPhases(ctx context.Context, pluginID string, what []string) ([]string, error) {
	d, err := s.describe(ctx, pluginID)
	if err != nil {
		return nil, err
	}
	var phases []string
	for _, w := range allWhat { // canonical order, no duplicates
		c := phaseCapability[w]
		switch {
		case len(what) == 0 && d.Has(c):
			phases = append(phases, w)
		case len(what) > 0 && slices.Contains(what, w):
			if !d.Has(c) {
				return nil, notSupported(d, pluginID, c)
			}
			phases = append(phases, w)
		}
	}
	if len(phases) == 0 {
		return nil, apperr.New(apperr.NotSupported, "the %s plugin declares nothing to sync", pluginID)
	}
	return phases, nil
}

// capablePlugin resolves a store's connection and plugin for a push call,
// failing with NOT_SUPPORTED unless the plugin declares c.
func (s *Service) capablePlugin(ctx context.Context, c *ent.Client, storeID int, capability sdk.Capability) (*ent.PlatformConnection, sdk.Connection, sdk.Platform, error) {
	pc, conn, err := s.connection(ctx, c, storeID)
	if err != nil {
		return nil, conn, nil, err
	}
	d, err := s.describe(ctx, pc.PluginID)
	if err != nil {
		return nil, conn, nil, err
	}
	if !d.Has(capability) {
		return nil, conn, nil, notSupported(d, pc.PluginID, capability)
	}
	p, err := s.Plugins.Get(ctx, pc.PluginID)
	if err != nil {
		return nil, conn, nil, pluginErr(err)
	}
	return pc, conn, p, nil
}
