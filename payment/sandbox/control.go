package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// controlRoutes are the endpoints for people and tests; they need no signature.
func (s *Server) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /sandbox/pay", func(w http.ResponseWriter, r *http.Request) { s.controlPayFail(w, r, s.Pay) })
	mux.HandleFunc("POST /sandbox/fail", func(w http.ResponseWriter, r *http.Request) { s.controlPayFail(w, r, s.Fail) })
	mux.HandleFunc("GET /sandbox/faults", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.Faults()) })
	mux.HandleFunc("PUT /sandbox/faults", s.controlSetFaults)
	mux.HandleFunc("DELETE /sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		s.SetFaults(nil)
		writeJSON(w, http.StatusOK, []Fault{})
	})
	mux.HandleFunc("GET /sandbox/stats", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.Stats()) })
}

// orderRef is the body of /sandbox/pay and /sandbox/fail.
type orderRef struct {
	OutTradeNo string `json:"out_trade_no"`
	CodeURL    string `json:"code_url"`
}

// controlPayFail runs Pay or Fail for /sandbox/pay and /sandbox/fail.
func (s *Server) controlPayFail(w http.ResponseWriter, r *http.Request, act func(string) error) {
	key, fromPage, msg := readOrderRef(w, r)
	if msg != "" {
		writeControlError(w, http.StatusBadRequest, "PARAM_ERROR", msg)
		return
	}
	err := act(key)
	switch {
	case errors.Is(err, ErrNoSuchOrder):
		writeControlError(w, http.StatusNotFound, "ORDER_NOT_EXIST", err.Error())
	case err != nil:
		writeControlError(w, http.StatusConflict, "NOT_PAYABLE", err.Error())
	case fromPage:
		http.Redirect(w, r, "/", http.StatusSeeOther)
	default:
		s.mu.Lock()
		o := s.book.find(key)
		answer := map[string]string{"out_trade_no": o.outTradeNo, "trade_state": o.state}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, answer)
	}
}

// readOrderRef takes {"out_trade_no":...} or {"code_url":...} as JSON, or the same
// fields as a form from the customer page (which then goes back to the page). The body
// decides, not Content-Type: `curl -d '{...}'` labels JSON as a form. It returns the
// order's key, whether a form sent it, and what is wrong ("" when nothing).
func readOrderRef(w http.ResponseWriter, r *http.Request) (key string, fromPage bool, problem string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return "", false, "请求体不可读或过大 / body unreadable or too large"
	}
	var ref orderRef
	trimmed := strings.TrimSpace(string(body))
	fromPage = !strings.HasPrefix(trimmed, "{")
	if fromPage {
		form, err := url.ParseQuery(trimmed)
		if err != nil {
			return "", true, "表单不可读 / unreadable form"
		}
		ref = orderRef{OutTradeNo: form.Get("out_trade_no"), CodeURL: form.Get("code_url")}
	} else if err := json.Unmarshal(body, &ref); err != nil {
		return "", false, `请求体须为 {"out_trade_no":...} 或 {"code_url":...} / body must be {"out_trade_no":...} or {"code_url":...}`
	}
	key = ref.OutTradeNo
	if key == "" {
		key = ref.CodeURL
	}
	if key == "" {
		return "", fromPage, "缺少 out_trade_no 或 code_url / out_trade_no or code_url is required"
	}
	return key, fromPage, ""
}

// controlSetFaults is PUT /sandbox/faults with a JSON array of faults ([] clears them).
func (s *Server) controlSetFaults(w http.ResponseWriter, r *http.Request) {
	var faults []Fault
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&faults); err != nil {
		writeControlError(w, http.StatusBadRequest, "PARAM_ERROR",
			`请求体须为故障数组 / body must be a JSON array like [{"kind":"latency","rate":1,"path":"/v3/pay","delay_ms":500}]`)
		return
	}
	for i, f := range faults {
		if err := f.Validate(); err != nil {
			writeControlError(w, http.StatusBadRequest, "PARAM_ERROR", fmt.Sprintf("faults[%d]: ", i)+err.Error())
			return
		}
	}
	s.SetFaults(faults)
	writeJSON(w, http.StatusOK, s.Faults())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"code":"SYSTEMERROR","message":"marshal"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeControlError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"code": code, "message": message})
}
