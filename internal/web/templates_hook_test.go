package web

// The package's tests start a server per test: they parse the embedded
// templates once per test binary (see shareTemplates), not once per server.
func init() { shareTemplates = true }
