package client

import (
	"context"
	"net/http"
	"net/url"

	"monit-intel/rest"
)

// PutUser adds (create) or changes a user of the web UI (PUT /users/{name}); empty role or
// password leave them unchanged.
func (c *Client) PutUser(ctx context.Context, name, role, password string, create bool) (rest.User, error) {
	body := map[string]any{"create": create}
	if role != "" {
		body["role"] = role
	}
	if password != "" {
		body["password"] = password
	}
	var out rest.User
	err := c.do(ctx, http.MethodPut, "/users/"+url.PathEscape(name), nil, body, &out)
	return out, err
}

// DeleteUser deletes a user (DELETE /users/{name}).
func (c *Client) DeleteUser(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, "/users/"+url.PathEscape(name), nil, nil, nil)
}

// Users lists the users (GET /users).
func (c *Client) Users(ctx context.Context) ([]rest.User, error) {
	var out struct {
		Users []rest.User `json:"users"`
	}
	err := c.do(ctx, http.MethodGet, "/users", nil, nil, &out)
	return out.Users, err
}
