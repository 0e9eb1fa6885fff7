// Package platformv1 holds the generated Go code for the opsgraph.platform.v1
// plugin protocol. Do not edit the *.pb.go files; edit platform.proto and run
// `go generate ./plugins/sdk/internal/proto/...` (needs protoc from Debian's
// protobuf-compiler; the Go generators are pinned as tools in go.mod).
package platformv1

//go:generate sh -c "protoc -I ../.. -I /usr/include --plugin=protoc-gen-go=$(go tool -n protoc-gen-go) --plugin=protoc-gen-go-grpc=$(go tool -n protoc-gen-go-grpc) --go_out=../.. --go_opt=paths=source_relative --go-grpc_out=../.. --go-grpc_opt=paths=source_relative platform/v1/platform.proto"
