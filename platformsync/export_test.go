package platformsync

// Test hooks for the external test package (which may import internal/testenv:
// testenv → app → platformsync would be a cycle from inside this package).
var (
	UpsertProductsForTest = upsertProducts
	ChunksForTest         = chunks
	ChunkRowsForTest      = chunkRows
	UpsertMetricsForTest  = upsertMetrics
)
