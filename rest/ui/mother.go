package ui

import "net/http"

type motherData struct {
	Session string
}

// mother is the chat page; ui.js sends the question to the JSON API (/mother/chat, as an
// event stream) with the session cookie and shows the answer as it comes.
func (u *UI) mother(w http.ResponseWriter, r *http.Request, p Principal) {
	u.render(w, r, http.StatusOK, "mother", "Mother", motherData{Session: "web-" + p.Name})
}
