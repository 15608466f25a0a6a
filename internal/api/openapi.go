package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
)

// OpenAPI builds the OpenAPI 3.0 document from the route table, reflecting request and
// response types into schemas, so a route cannot exist without being documented.
func (a *API) OpenAPI() map[string]any {
	g := &schemaGen{components: map[string]any{}}
	g.components["Error"] = g.schemaOf(reflect.TypeOf(ErrorBody{}))
	paths := map[string]map[string]any{}
	for _, rt := range a.Routes() {
		op := map[string]any{
			"operationId": operationID(rt),
			"summary":     rt.Summary,
			"tags":        []string{rt.Tag},
		}
		var params []any
		for _, name := range pathParams(rt.Path) {
			schema := map[string]any{"type": "integer", "format": "int64", "minimum": 1}
			if strings.HasSuffix(name, "code") {
				schema = map[string]any{"type": "string"} // short codes (entry links)
			}
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": schema})
		}
		for _, q := range rt.Query {
			typ := "string"
			if q.Integer {
				typ = "integer"
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": false,
				"description": q.Description, "schema": map[string]any{"type": typ}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		switch rt.Auth {
		case Staff:
			op["security"] = []any{map[string]any{"staffToken": []string{}}}
		case Viewer:
			op["security"] = []any{map[string]any{"viewerToken": []string{}}}
		}
		if rt.In != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schemaOf(reflect.TypeOf(rt.In))}}}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if rt.Out != nil && status != http.StatusNoContent {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schemaOf(reflect.TypeOf(rt.Out))}}
		}
		op["responses"] = map[string]any{
			fmt.Sprint(status): ok,
			"default": map[string]any{"description": "Error", "content": map[string]any{
				"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}},
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Siyu API", "version": siyu.Version,
			"description": "Live-stream commerce and private-domain operations. Money is integer fen; times are RFC 3339."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": g.components,
			"securitySchemes": map[string]any{
				"staffToken":  map[string]any{"type": "http", "scheme": "bearer", "description": "Staff API token (sy_…)"},
				"viewerToken": map[string]any{"type": "http", "scheme": "bearer", "description": "Viewer token from POST /sessions/{id}/viewers"},
			},
		},
	}
}

var pathParamRe = regexp.MustCompile(`\{([a-z_]+)\}`)

func pathParams(path string) []string {
	var out []string
	for _, m := range pathParamRe.FindAllStringSubmatch(path, -1) {
		out = append(out, m[1])
	}
	return out
}

func operationID(rt Route) string {
	s := strings.NewReplacer("/api/v1/", "", "{", "", "}", "", "/", "_", "-", "_", ".", "_").Replace(rt.Path)
	return strings.ToLower(rt.Method) + "_" + strings.Trim(s, "_")
}

type schemaGen struct {
	components map[string]any
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

var nonWord = regexp.MustCompile(`[^A-Za-z0-9_]+`)

func componentName(t reflect.Type) string {
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		// Generic instantiation: List[github.com/…/org.User] → List_User
		inner := name[i+1 : len(name)-1]
		if j := strings.LastIndexByte(inner, '.'); j >= 0 {
			inner = inner[j+1:]
		}
		name = name[:i] + "_" + inner
	}
	pkg := t.PkgPath()
	if j := strings.LastIndexByte(pkg, '/'); j >= 0 {
		pkg = pkg[j+1:]
	}
	if pkg != "api" && pkg != "" {
		name = strings.ToUpper(pkg[:1]) + pkg[1:] + name
	}
	return nonWord.ReplaceAllString(name, "_")
}

func (g *schemaGen) schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schemaOf(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := componentName(t)
		if _, seen := g.components[name]; !seen {
			g.components[name] = map[string]any{} // placeholder breaks recursion
			props := map[string]any{}
			g.fields(t, props)
			g.components[name] = map[string]any{"type": "object", "properties": props}
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schemaOf(f.Type)
	}
}
