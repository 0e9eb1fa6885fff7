package db

import "testing"

func TestPoolDefaults(t *testing.T) {
	tests := []struct {
		name string
		dsn  string
		in   Pool
		want Pool
	}{
		{"sqlite defaults: idle = open", "x.db", Pool{}, Pool{MaxOpen: 32, MaxIdle: 32}},
		{"postgres defaults", "postgres://h/db", Pool{}, Pool{MaxOpen: 10, MaxIdle: 10}},
		{"open only: idle follows", "postgres://h/db", Pool{MaxOpen: 4}, Pool{MaxOpen: 4, MaxIdle: 4}},
		{"idle above open is capped", "x.db", Pool{MaxOpen: 4, MaxIdle: 9}, Pool{MaxOpen: 4, MaxIdle: 4}},
		{"both set", "x.db", Pool{MaxOpen: 8, MaxIdle: 2}, Pool{MaxOpen: 8, MaxIdle: 2}},
	}
	for _, tt := range tests {
		if got := tt.in.withDefaults(tt.dsn); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
