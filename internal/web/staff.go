package web

import (
	"net/http"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/org"
)

// staffRow is one staff member as a table row, with what the viewer may change on it.
// It is also the htmx fragment swapped after an inline change.
type staffRow struct {
	U      org.User
	Self   bool
	Locked bool // the viewer may not change this row (own row, or an owner for an admin)
	Manage bool
	Roles  []org.Role
	CSRF   string
	Err    string
}

// permRow is one line of the permission matrix.
type permRow struct {
	Perm  org.Permission
	Cells []bool
}

// staffData is the staff page.
type staffData struct {
	Rows     []staffRow
	Form     *form
	Manage   bool
	Roles    []org.Role // roles the viewer may give
	AllRoles []org.Role
	Matrix   []permRow
	Error    string
}

// assignable lists the roles p may give: only owners make owners.
func assignable(p org.Principal) []org.Role {
	if p.Role == org.RoleOwner {
		return org.Roles
	}
	var out []org.Role
	for _, r := range org.Roles {
		if r != org.RoleOwner {
			out = append(out, r)
		}
	}
	return out
}

func (q *rq) staffRow(u org.User, errMsg string) staffRow {
	manage := q.p.Can(org.PermStaffManage)
	self := u.ID == q.p.UserID
	locked := !manage || self || (u.Role == org.RoleOwner && q.p.Role != org.RoleOwner)
	return staffRow{U: u, Self: self, Locked: locked, Manage: manage, Roles: assignable(q.p), CSRF: q.csrf, Err: errMsg}
}

func (c *Console) staffData(q *rq, f *form) (staffData, error) {
	users, err := c.Org.ListStaff(q.r.Context(), q.p)
	if err != nil {
		return staffData{}, err
	}
	if f == nil {
		f = newForm(nil)
		f.Values.Set("role", string(org.RoleAgent))
	}
	d := staffData{Form: f, Manage: q.p.Can(org.PermStaffManage), Roles: assignable(q.p), AllRoles: org.Roles}
	for _, u := range users {
		d.Rows = append(d.Rows, q.staffRow(u, ""))
	}
	for _, perm := range org.AllPermissions {
		row := permRow{Perm: perm}
		for _, r := range org.Roles {
			row.Cells = append(row.Cells, r.Can(perm))
		}
		d.Matrix = append(d.Matrix, row)
	}
	return d, nil
}

func (c *Console) staffPage(q *rq) error {
	d, err := c.staffData(q, nil)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "staff", "nav.staff", d)
	return nil
}

func (c *Console) staffCreate(q *rq) error {
	if !q.p.Can(org.PermStaffManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not manage staff")
	}
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	f := newForm(q.r.PostForm)
	u, err := c.Org.CreateStaff(q.r.Context(), q.p, org.StaffInput{Email: f.Get("email"), Name: f.Get("name"),
		Role: org.Role(f.Get("role")), Password: f.Get("password")})
	if err != nil {
		if code := siyu.ErrorCode(err); code == siyu.EINTERNAL {
			return err
		}
		f.fail(c, q.lang, "staff", err, "email", "name", "role", "password")
		d, derr := c.staffData(q, f)
		if derr != nil {
			return derr
		}
		q.render(formStatus(err), "staff", "nav.staff", d)
		return nil
	}
	name := u.Name
	if name == "" {
		name = u.Email
	}
	q.redirect("/console/staff", "flash.staff_created", name)
	return nil
}

// formStatus is the status of a form re-rendered with an error: 422 for bad input,
// the error's own status otherwise.
func formStatus(err error) int {
	switch siyu.ErrorCode(err) {
	case siyu.EINVALID:
		return http.StatusUnprocessableEntity
	case siyu.EFORBIDDEN:
		return http.StatusForbidden
	case siyu.ENOTFOUND:
		return http.StatusNotFound
	}
	return http.StatusConflict
}

func pathID(q *rq, name string) (int64, error) {
	id, err := strconv.ParseInt(q.r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, siyu.Errorf(siyu.ENOTFOUND, "not_found")
	}
	return id, nil
}

func (c *Console) staffRole(q *rq) error {
	role := org.Role(q.r.PostFormValue("role"))
	return c.staffUpdate(q, org.StaffUpdate{Role: &role}, "flash.staff_role")
}

func (c *Console) staffStatus(q *rq) error {
	disabled := q.r.PostFormValue("disabled") == "true"
	key := "flash.staff_enabled"
	if disabled {
		key = "flash.staff_disabled"
	}
	return c.staffUpdate(q, org.StaffUpdate{Disabled: &disabled}, key)
}

// staffUpdate applies an inline change. htmx gets the row back (with the reason next
// to it when refused); a plain form post gets a redirect or the page with the reason.
func (c *Console) staffUpdate(q *rq, in org.StaffUpdate, flashKey string) error {
	if !q.p.Can(org.PermStaffManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not manage staff")
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	u, err := c.Org.UpdateStaff(q.r.Context(), q.p, id, in)
	if code := siyu.ErrorCode(err); code == siyu.EINTERNAL || code == siyu.ENOTFOUND {
		return err
	}
	htmx := q.r.Header.Get("HX-Request") == "true"
	if err != nil {
		msg := c.errText(q.lang, "staff", err)
		if htmx {
			cur, gerr := c.Org.GetStaff(q.r.Context(), q.p, id)
			if gerr != nil {
				return gerr
			}
			q.fragment(http.StatusUnprocessableEntity, "staff", "staff_row", q.staffRow(cur, msg))
			return nil
		}
		d, derr := c.staffData(q, nil)
		if derr != nil {
			return derr
		}
		d.Error = msg
		q.render(formStatus(err), "staff", "nav.staff", d)
		return nil
	}
	if htmx {
		q.fragment(http.StatusOK, "staff", "staff_row", q.staffRow(u, ""))
		return nil
	}
	name := u.Name
	if name == "" {
		name = u.Email
	}
	q.redirect("/console/staff", flashKey, name)
	return nil
}
