package rest

import (
	_ "embed"
	"net/http"
)

//go:embed docs/redoc.standalone.js
var redocJS []byte

// docsPage renders /openapi.json with the embedded Redoc: no CDN, so it works offline. The
// bundle is patched so that its side menu no longer loads Redocly's logo from a CDN
// (docs/update.sh), and docsCSP forbids loading anything from elsewhere.
const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>monit-intel API</title>
</head>
<body>
<redoc spec-url="/openapi.json" hide-download-button="false"></redoc>
<script src="/docs/redoc.standalone.js"></script>
</body>
</html>
`

func registerDocs(mux *http.ServeMux) {
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", docsCSP)
		w.Write([]byte(docsPage))
	})
	mux.HandleFunc("GET /docs/redoc.standalone.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Write(redocJS)
	})
}
