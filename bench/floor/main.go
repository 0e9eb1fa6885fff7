// Command floor is the benchmark's floor: a plain net/http server returning a
// fixed 10 KB body, built and started by bench as its own process.
package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	body := bytes.Repeat([]byte("x"), 10*1024)
	srv := &http.Server{Addr: os.Args[1], ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		})}
	if err := srv.ListenAndServe(); err != nil {
		os.Exit(1)
	}
}
