// Package surveyform reads and writes survey definitions (XLSForm),
// parses and evaluates their skip logic, refuses questions that would ask
// for personal data, and checks responses against a survey's questions.
// It holds no SQL; estimation is internal/survey's.
package surveyform

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Expr is a parsed skip-logic condition, the subset of XLSForm formulas a
// survey's relevant column may use: ${name} references, 'text' and number
// literals, = != < <= > >=, and, or, not(…), selected(${name}, 'choice'),
// count-selected(${name}) and parentheses. It serialises to JSON so that
// the web form evaluates the same tree in the browser.
type Expr struct {
	Op   string  `json:"op"` // ref, str, num, =, !=, <, <=, >, >=, and, or, not, selected, count
	Name string  `json:"name,omitempty"`
	Str  string  `json:"str,omitempty"`
	Num  float64 `json:"num,omitempty"`
	Args []*Expr `json:"args,omitempty"`
}

// SyntaxError is a condition that cannot be parsed, with the byte offset
// where the parser stopped.
type SyntaxError struct {
	Pos    int
	Reason string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("at %d: %s", e.Pos+1, e.Reason) }

type token struct {
	kind string // ref, str, num, op, word, (, ), ",", eof
	text string
	pos  int
}

func lex(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '$':
			if i+1 >= len(s) || s[i+1] != '{' {
				return nil, &SyntaxError{i, "expected ${name}"}
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return nil, &SyntaxError{i, "unclosed ${"}
			}
			out = append(out, token{"ref", strings.TrimSpace(s[i+2 : i+j]), i})
			i += j + 1
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, &SyntaxError{i, "unclosed quote"}
			}
			out = append(out, token{"str", s[i+1 : i+1+j], i})
			i += j + 2
		case c >= '0' && c <= '9' || c == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' && !lastIsOperand(out):
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, token{"num", s[i:j], i})
			i = j
		case c == '=':
			out = append(out, token{"op", "=", i})
			i++
		case c == '!' && i+1 < len(s) && s[i+1] == '=':
			out = append(out, token{"op", "!=", i})
			i += 2
		case c == '<' || c == '>':
			if i+1 < len(s) && s[i+1] == '=' {
				out = append(out, token{"op", s[i : i+2], i})
				i += 2
			} else {
				out = append(out, token{"op", s[i : i+1], i})
				i++
			}
		case c == '(' || c == ')' || c == ',':
			out = append(out, token{string(c), string(c), i})
			i++
		case unicode.IsLetter(rune(c)):
			j := i
			for j < len(s) && (unicode.IsLetter(rune(s[j])) || s[j] == '-') {
				j++
			}
			out = append(out, token{"word", s[i:j], i})
			i = j
		default:
			return nil, &SyntaxError{i, fmt.Sprintf("unexpected %q", string(c))}
		}
	}
	return append(out, token{"eof", "", len(s)}), nil
}

func lastIsOperand(ts []token) bool {
	if len(ts) == 0 {
		return false
	}
	k := ts[len(ts)-1].kind
	return k == "ref" || k == "str" || k == "num" || k == ")"
}

type parser struct {
	ts []token
	i  int
}

func (p *parser) peek() token { return p.ts[p.i] }
func (p *parser) next() token { t := p.ts[p.i]; p.i++; return t }

func (p *parser) expect(kind string) (token, error) {
	t := p.next()
	if t.kind != kind {
		return t, &SyntaxError{t.pos, fmt.Sprintf("expected %s", kind)}
	}
	return t, nil
}

// ParseRelevant parses a skip-logic condition; an empty one is nil.
func ParseRelevant(s string) (*Expr, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	ts, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{ts: ts}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != "eof" {
		return nil, &SyntaxError{t.pos, fmt.Sprintf("unexpected %q", t.text)}
	}
	return e, nil
}

func (p *parser) or() (*Expr, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == "word" && p.peek().text == "or" {
		p.next()
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		left = &Expr{Op: "or", Args: []*Expr{left, right}}
	}
	return left, nil
}

func (p *parser) and() (*Expr, error) {
	left, err := p.cmp()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == "word" && p.peek().text == "and" {
		p.next()
		right, err := p.cmp()
		if err != nil {
			return nil, err
		}
		left = &Expr{Op: "and", Args: []*Expr{left, right}}
	}
	return left, nil
}

func (p *parser) cmp() (*Expr, error) {
	left, err := p.operand()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == "op" {
		p.next()
		right, err := p.operand()
		if err != nil {
			return nil, err
		}
		return &Expr{Op: t.text, Args: []*Expr{left, right}}, nil
	}
	return left, nil
}

func (p *parser) operand() (*Expr, error) {
	t := p.next()
	switch t.kind {
	case "ref":
		if t.text == "" {
			return nil, &SyntaxError{t.pos, "empty ${}"}
		}
		return &Expr{Op: "ref", Name: t.text}, nil
	case "str":
		return &Expr{Op: "str", Str: t.text}, nil
	case "num":
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, &SyntaxError{t.pos, "bad number"}
		}
		return &Expr{Op: "num", Num: v}, nil
	case "(":
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(")"); err != nil {
			return nil, err
		}
		return e, nil
	case "word":
		switch t.text {
		case "not":
			if _, err := p.expect("("); err != nil {
				return nil, err
			}
			e, err := p.or()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(")"); err != nil {
				return nil, err
			}
			return &Expr{Op: "not", Args: []*Expr{e}}, nil
		case "selected":
			if _, err := p.expect("("); err != nil {
				return nil, err
			}
			ref, err := p.expect("ref")
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(","); err != nil {
				return nil, err
			}
			val, err := p.expect("str")
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(")"); err != nil {
				return nil, err
			}
			return &Expr{Op: "selected", Name: ref.text, Str: val.text}, nil
		case "count-selected":
			if _, err := p.expect("("); err != nil {
				return nil, err
			}
			ref, err := p.expect("ref")
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(")"); err != nil {
				return nil, err
			}
			return &Expr{Op: "count", Name: ref.text}, nil
		}
	case "eof":
		return nil, &SyntaxError{t.pos, "condition ends too early"}
	}
	return nil, &SyntaxError{t.pos, fmt.Sprintf("unexpected %q", t.text)}
}

// Refs lists the question names the condition refers to.
func (e *Expr) Refs() []string {
	if e == nil {
		return nil
	}
	var out []string
	if e.Op == "ref" || e.Op == "selected" || e.Op == "count" {
		out = append(out, e.Name)
	}
	for _, a := range e.Args {
		out = append(out, a.Refs()...)
	}
	return out
}

// Eval evaluates the condition on answers (a multiple choice's answer is
// its choice names separated by spaces, as ODK stores it; an unanswered
// question is ""). A nil condition holds.
func (e *Expr) Eval(answers map[string]string) bool {
	if e == nil {
		return true
	}
	return truthy(e.value(answers))
}

// value is a string or a float64.
func (e *Expr) value(a map[string]string) any {
	switch e.Op {
	case "ref":
		return a[e.Name]
	case "str":
		return e.Str
	case "num":
		return e.Num
	case "selected":
		for _, f := range strings.Fields(a[e.Name]) {
			if f == e.Str {
				return true
			}
		}
		return false
	case "count":
		return float64(len(strings.Fields(a[e.Name])))
	case "not":
		return !truthy(e.Args[0].value(a))
	case "and":
		return truthy(e.Args[0].value(a)) && truthy(e.Args[1].value(a))
	case "or":
		return truthy(e.Args[0].value(a)) || truthy(e.Args[1].value(a))
	}
	return compare(e.Op, e.Args[0].value(a), e.Args[1].value(a))
}

func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	}
	return false
}

// compare follows XPath: with a number on either side both are compared
// as numbers (an empty or non-numeric answer is NaN, and NaN compares
// false except with !=); otherwise as strings, = and != only, the
// ordering operators comparing numbers.
func compare(op string, l, r any) bool {
	ls, lstr := l.(string)
	rs, rstr := r.(string)
	if lstr && rstr && (op == "=" || op == "!=") {
		return (ls == rs) == (op == "=")
	}
	x, y := number(l), number(r)
	switch op {
	case "=":
		return x == y
	case "!=":
		return x != y
	case "<":
		return x < y
	case "<=":
		return x <= y
	case ">":
		return x > y
	case ">=":
		return x >= y
	}
	return false
}

func number(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case bool:
		if v {
			return 1
		}
		return 0
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	return math.NaN()
}
