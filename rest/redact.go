package rest

import (
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/engine"
)

// redactBodies is a huma transformer that passes every string of every response body through
// the redactor: what was stored before redaction existed (program output, audit rows,
// analyses in an older database) is never served with its secrets. The body is copied, never
// changed in place: its slices may be shared with the board.
func redactBodies(r engine.Redactor) huma.Transformer {
	return func(_ huma.Context, _ string, v any) (any, error) {
		if r == nil || v == nil {
			return v, nil
		}
		return redactValue(r, reflect.ValueOf(v)).Interface(), nil
	}
}

// redactValue returns a copy of v whose strings are redacted; values without strings are
// returned as they are.
func redactValue(r engine.Redactor, v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(v.Type()).Elem()
		out.SetString(r.Text(v.String()))
		return out
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return v
		}
		inner := redactValue(r, v.Elem())
		if v.Kind() == reflect.Interface {
			out := reflect.New(v.Type()).Elem()
			out.Set(inner)
			return out
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(inner)
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(redactValue(r, v.Field(i)))
			}
		}
		return out
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		if v.Kind() == reflect.Slice {
			out.Set(reflect.MakeSlice(v.Type(), v.Len(), v.Len()))
		}
		for i := range v.Len() {
			out.Index(i).Set(redactValue(r, v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), redactValue(r, it.Value()))
		}
		return out
	}
	return v
}
