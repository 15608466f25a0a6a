package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/script"
	"github.com/siyu-live/siyu/internal/org"
)

// scriptRoutes are the script library (话术库) routes (internal/crm/script): categories,
// scripts of text, image, video and link replies with {variables}, and render — the
// one-click send that fills the variables for a customer and counts a use. Reading and
// rendering need customers.view or inbox.reply (checked by the service: the route table
// holds one permission), editing customers.manage. A brand's first use of the library
// adds four default categories with one answer each.
func (a *API) scriptRoutes() []Route {
	const tag = "scripts"
	manage := org.PermCustomersManage
	return []Route{
		{Method: "GET", Path: "/api/v1/script-categories", Summary: "Script categories in their order, each with its script count (customers.view or inbox.reply)",
			Tag: tag, Auth: Staff, Out: List[script.Category]{}, h: a.listScriptCategories},
		{Method: "POST", Path: "/api/v1/script-categories", Summary: "Add a script category (last unless a position is given)",
			Tag: tag, Auth: Staff, Perm: manage, In: script.CategoryInput{}, Out: script.Category{}, Status: http.StatusCreated, h: a.createScriptCategory},
		{Method: "PATCH", Path: "/api/v1/script-categories/{id}", Summary: "Rename or move a script category",
			Tag: tag, Auth: Staff, Perm: manage, In: script.CategoryPatch{}, Out: script.Category{}, h: a.patchScriptCategory},
		{Method: "DELETE", Path: "/api/v1/script-categories/{id}", Summary: "Delete a script category; its scripts stay, in no category",
			Tag: tag, Auth: Staff, Perm: manage, Status: http.StatusNoContent, h: a.deleteScriptCategory},
		{Method: "GET", Path: "/api/v1/scripts", Summary: "Scripts, most used first (customers.view or inbox.reply); all of them, at most 500 per brand",
			Tag: tag, Auth: Staff, Out: List[script.Script]{}, h: a.listScripts,
			Query: []QueryParam{{Name: "category_id", Description: "only this category's scripts; 0 for scripts in no category", Integer: true},
				{Name: "q", Description: "search in titles, keywords and reply texts"}}},
		{Method: "POST", Path: "/api/v1/scripts", Summary: "Save a script: title, category, keywords and 1–10 replies (text with {variables}, image, video or link)",
			Tag: tag, Auth: Staff, Perm: manage, In: script.Input{}, Out: script.Script{}, Status: http.StatusCreated, h: a.createScript},
		{Method: "GET", Path: "/api/v1/scripts/{id}", Summary: "A script (customers.view or inbox.reply)", Tag: tag, Auth: Staff,
			Out: script.Script{}, h: a.getScript},
		{Method: "PATCH", Path: "/api/v1/scripts/{id}", Summary: "Change a script; snippets, when given, replace all its replies",
			Tag: tag, Auth: Staff, Perm: manage, In: script.Patch{}, Out: script.Script{}, h: a.patchScript},
		{Method: "DELETE", Path: "/api/v1/scripts/{id}", Summary: "Delete a script", Tag: tag, Auth: Staff, Perm: manage,
			Status: http.StatusNoContent, h: a.deleteScript},
		{Method: "POST", Path: "/api/v1/scripts/{id}/render", Summary: "Send a script: its replies with the variables filled ({name} from customer_id's profile when not given) and a use counted",
			Tag: tag, Auth: Staff, In: script.RenderInput{}, Out: script.Rendered{}, h: a.renderScript},
	}
}

func (a *API) listScriptCategories(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Scripts.Categories(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) createScriptCategory(w http.ResponseWriter, r *http.Request) error {
	var in script.CategoryInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.Scripts.CreateCategory(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) patchScriptCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in script.CategoryPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.Scripts.UpdateCategory(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) deleteScriptCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Scripts.DeleteCategory(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listScripts(w http.ResponseWriter, r *http.Request) error {
	q := script.Query{Q: r.URL.Query().Get("q")}
	if v := strings.TrimSpace(r.URL.Query().Get("category_id")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return siyu.Invalid("category_id", "category_id must be a category's id, or 0 for scripts in no category")
		}
		q.Category = &id
	}
	list, err := a.Scripts.List(r.Context(), principal(r), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) createScript(w http.ResponseWriter, r *http.Request) error {
	var in script.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.Scripts.Create(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s)
	return nil
}

func (a *API) getScript(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.Scripts.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) patchScript(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in script.Patch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.Scripts.Update(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) deleteScript(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Scripts.Delete(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) renderScript(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in script.RenderInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := a.Scripts.Render(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
