// Package exetrim gives back the pages of the server's own executable that
// serving does not use.
//
// Why: current Linux kernels keep a freshly written or read-ahead file in
// the page cache as large folios, and a page fault maps the whole folio
// around the address. The server's binary is ~110 MB (ent's and gqlgen's
// generated code); touched sparsely, 55–60 MB of it ended up resident in
// the server (issue 13's RSS measure) although serving runs a small part of
// it. Trim marks the executable's read-only mappings MADV_RANDOM (a fault
// reads one page, no read-ahead), unmaps them and drops the file's pages
// from the page cache, so that what comes back is what the process runs,
// page by page. Decision 0259 has the figures.
package exetrim
