// Package graphiql serves the GraphiQL IDE with all of its assets embedded in
// the binary (graphiql 3.8.3 and react 18.3.1 from the npm registry), so it
// works with no network access beyond the server.
package graphiql

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed assets
var assets embed.FS

// Handler serves the IDE at / and its assets under /graphiql/.
func Handler() http.Handler {
	sub, _ := fs.Sub(assets, "assets")
	files := http.StripPrefix("/graphiql/", http.FileServerFS(sub))
	index, _ := fs.ReadFile(sub, "index.html")
	mux := http.NewServeMux()
	mux.Handle("GET /graphiql/", files)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	})
	return mux
}
