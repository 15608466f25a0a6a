package org

import "slices"

// Role is a staff member's job in the brand; permissions follow from it so a merchant
// never has to tick boxes per person.
type Role string

// The roles of SPEC §1.
const (
	RoleOwner        Role = "owner"
	RoleAdmin        Role = "admin"
	RoleHost         Role = "host"
	RoleAgent        Role = "agent"
	RoleKOS          Role = "kos"
	RoleStoreManager Role = "store_manager"
)

// Roles lists every role in the order the console shows them.
var Roles = []Role{RoleOwner, RoleAdmin, RoleHost, RoleAgent, RoleKOS, RoleStoreManager}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Permission names one thing a staff member may do; handlers check permissions, never
// roles, so the table below is the only place that decides who may do what.
type Permission string

// Permissions checked by the API and console. Later domains add theirs here.
const (
	PermStaffManage     Permission = "staff.manage"
	PermSettingsManage  Permission = "settings.manage"
	PermAuditView       Permission = "audit.view"
	PermWebhooksManage  Permission = "webhooks.manage"
	PermTokensOwn       Permission = "tokens.own"
	PermSessionsManage  Permission = "sessions.manage"
	PermLiveHost        Permission = "live.host"
	PermPromoManage     Permission = "promo.manage"
	PermProductsManage  Permission = "products.manage"
	PermOrdersView      Permission = "orders.view"
	PermOrdersManage    Permission = "orders.manage" // ship, complete, refund
	PermCustomersView   Permission = "customers.view"
	PermCustomersManage Permission = "customers.manage"
	PermContactsView    Permission = "contacts.view"
	PermInboxReply      Permission = "inbox.reply"
	PermAnalyticsView   Permission = "analytics.view"
	PermStoresManage    Permission = "stores.manage"
)

// permissionTable is the whole permission matrix. Owners can do everything; admins
// everything but ownership matters (enforced in the service: only owners make owners).
var permissionTable = map[Role][]Permission{
	RoleAdmin: {PermStaffManage, PermSettingsManage, PermAuditView, PermWebhooksManage, PermTokensOwn,
		PermSessionsManage, PermLiveHost, PermPromoManage, PermProductsManage, PermOrdersView,
		PermOrdersManage, PermCustomersView, PermCustomersManage, PermContactsView, PermInboxReply, PermAnalyticsView,
		PermStoresManage},
	RoleHost: {PermTokensOwn, PermSessionsManage, PermLiveHost, PermPromoManage, PermAnalyticsView,
		PermCustomersView},
	RoleAgent: {PermTokensOwn, PermOrdersView, PermCustomersView, PermCustomersManage, PermContactsView,
		PermInboxReply},
	RoleKOS: {PermTokensOwn, PermCustomersView, PermInboxReply},
	RoleStoreManager: {PermTokensOwn, PermProductsManage, PermOrdersView, PermOrdersManage, PermCustomersView,
		PermAnalyticsView, PermStoresManage},
}

// AllPermissions lists every permission, for the console's permission matrix.
var AllPermissions = []Permission{PermStaffManage, PermSettingsManage, PermAuditView, PermWebhooksManage,
	PermTokensOwn, PermSessionsManage, PermLiveHost, PermPromoManage, PermProductsManage, PermOrdersView,
	PermOrdersManage, PermCustomersView, PermCustomersManage, PermContactsView, PermInboxReply, PermAnalyticsView, PermStoresManage}

// Can reports whether role r holds permission p.
func (r Role) Can(p Permission) bool {
	if r == RoleOwner {
		return true
	}
	return slices.Contains(permissionTable[r], p)
}
