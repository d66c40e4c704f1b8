package sandbox

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Fault is an injected failure, applied to API requests (paths under /v3/).
type Fault struct {
	Kind  string        // "latency" | "systemerror" | "frequency_limited" | "drop" | "bad_signature"
	Rate  float64       // 0..1, chance per matching request
	Path  string        // optional: only requests whose path contains this
	Delay time.Duration // for "latency" (JSON: "delay_ms")
}

// The fault kinds.
const (
	FaultLatency          = "latency"           // wait Delay before answering
	FaultSystemError      = "systemerror"       // 500 SYSTEMERROR; the request is not carried out
	FaultFrequencyLimited = "frequency_limited" // 429 FREQUENCY_LIMITED; not carried out
	FaultDrop             = "drop"              // carried out, then the connection closes with no reply (in-process: panics with http.ErrAbortHandler, as net/http expects)
	FaultBadSignature     = "bad_signature"     // carried out; the reply's signature is wrong
)

// maxFaultDelay keeps a typo from hanging clients for hours.
const maxFaultDelay = 2 * time.Minute

type faultJSON struct {
	Kind    string  `json:"kind"`
	Rate    float64 `json:"rate"`
	Path    string  `json:"path,omitempty"`
	DelayMS int64   `json:"delay_ms,omitempty"`
}

// MarshalJSON writes Delay as "delay_ms".
func (f Fault) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultJSON{Kind: f.Kind, Rate: f.Rate, Path: f.Path, DelayMS: f.Delay.Milliseconds()})
}

// UnmarshalJSON reads "delay_ms" into Delay.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var j faultJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Fault{Kind: j.Kind, Rate: j.Rate, Path: j.Path, Delay: time.Duration(j.DelayMS) * time.Millisecond}
	return nil
}

// Validate says what is wrong with a fault, if anything.
func (f Fault) Validate() error {
	switch f.Kind {
	case FaultLatency, FaultSystemError, FaultFrequencyLimited, FaultDrop, FaultBadSignature:
	default:
		return fmt.Errorf("unknown fault kind %q: use latency, systemerror, frequency_limited, drop or bad_signature", clip(f.Kind, 30))
	}
	if !(f.Rate >= 0 && f.Rate <= 1) { // also catches NaN
		return fmt.Errorf("fault rate %v is not between 0 and 1", f.Rate)
	}
	if f.Delay < 0 || f.Delay > maxFaultDelay {
		return fmt.Errorf("fault delay must be between 0 and %v", maxFaultDelay)
	}
	return nil
}

// SetFaults replaces the injected faults (nil clears them), as PUT /sandbox/faults.
// Faults that do not Validate never fire.
func (s *Server) SetFaults(f []Fault) {
	kept := make([]Fault, 0, len(f))
	for _, x := range f {
		if x.Validate() == nil {
			kept = append(kept, x)
		}
	}
	s.mu.Lock()
	s.faults = kept
	s.mu.Unlock()
}

// Faults returns the faults in force.
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Fault{}, s.faults...)
}

// faultPlan is what the faults decided for one request.
type faultPlan struct {
	delay        time.Duration
	early        *reply // answer this instead of carrying the request out
	drop         bool
	badSignature bool
}

// planFaults rolls the dice of every fault that matches path.
func (s *Server) planFaults(path string) faultPlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	var p faultPlan
	for _, f := range s.faults {
		if (f.Path != "" && !strings.Contains(path, f.Path)) || rand.Float64() >= f.Rate {
			continue
		}
		s.stats["fault_"+f.Kind]++
		switch f.Kind {
		case FaultLatency:
			p.delay += f.Delay
		case FaultSystemError:
			if p.early == nil {
				e := errorReply(newError(http.StatusInternalServerError, "SYSTEMERROR", "系统错误，请使用相同参数稍后重新调用 / system error: retry with the same parameters"))
				p.early = &e
			}
		case FaultFrequencyLimited:
			if p.early == nil {
				e := errorReply(newError(http.StatusTooManyRequests, "FREQUENCY_LIMITED", "频率超限，请降低请求频率 / too many requests: slow down"))
				p.early = &e
			}
		case FaultDrop:
			p.drop = true
		case FaultBadSignature:
			p.badSignature = true
		}
	}
	return p
}
