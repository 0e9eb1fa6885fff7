package graph

// rules holds the authorization rule of every root field. Object kinds and
// actions are those of the casbin policies (authz/roles.go).
var rules = map[string]rule{
	// Public.
	"Mutation.login":            {public: true},
	"Mutation.acceptInvitation": {public: true},

	// Any signed-in user; privacy rules decide what they see.
	"Query.node":                {},
	"Query.nodes":               {},
	"Query.me":                  {},
	"Query.organizations":       {},
	"Query.apiTokens":           {},
	"Query.alerts":              {},
	"Mutation.logout":           {},
	"Mutation.enableTOTP":       {},
	"Mutation.verifyTOTP":       {},
	"Mutation.revokeAPIToken":   {}, // creator or member managers; checked in the resolver
	"Mutation.acknowledgeAlert": {},

	// Connections: the permission in at least one organization; rows are
	// narrowed to those organizations by privacy rules.
	"Query.stores":         {obj: "store", act: "read"},
	"Query.contents":       {obj: "content", act: "read"},
	"Query.campaigns":      {obj: "campaign", act: "read"},
	"Query.kolPartners":    {obj: "kol", act: "read"},
	"Query.collaborations": {obj: "kol", act: "read"},
	"Query.suppliers":      {obj: "supplier", act: "read"},
	"Query.products":       {obj: "product", act: "read"},
	"Query.skus":           {obj: "product", act: "read"},
	"Query.orders":         {obj: "order", act: "read"},
	"Query.auditEvents":    {obj: "audit", act: "read"},
	"Query.roles":          {obj: "member", act: "read", org: argOrg("organizationID")},

	"Mutation.createStore": {obj: "store", act: "create", org: inputOrg("OrganizationID")},
	"Mutation.updateStore": {obj: "store", act: "update", org: nodeOrg("id")},
	"Mutation.deleteStore": {obj: "store", act: "delete", org: nodeOrg("id")},

	"Mutation.createContent":   {obj: "content", act: "create", org: inputNodeOrg("StoreID")},
	"Mutation.updateContent":   {obj: "content", act: "update", org: nodeOrg("id")},
	"Mutation.deleteContent":   {obj: "content", act: "delete", org: nodeOrg("id")},
	"Mutation.submitContent":   {obj: "content", act: "submit", org: nodeOrg("id")},
	"Mutation.approveContent":  {obj: "content", act: "approve", org: nodeOrg("id")},
	"Mutation.rejectContent":   {obj: "content", act: "approve", org: nodeOrg("id")},
	"Mutation.scheduleContent": {obj: "content", act: "publish", org: nodeOrg("id")},
	"Mutation.archiveContent":  {obj: "content", act: "update", org: nodeOrg("id")},

	// Content operations (issue 12).
	"Query.checkCompliance":            {obj: "content", act: "read"},
	"Query.contentCalendar":            {obj: "content", act: "read"},
	"Query.assets":                     {obj: "content", act: "read"},
	"Query.experiments":                {obj: "content", act: "read"},
	"Mutation.setComplianceTerms":      {obj: "content", act: "approve", org: argOrg("organizationID")},
	"Mutation.markContentPosted":       {obj: "content", act: "update", org: nodeOrg("id")},
	"Mutation.createAsset":             {obj: "content", act: "create", org: inputOrg("OrganizationID")},
	"Mutation.updateAsset":             {obj: "content", act: "update", org: nodeOrg("id")},
	"Mutation.deleteAsset":             {obj: "content", act: "delete", org: nodeOrg("id")},
	"Mutation.importEngagementMetrics": {obj: "content", act: "update", org: nodeOrg("storeID")},
	"Mutation.createExperiment":        {obj: "content", act: "create", org: inputNodeOrg("StoreID")},

	"Mutation.createCampaign":      {obj: "campaign", act: "create", org: inputNodeOrg("StoreID")},
	"Mutation.updateCampaign":      {obj: "campaign", act: "update", org: nodeOrg("id")},
	"Mutation.deleteCampaign":      {obj: "campaign", act: "delete", org: nodeOrg("id")},
	"Mutation.launchCampaign":      {obj: "campaign", act: "launch", org: nodeOrg("id")},
	"Mutation.scheduleCampaign":    {obj: "campaign", act: "launch", org: nodeOrg("id")},
	"Mutation.pauseCampaign":       {obj: "campaign", act: "launch", org: nodeOrg("id")},
	"Mutation.resumeCampaign":      {obj: "campaign", act: "launch", org: nodeOrg("id")},
	"Mutation.cancelCampaign":      {obj: "campaign", act: "launch", org: nodeOrg("id")},
	"Subscription.campaignUpdated": {obj: "campaign", act: "read", org: nodeOrg("id")},
	"Query.quoteCart":              {obj: "campaign", act: "read", org: nodeOrg("storeID")},

	"Mutation.createKOLPartner": {obj: "kol", act: "create", org: inputOrg("OrganizationID")},
	"Mutation.updateKOLPartner": {obj: "kol", act: "update", org: nodeOrg("id")},
	"Mutation.deleteKOLPartner": {obj: "kol", act: "delete", org: nodeOrg("id")},

	"Mutation.createCollaboration": {obj: "kol", act: "create", org: inputNodeOrg("KolPartnerID")},
	"Mutation.updateCollaboration": {obj: "kol", act: "update", org: nodeOrg("id")},
	"Mutation.deleteCollaboration": {obj: "kol", act: "delete", org: nodeOrg("id")},

	// KOL settlement statements (issue 10 item 5): operators draft and
	// confirm; marking paid (money leaves) needs kol/manage (owners, admins).
	"Query.kolSettlements":           {obj: "kol", act: "read"},
	"Mutation.generateKOLSettlement": {obj: "kol", act: "update", org: nodeOrg("partnerID")},
	"Mutation.confirmKOLSettlement":  {obj: "kol", act: "update", org: nodeOrg("id")},
	"Mutation.markKOLSettlementPaid": {obj: "kol", act: "manage", org: nodeOrg("id")},

	"Mutation.createSupplier": {obj: "supplier", act: "create", org: inputOrg("OrganizationID")},
	"Mutation.updateSupplier": {obj: "supplier", act: "update", org: nodeOrg("id")},
	"Mutation.deleteSupplier": {obj: "supplier", act: "delete", org: nodeOrg("id")},

	"Mutation.createProduct": {obj: "product", act: "create", org: inputNodeOrg("StoreID")},
	"Mutation.updateProduct": {obj: "product", act: "update", org: nodeOrg("id")},
	"Mutation.deleteProduct": {obj: "product", act: "delete", org: nodeOrg("id")},

	"Mutation.createSKU": {obj: "product", act: "create", org: inputNodeOrg("ProductID")},
	"Mutation.updateSKU": {obj: "product", act: "update", org: nodeOrg("id")},
	"Mutation.deleteSKU": {obj: "product", act: "delete", org: nodeOrg("id")},

	"Query.plugins":               {obj: "plugin", act: "read"},
	"Query.syncJobs":              {obj: "store", act: "read"},
	"Mutation.connectStore":       {obj: "plugin", act: "manage", org: nodeOrg("storeID")},
	"Mutation.syncStore":          {obj: "store", act: "sync", org: nodeOrg("storeID")},
	"Mutation.cancelSyncJob":      {obj: "store", act: "sync", org: nodeOrg("id")},
	"Mutation.retrySyncJob":       {obj: "store", act: "sync", org: nodeOrg("id")},
	"Mutation.publishContent":     {obj: "content", act: "publish", org: nodeOrg("contentID")},
	"Mutation.updateStock":        {obj: "product", act: "sync", org: nodeOrg("skuID")},
	"Subscription.syncJobUpdated": {obj: "store", act: "read", org: nodeOrg("id")},

	// Operations insights (issue 10): analytics:read in the store's or
	// organization's organization; an agency's clients are narrowed further
	// to those where the viewer reads analytics (insightsvc.OrgScope).
	"Query.storeInsights":        {obj: "analytics", act: "read", org: nodeOrg("storeID")},
	"Query.organizationInsights": {obj: "analytics", act: "read", org: argOrg("organizationID")},
	"Query.rfm":                  {obj: "analytics", act: "read", org: argOrg("organizationID")},
	"Query.rfmBuyers":            {obj: "analytics", act: "read", org: argOrg("organizationID")},
	"Query.cohortRetention":      {obj: "analytics", act: "read", org: argOrg("organizationID")},
	"Query.productInsights":      {obj: "analytics", act: "read", org: argOrg("organizationID")},
	"Query.clientReport":         {obj: "analytics", act: "read", org: argOrg("organizationID")},
	"Mutation.createReportLink":  {obj: "analytics", act: "read", org: argOrg("organizationID")},
	"Query.alertRules":           {obj: "analytics", act: "read"},
	"Mutation.setInsightTarget":  {obj: "analytics", act: "manage", org: argOrg("organizationID")},
	"Mutation.setRFMSettings":    {obj: "analytics", act: "manage", org: argOrg("organizationID")},
	"Mutation.createAlertRule":   {obj: "analytics", act: "manage", org: inputOrg("OrganizationID")},
	"Mutation.updateAlertRule":   {obj: "analytics", act: "manage", org: nodeOrg("id")},
	"Subscription.alertRaised":   {}, // filtered to the viewer's alert organizations

	// Webhooks (issue 13): owners and admins (webhook is in no other
	// built-in role); the rows are readable with webhook:read only.
	"Query.webhookEndpoints":         {obj: "webhook", act: "read"},
	"Query.webhookDeliveries":        {obj: "webhook", act: "read"},
	"Mutation.createWebhookEndpoint": {obj: "webhook", act: "manage", org: inputOrg("OrganizationID")},
	"Mutation.updateWebhookEndpoint": {obj: "webhook", act: "manage", org: nodeOrg("id")},
	"Mutation.deleteWebhookEndpoint": {obj: "webhook", act: "manage", org: nodeOrg("id")},
	"Mutation.rotateWebhookSecret":   {obj: "webhook", act: "manage", org: nodeOrg("id")},
	"Mutation.replayWebhookDelivery": {obj: "webhook", act: "manage", org: nodeOrg("id")},
	"Mutation.pingWebhookEndpoint":   {obj: "webhook", act: "manage", org: nodeOrg("id")},
	// Mall (issue 11): the mini-program mall acts for pseudonymous buyers.
	"Query.groupBuyTeams":       {obj: "mall", act: "read"},
	"Query.groupBuyTeam":        {obj: "mall", act: "read", org: nodeOrg("id")},
	"Mutation.openGroupBuyTeam": {obj: "mall", act: "create", org: nodeOrg("storeID")},
	"Mutation.joinGroupBuyTeam": {obj: "mall", act: "create", org: nodeOrg("teamID")},
	"Query.bargainSessions":     {obj: "mall", act: "read"},
	"Query.bargainSession":      {obj: "mall", act: "read", org: nodeOrg("id")},
	"Mutation.startBargain":     {obj: "mall", act: "create", org: nodeOrg("storeID")},
	"Mutation.helpBargain":      {obj: "mall", act: "create", org: nodeOrg("sessionID")},
	"Mutation.buyBargain":       {obj: "mall", act: "create", org: nodeOrg("sessionID")},

	"Mutation.createAPIToken":   {obj: "member", act: "manage", org: argOrg("organizationID")},
	"Mutation.inviteMember":     {obj: "member", act: "manage", org: argOrg("organizationID")},
	"Mutation.changeMemberRole": {obj: "member", act: "manage", org: nodeOrg("membershipID")},
	"Mutation.removeMember":     {obj: "member", act: "manage", org: nodeOrg("membershipID")},
	"Mutation.setCustomRole":    {obj: "member", act: "manage", org: argOrg("organizationID")},
	"Mutation.deleteCustomRole": {obj: "member", act: "manage", org: argOrg("organizationID")},
	// The brand's mini-program mall (issue 11): mall:read / mall:create in
	// the organization of the campaign, store or order acted on; a store
	// token only finds its own store's.
	"Query.flashSaleSlot":       {obj: "mall", act: "read", org: nodeOrg("campaignID")},
	"Mutation.reserveFlashSale": {obj: "mall", act: "create", org: nodeOrg("campaignID")},
	"Mutation.claimCoupon":      {obj: "mall", act: "create", org: nodeOrg("campaignID")},
	"Mutation.placeMallOrder":   {obj: "mall", act: "create", org: nodeOrg("storeID")},
	"Mutation.payMallOrder":     {obj: "mall", act: "create", org: mallOrderOrg("orderID")},
	"Mutation.cancelMallOrder":  {obj: "mall", act: "create", org: mallOrderOrg("orderID")},
	"Mutation.refundMallOrder":  {obj: "mall", act: "create", org: mallOrderOrg("orderID")},
}

// noTxFields run outside the per-mutation transaction: login must keep its
// failure counts when the request fails, and role edits go through casbin's
// adapter, which writes on its own connection.
var noTxFields = map[string]bool{
	"login": true, "acceptInvitation": true, "logout": true, "enableTOTP": true, "verifyTOTP": true,
	"setCustomRole": true, "deleteCustomRole": true,
}
