package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/siyu-live/siyu"
)

// decodeJSON reads one JSON object from r's body into dst, strictly: unknown fields,
// wrong types, trailing data and empty bodies are all rejected with an invalid error that
// names the field, because a silently ignored typo in an automation script costs a
// merchant more than a clear 400.
func decodeJSON(r *http.Request, dst any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return err
		}
		return siyu.Errorf(siyu.EINVALID, "could not read the request body")
	}
	return DecodeBody(body, dst)
}

// DecodeBody is decodeJSON's core on a byte slice; exported for the fuzz test.
func DecodeBody(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return siyu.Errorf(siyu.EINVALID, "request body is required: send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return siyu.Errorf(siyu.EINVALID, "request body must hold exactly one JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return siyu.Errorf(siyu.EINVALID, "request body must hold exactly one JSON object")
	}
	return nil
}

func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return siyu.Errorf(siyu.EINVALID, "request body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return siyu.Errorf(siyu.EINVALID, "request body must be a JSON object, not %s", typ.Value)
		}
		return siyu.Invalid(field, "%s must be %s, not %s", field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return siyu.Errorf(siyu.EINVALID, "request body is cut off: incomplete JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return siyu.Invalid(field, "unknown field %q", field)
	}
	return siyu.Errorf(siyu.EINVALID, "request body is not valid: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"):
		return "an integer"
	case strings.HasPrefix(k, "float"):
		return "a number"
	case k == "string":
		return "a string"
	case k == "bool":
		return "true or false"
	case k == "slice", k == "array":
		return "an array"
	case k == "map", k == "struct":
		return "an object"
	}
	return fmt.Sprintf("a %s", k)
}
