package main

import (
	"errors"
	"testing"
)

func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string
		env       map[string]string
		wantUsage bool
		wantAddr  string
	}{
		{name: "no arguments", args: nil, wantAddr: ":8080"},
		{name: "demo stays on loopback", args: []string{"--demo"}, wantAddr: "127.0.0.1:8080"},
		{name: "demo with an address", args: []string{"--demo", "--addr", ":9000"}, wantAddr: ":9000"},
		{name: "demo with OPSGRAPH_ADDR", args: []string{"--demo"}, env: map[string]string{"OPSGRAPH_ADDR": "0.0.0.0:8081"}, wantAddr: "0.0.0.0:8081"},
		{name: "unknown command", args: []string{"serve-me"}, wantUsage: true},
		{name: "plugin without id is not a server", args: []string{"plugin"}, wantUsage: true},
		{name: "unknown flag", args: []string{"--bogus"}, wantUsage: true},
		{name: "stray argument after flags", args: []string{"--demo", "extra"}, wantUsage: true},
		{name: "version takes no arguments", args: []string{"version", "x"}, wantUsage: true},
		{name: "any origin with credentials", args: []string{"--cors-origins", "*", "--cors-credentials"}, wantUsage: true},
		{name: "bad role budget", args: []string{"--rate-limit-roles", "analyst=lots"}, wantUsage: true},
		{name: "backup without --to", args: []string{"backup"}, wantUsage: true},
		{name: "restore with a stray argument", args: []string{"restore", "--from", "x", "y"}, wantUsage: true},
		{name: "origin without scheme", args: []string{"--cors-origins", "localhost:3000"}, wantUsage: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OPSGRAPH_ADDR", "")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			if tc.wantUsage {
				var err error
				if len(tc.args) > 0 && tc.args[0] == "plugin" {
					err = servePlugin(tc.args[1:])
				} else {
					err = dispatch(tc.args)
				}
				if !errors.Is(err, errUsage) {
					t.Fatalf("%q: err = %v, want a usage error", tc.args, err)
				}
				return
			}
			c, err := parseFlags(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if c.Addr != tc.wantAddr {
				t.Fatalf("addr %q, want %q", c.Addr, tc.wantAddr)
			}
		})
	}
}
