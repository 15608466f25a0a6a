package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/org"
)

// crmRoutes are the customer (SCRM) routes (internal/crm). Reading needs
// customers.view, changing customers.manage; phone numbers and other contact details
// are masked unless the caller holds contacts.view. Every page of the customer list is
// written to the audit log (a bulk view of personal data). A merged-away customer id
// answers with the profile it was merged into.
func (a *API) crmRoutes() []Route {
	const tag = "customers"
	view, manage := org.PermCustomersView, org.PermCustomersManage
	page := []QueryParam{{Name: "cursor", Description: "next_cursor of the previous page"},
		{Name: "limit", Description: "page size, 1–200", Integer: true}}
	return []Route{
		{Method: "POST", Path: "/api/v1/customers", Summary: "Create a customer, or find the one a phone, WeChat or platform id already belongs to (same id, merged true)",
			Tag: tag, Auth: Staff, Perm: manage, In: crm.CustomerInput{}, Out: crm.Customer{}, Status: http.StatusCreated, h: a.createCustomer},
		{Method: "GET", Path: "/api/v1/customers", Summary: "Customers newest first, by tag or search (audited as a bulk view)", Tag: tag,
			Auth: Staff, Perm: view, Out: List[crm.Customer]{}, h: a.listCustomers,
			Query: append([]QueryParam{{Name: "tag", Description: "only customers carrying this tag (name)"},
				{Name: "q", Description: "name contains, phone, or customer id"}}, page...)},
		{Method: "GET", Path: "/api/v1/customers/{id}", Summary: "A customer's profile: tags, identities, preferences and the first timeline page",
			Tag: tag, Auth: Staff, Perm: view, Out: crm.Profile{}, h: a.getCustomer},
		{Method: "PATCH", Path: "/api/v1/customers/{id}", Summary: "Change a customer's name or remark (备注)", Tag: tag, Auth: Staff,
			Perm: manage, In: crm.CustomerPatch{}, Out: crm.Customer{}, h: a.patchCustomer},
		{Method: "GET", Path: "/api/v1/customers/{id}/timeline", Summary: "Everything the customer did, newest first", Tag: tag, Auth: Staff,
			Perm: view, Out: crm.TimelinePage{}, Query: page, h: a.customerTimeline},
		{Method: "POST", Path: "/api/v1/customers/{id}/tags", Summary: "Put manual tags on a customer (tags are created when new)", Tag: tag,
			Auth: Staff, Perm: manage, In: crm.TagsInput{}, Out: crm.Customer{}, h: a.tagCustomer},
		{Method: "DELETE", Path: "/api/v1/customers/{id}/tags/{tag}", Summary: "Take a manual tag off a customer", Tag: tag, Auth: Staff,
			Perm: manage, Status: http.StatusNoContent, h: a.untagCustomer},
		{Method: "POST", Path: "/api/v1/customers/{id}/merge", Summary: "Merge another customer into this one (identities, tags, aggregates, remarks, timeline)",
			Tag: tag, Auth: Staff, Perm: manage, In: crm.MergeInput{}, Out: crm.Customer{}, h: a.mergeCustomer},
		{Method: "POST", Path: "/api/v1/customers/{id}/erase", Summary: "Erase a customer's personal data on request (aggregates and orders are kept)",
			Tag: tag, Auth: Staff, Perm: manage, Out: crm.Customer{}, h: a.eraseCustomer},
		{Method: "GET", Path: "/api/v1/tags", Summary: "Manual and rule tags with how many customers carry each", Tag: tag, Auth: Staff,
			Perm: view, Out: List[crm.Tag]{}, h: a.listTags},
		{Method: "POST", Path: "/api/v1/tags", Summary: "Create a manual tag, or a rule tag applied as events arrive (docs/crm-rules.md)",
			Tag: tag, Auth: Staff, Perm: manage, In: crm.TagInput{}, Out: crm.Tag{}, Status: http.StatusCreated, h: a.createTag},
	}
}
