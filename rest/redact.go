package rest

import (
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/engine"
)

// redactBodies is a huma transformer that passes every string of every response body through
// the redactor: what was stored before redaction existed (program output, audit rows,
// analyses in an older database) is never served with its secrets. A body that changes is
// copied, never changed in place (its slices may be shared with the board); one that does not
// is served as it is, without a copy.
func redactBodies(r engine.Redactor) huma.Transformer {
	return func(_ huma.Context, _ string, v any) (any, error) {
		if r == nil || v == nil {
			return v, nil
		}
		out, changed := redactValue(r, reflect.ValueOf(v))
		if !changed {
			return v, nil
		}
		return out.Interface(), nil
	}
}

// redactValue returns v with its strings redacted and whether any changed; v itself is
// returned when none did, and a copy of each container holding a change otherwise.
func redactValue(r engine.Redactor, v reflect.Value) (reflect.Value, bool) {
	switch v.Kind() {
	case reflect.String:
		s := r.Text(v.String())
		if s == v.String() {
			return v, false
		}
		out := reflect.New(v.Type()).Elem()
		out.SetString(s)
		return out, true
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return v, false
		}
		inner, changed := redactValue(r, v.Elem())
		if !changed {
			return v, false
		}
		if v.Kind() == reflect.Interface {
			out := reflect.New(v.Type()).Elem()
			out.Set(inner)
			return out, true
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(inner)
		return out, true
	case reflect.Struct:
		return redactFields(r, v)
	case reflect.Slice, reflect.Array:
		return redactElems(r, v)
	case reflect.Map:
		return redactMap(r, v)
	}
	return v, false
}

// redactFields redacts a struct's exported fields.
func redactFields(r engine.Redactor, v reflect.Value) (reflect.Value, bool) {
	var out reflect.Value
	for i := range v.NumField() {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		f, changed := redactValue(r, v.Field(i))
		if !changed {
			continue
		}
		if !out.IsValid() {
			out = reflect.New(v.Type()).Elem()
			out.Set(v)
		}
		out.Field(i).Set(f)
	}
	if !out.IsValid() {
		return v, false
	}
	return out, true
}

// redactElems redacts a slice's or an array's elements.
func redactElems(r engine.Redactor, v reflect.Value) (reflect.Value, bool) {
	var out reflect.Value
	for i := range v.Len() {
		e, changed := redactValue(r, v.Index(i))
		if !changed {
			continue
		}
		if !out.IsValid() {
			out = reflect.New(v.Type()).Elem()
			if v.Kind() == reflect.Slice {
				out.Set(reflect.MakeSlice(v.Type(), v.Len(), v.Len()))
			}
			reflect.Copy(out, v)
		}
		out.Index(i).Set(e)
	}
	if !out.IsValid() {
		return v, false
	}
	return out, true
}

// redactMap redacts a map's values.
func redactMap(r engine.Redactor, v reflect.Value) (reflect.Value, bool) {
	if v.IsNil() {
		return v, false
	}
	var out reflect.Value
	for it := v.MapRange(); it.Next(); {
		e, changed := redactValue(r, it.Value())
		if !changed {
			continue
		}
		if !out.IsValid() {
			out = reflect.MakeMapWithSize(v.Type(), v.Len())
			for it2 := v.MapRange(); it2.Next(); {
				out.SetMapIndex(it2.Key(), it2.Value())
			}
		}
		out.SetMapIndex(it.Key(), e)
	}
	if !out.IsValid() {
		return v, false
	}
	return out, true
}
