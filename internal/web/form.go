package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/aldyn-kg/aldyn"
)

// Forms: an entity names its editable text fields once, as a map from the
// name its form, JSON and Validation use to the field (aldyn.Body.Fields);
// these helpers read a form post or a JSON object into such a map and
// show a value back in its form.

// readFormFields reads the posted form into fields and returns the form
// to show again if saving fails.
func readFormFields(r *http.Request, fields map[string]*string) (url.Values, error) {
	if err := r.ParseForm(); err != nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "error.bad_param", "param", "form")
	}
	for name, p := range fields {
		*p = r.PostForm.Get(name)
	}
	return r.PostForm, nil
}

// formValues is the form that shows fields.
func formValues(fields map[string]*string) url.Values {
	form := url.Values{}
	for name, p := range fields {
		form.Set(name, *p)
	}
	return form
}

// stringFields decodes a JSON object into the fields it names, as strictly
// as decodeJSON decodes a struct: an unknown name or a value that is not a
// string (or null, which leaves the field as it is) is refused, naming it.
type stringFields map[string]*string

func (fs stringFields) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	slices.Sort(names) // the same error for the same body
	for _, name := range names {
		p, ok := fs[name]
		if !ok {
			return fmt.Errorf("json: unknown field %q", name)
		}
		if err := json.Unmarshal(raw[name], p); err != nil {
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) {
				typ.Field = name
			}
			return err
		}
	}
	return nil
}
