package web

import (
	"context"
	"net/http"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// reqInfo is what the middleware learns about a request.
type reqInfo struct {
	actor *aldyn.Actor
	user  *aldyn.User // nil for the public
	lang  string
	loc   *i18n.Localizer
	route *Route
	// viaToken is set when the caller authenticated with an API token.
	viaToken bool
	// session is the session cookie of a request whose user was not
	// looked up (see publicMachineGET); resolveSession looks it up when
	// an answer turns out to depend on the user.
	session string
}

type ctxKey struct{}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{actor: aldyn.Public, lang: "ky", loc: i18n.For("ky")}
}

func withInfo(ctx context.Context, ri *reqInfo) context.Context {
	return context.WithValue(ctx, ctxKey{}, ri)
}

func actor(r *http.Request) *aldyn.Actor { return info(r).actor }
