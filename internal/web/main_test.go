package web_test

import (
	"os"
	"testing"
)

// TestMain stops the browser tests' shared Chromium once every test ran.
func TestMain(m *testing.M) {
	code := m.Run()
	stopSharedChromium()
	os.Exit(code)
}
