package web

import "net/http"

// mountAnalytics registers the 数据分析 area: live dashboard and post-live reports.
func (c *Console) mountAnalytics(mux *http.ServeMux) {
	_ = mux
}
