package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// strictJSON is huma's JSON format with a decoder that matches object keys exactly.
//
// encoding/json matches keys case-insensitively and keeps the last of two keys that differ
// only in case, while huma's schema validation accepts such keys too: so
// {"id":…,"approve":false,"Approve":true} passed validation and approved. Before decoding
// into a request type, every object key must be one of the type's JSON names, spelled
// exactly, and appear once. huma reports the error as a 422.
var strictJSON = huma.Format{
	Marshal:   huma.DefaultJSONFormat.Marshal,
	Unmarshal: unmarshalStrict,
}

func unmarshalStrict(data []byte, v any) error {
	t := reflect.TypeOf(v)
	// huma first decodes into an `any` to validate against the schema; that pass has no
	// type to check against (the typed pass follows). Invalid JSON gets encoding/json's
	// message.
	if t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() != reflect.Interface && json.Valid(data) {
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := checkKeys(dec, t.Elem(), "body"); err != nil {
			return err
		}
	}
	return json.Unmarshal(data, v)
}

// checkKeys reads one JSON value from dec and checks the keys of every object in it against
// t, the Go type it will be decoded into.
func checkKeys(dec *json.Decoder, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar: json.Unmarshal checks its type
	}
	opaque := t.Implements(reflect.TypeFor[json.Unmarshaler]()) ||
		reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]())
	switch {
	case delim == '{' && t.Kind() == reflect.Struct && !opaque:
		return checkObject(dec, jsonFields(t), path)
	case delim == '{' && t.Kind() == reflect.Map:
		return eachMember(dec, path, func(key, p string) error { return checkKeys(dec, t.Elem(), p) })
	case delim == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i := 0; dec.More(); i++ {
			if err := checkKeys(dec, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	return skipRest(dec)
}

// checkObject checks the members of an object (its '{' already read) against fields.
func checkObject(dec *json.Decoder, fields map[string]reflect.Type, path string) error {
	return eachMember(dec, path, func(key, p string) error {
		ft, ok := fields[key]
		if !ok {
			for name := range fields {
				if strings.EqualFold(name, key) {
					return fmt.Errorf("%s: unknown field %q: field names are case-sensitive, did you mean %q?", path, key, name)
				}
			}
			return fmt.Errorf("%s: unknown field %q", path, key)
		}
		return checkKeys(dec, ft, p)
	})
}

// eachMember calls f for each member of an object whose '{' was read, positioned at the
// member's value, and refuses a key that appears twice (in any case).
func eachMember(dec *json.Decoder, path string, f func(key, path string) error) error {
	seen := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if first, dup := seen[strings.ToLower(key)]; dup {
			return fmt.Errorf("%s: field %q appears twice (as %q and %q)", path, key, first, key)
		}
		seen[strings.ToLower(key)] = key
		if err := f(key, path+"."+key); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

// skipRest consumes the rest of a value whose opening delimiter was read.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// jsonFields maps a struct's JSON names to their types, as encoding/json names them
// (embedded structs without a tag are flattened; "-" is skipped).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					fields[k] = v
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}
