package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Timeout bounds one browser step in tests.
const Timeout = 30 * time.Second

// Start launches a headless chromium for t and returns its context; it is closed when t
// ends. Tabs made from it with Tab share the browser.
func Start(t testing.TB) context.Context {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		bin, err = exec.LookPath("chromium-browser") // the package's name on Ubuntu
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is not installed (CI=true): %v", err)
		}
		t.Skipf("chromium is not installed (apt-get install chromium): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // tests run as root in CI containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	if err := chromedp.Do(bctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return bctx
}

// Tab opens a tab of the browser with a viewport width×height, in dark mode if dark. Its
// cookies are shared with the browser's other tabs.
func Tab(t testing.TB, browser context.Context, width, height int64, dark bool) context.Context {
	t.Helper()
	return tab(t, browser, width, height, dark)
}

// PrivateTab is a Tab with cookies of its own (another user).
func PrivateTab(t testing.TB, browser context.Context, width, height int64, dark bool) context.Context {
	t.Helper()
	return tab(t, browser, width, height, dark, chromedp.WithNewBrowserContext())
}

func tab(t testing.TB, browser context.Context, width, height int64, dark bool, opts ...chromedp.ContextOption) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, opts...)
	t.Cleanup(cancel)
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height))
	if err == nil {
		_, err = chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
	}
	if err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return ctx
}

// Run runs browser actions with Timeout and fails the test on error, with a screenshot of
// the page as it was.
func Run(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		Screenshot(t, ctx, "failed-"+what)
		t.Fatalf("%s: %v", what, err)
	}
}

// Screenshot saves the whole page as name.png in t's artifact directory and logs the path.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(90))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(artifactDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	t.Logf("screenshot: %s", path)
	return path
}

func artifactDir(t testing.TB) string {
	if d := os.Getenv("MONIT_INTEL_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err == nil {
			return d
		}
	}
	return t.ArtifactDir()
}

// Eval evaluates a JavaScript expression in the tab and decodes its value.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// WaitJS evaluates a JavaScript condition every 100 ms until it is true (navigations in
// between are fine), or fails the test with a screenshot after Timeout.
func WaitJS(t testing.TB, ctx context.Context, what, cond string) {
	t.Helper()
	WaitJSFor(t, ctx, what, cond, Timeout)
}

// WaitJSFor is WaitJS with its own timeout (a real model's answer on a busy machine).
func WaitJSFor(t testing.TB, ctx context.Context, what, cond string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool]("!!("+cond+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	Screenshot(t, ctx, "failed-"+what)
	t.Fatalf("wait for %s (%s): not true after %s (last error: %v)", what, cond, timeout, last)
}

// EvalAsync is Eval for an expression that returns a promise.
func EvalAsync[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}
