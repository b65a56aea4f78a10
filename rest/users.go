package rest

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/engine/user"
)

// Users manages the web UI's accounts (user.Accounts). `monit-intel user` goes through these
// endpoints when the daemon holds the state file.
type Users interface {
	Add(ctx context.Context, name string, role user.Role, password string) error
	Change(ctx context.Context, name string, role user.Role, password string) error
	Delete(ctx context.Context, name string) error
	List(ctx context.Context) ([]user.User, error)
}

// User is an account as the API shows it: never its password hash.
type User struct {
	Name      string    `json:"name"`
	Role      string    `json:"role" enum:"viewer,operator"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type usersOutput struct {
	Body struct {
		Users []User `json:"users" nullable:"false"`
	}
}

type userPutInput struct {
	Name string `path:"name" maxLength:"32"`
	Body struct {
		Role     string `json:"role,omitempty" enum:"viewer,operator" doc:"default viewer for a new user; unchanged when empty"`
		Password string `json:"password,omitempty" maxLength:"1024" doc:"required for a new user; unchanged when empty"`
		Create   bool   `json:"create,omitempty" doc:"true: the user must not exist yet; false: it must exist"`
	}
}

type userNameInput struct {
	Name string `path:"name" maxLength:"32"`
}

type userOutput struct {
	Body User
}

func (s *Server) userRoutes() {
	huma.Register(s.api, huma.Operation{OperationID: "users-list", Method: http.MethodGet, Path: "/users",
		Summary: "The web UI's users (names and roles)"}, s.usersList)
	huma.Register(s.api, huma.Operation{OperationID: "users-put", Method: http.MethodPut, Path: "/users/{name}",
		Summary: "Add a user, or change a user's role or password", MaxBodyBytes: maxBody}, s.userPut)
	huma.Register(s.api, huma.Operation{OperationID: "users-delete", Method: http.MethodDelete, Path: "/users/{name}",
		Summary: "Delete a user"}, s.userDelete)
}

// usersAllowed lets only the API token manage users: a web session, even an operator's,
// may not create accounts or change roles.
func (s *Server) usersAllowed(ctx context.Context) error {
	if s.deps.Users == nil {
		return huma.Error503ServiceUnavailable("users are not configured")
	}
	if p, ok := PrincipalFrom(ctx); !ok || p.Name != TokenUserName {
		return huma.Error403Forbidden("users are managed with the API token (`monit-intel user`), not from a web session")
	}
	return nil
}

func (s *Server) usersList(ctx context.Context, _ *struct{}) (*usersOutput, error) {
	if err := s.usersAllowed(ctx); err != nil {
		return nil, err
	}
	list, err := s.deps.Users.List(ctx)
	if err != nil {
		return nil, userProblem(err, "list users")
	}
	out := &usersOutput{}
	out.Body.Users = make([]User, 0, len(list))
	for _, u := range list {
		out.Body.Users = append(out.Body.Users, toUser(u))
	}
	return out, nil
}

func (s *Server) userPut(ctx context.Context, in *userPutInput) (*userOutput, error) {
	if err := s.usersAllowed(ctx); err != nil {
		return nil, err
	}
	role := user.Role(in.Body.Role)
	var err error
	if in.Body.Create {
		if role == "" {
			role = user.RoleViewer
		}
		err = s.deps.Users.Add(ctx, in.Name, role, in.Body.Password)
	} else {
		err = s.deps.Users.Change(ctx, in.Name, role, in.Body.Password)
	}
	if err != nil {
		return nil, userProblem(err, "save user "+quote(in.Name))
	}
	list, err := s.deps.Users.List(ctx)
	if err != nil {
		return nil, userProblem(err, "list users")
	}
	for _, u := range list {
		if u.Name == in.Name {
			return &userOutput{Body: toUser(u)}, nil
		}
	}
	return nil, huma.Error500InternalServerError("the saved user is missing")
}

func (s *Server) userDelete(ctx context.Context, in *userNameInput) (*struct{}, error) {
	if err := s.usersAllowed(ctx); err != nil {
		return nil, err
	}
	if err := s.deps.Users.Delete(ctx, in.Name); err != nil {
		return nil, userProblem(err, "delete user "+quote(in.Name))
	}
	return nil, nil
}

func toUser(u user.User) User {
	return User{Name: u.Name, Role: string(u.Role), CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()}
}

// userProblem maps the accounts' errors; the detail never holds a password.
func userProblem(err error, what string) error {
	switch {
	case errors.Is(err, user.ErrUnknown):
		return huma.Error404NotFound(what + ": " + err.Error())
	case errors.Is(err, user.ErrExists):
		return huma.Error409Conflict(what + ": " + err.Error())
	case errors.Is(err, user.ErrInvalid):
		return huma.Error422UnprocessableEntity(what + ": " + err.Error())
	}
	return problem(err, what)
}
