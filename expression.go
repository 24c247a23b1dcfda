package aldyn

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Expressions of validation rules: arithmetic over data element codes,
// compared with another such expression, e.g.
// "orders_breached <= orders_issued" or "women_staff[officer] * 2 <= total_staff".
// The grammar is deliberately small and parsed here, never evaluated by
// anything more powerful:
//
//	rule    = sum cmp sum
//	sum     = term { ("+" | "-") term }
//	term    = unary { ("*" | "/" | "×" | "÷") unary }
//	unary   = "-" unary | primary
//	primary = number | code [ "[" option "]" ] | "(" sum ")"
//	cmp     = "<" | "<=" | "≤" | ">" | ">=" | "≥" | "==" | "=" | "!=" | "≠"
//
// code[option] is the sum of the element's values in every combination of
// its disaggregation that contains the option; a bare code is the
// element's total.

// MaxExpressionLength bounds a rule's text, in characters.
const MaxExpressionLength = 500

// Expr is a parsed arithmetic expression.
type Expr struct {
	op     byte // 'n' number, 'v' element value, '+', '-', '*', '/', 'u' unary minus
	num    float64
	code   string
	option string
	l, r   *Expr
}

// ValueRef is an element code, optionally narrowed to one option of its
// disaggregation, as an expression names it.
type ValueRef struct {
	Code   string
	Option string
}

// RuleExpr is a parsed rule: Left Op Right.
type RuleExpr struct {
	Left, Right *Expr
	Op          string // "<", "<=", ">", ">=", "==", "!="
}

// ParseRule parses a rule's expression. A syntax error is an EINVALID
// error whose "at" argument is the 1-based character position.
func ParseRule(s string) (*RuleExpr, error) {
	if utf8.RuneCountInString(s) > MaxExpressionLength {
		return nil, Errorf(EINVALID, "datasets.error.expression_too_long", "max", MaxExpressionLength)
	}
	p := &exprParser{src: []rune(s)}
	left, err := p.sum()
	if err != nil {
		return nil, err
	}
	op := p.cmp()
	if op == "" {
		return nil, p.fail("datasets.error.expression_comparison")
	}
	right, err := p.sum()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i < len(p.src) {
		return nil, p.fail("datasets.error.expression_unexpected")
	}
	return &RuleExpr{Left: left, Right: right, Op: op}, nil
}

// Refs lists the values the rule reads, each once, in order of appearance.
func (r *RuleExpr) Refs() []ValueRef {
	var out []ValueRef
	seen := map[ValueRef]bool{}
	var walk func(e *Expr)
	walk = func(e *Expr) {
		if e == nil {
			return
		}
		if e.op == 'v' {
			ref := ValueRef{e.code, e.option}
			if !seen[ref] {
				seen[ref] = true
				out = append(out, ref)
			}
		}
		walk(e.l)
		walk(e.r)
	}
	walk(r.Left)
	walk(r.Right)
	return out
}

// Holds evaluates the rule with values from get. A side that cannot be
// computed (a division by zero) makes the rule not apply: ok is false.
func (r *RuleExpr) Holds(get func(ValueRef) float64) (holds, ok bool) {
	a, b := r.Left.Eval(get), r.Right.Eval(get)
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return false, false
	}
	// Values are typed in as decimals; compare them as such, not as the
	// binary fractions 0.1 + 0.2 becomes.
	const eps = 1e-9
	switch r.Op {
	case "<":
		return a < b-eps, true
	case "<=":
		return a <= b+eps, true
	case ">":
		return a > b+eps, true
	case ">=":
		return a >= b-eps, true
	case "==":
		return math.Abs(a-b) <= eps, true
	default: // "!="
		return math.Abs(a-b) > eps, true
	}
}

// Eval computes the expression with values from get.
func (e *Expr) Eval(get func(ValueRef) float64) float64 {
	switch e.op {
	case 'n':
		return e.num
	case 'v':
		return get(ValueRef{e.code, e.option})
	case 'u':
		return -e.l.Eval(get)
	case '+':
		return e.l.Eval(get) + e.r.Eval(get)
	case '-':
		return e.l.Eval(get) - e.r.Eval(get)
	case '*':
		return e.l.Eval(get) * e.r.Eval(get)
	default: // '/'
		d := e.r.Eval(get)
		if d == 0 {
			return math.NaN()
		}
		return e.l.Eval(get) / d
	}
}

type exprParser struct {
	src   []rune
	i     int
	depth int
}

// maxExprDepth bounds nesting, so that a hostile rule cannot exhaust the
// stack.
const maxExprDepth = 50

func (p *exprParser) fail(key string) error {
	return Errorf(EINVALID, key, "at", p.i+1)
}

func (p *exprParser) space() {
	for p.i < len(p.src) && unicode.IsSpace(p.src[p.i]) {
		p.i++
	}
}

func (p *exprParser) peek() rune {
	p.space()
	if p.i < len(p.src) {
		return p.src[p.i]
	}
	return 0
}

func (p *exprParser) sum() (*Expr, error) {
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for {
		c := p.peek()
		if c != '+' && c != '-' && c != '−' {
			return l, nil
		}
		p.i++
		r, err := p.term()
		if err != nil {
			return nil, err
		}
		op := byte('+')
		if c != '+' {
			op = '-'
		}
		l = &Expr{op: op, l: l, r: r}
	}
}

func (p *exprParser) term() (*Expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		c := p.peek()
		var op byte
		switch c {
		case '*', '×':
			op = '*'
		case '/', '÷':
			op = '/'
		default:
			return l, nil
		}
		p.i++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = &Expr{op: op, l: l, r: r}
	}
}

func (p *exprParser) unary() (*Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxExprDepth {
		return nil, p.fail("datasets.error.expression_nesting")
	}
	if c := p.peek(); c == '-' || c == '−' {
		p.i++
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Expr{op: 'u', l: e}, nil
	}
	return p.primary()
}

func isCodeStart(c rune) bool { return c >= 'a' && c <= 'z' }
func isCodeRune(c rune) bool  { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' }

func (p *exprParser) word() string {
	start := p.i
	for p.i < len(p.src) && isCodeRune(p.src[p.i]) {
		p.i++
	}
	return string(p.src[start:p.i])
}

func (p *exprParser) primary() (*Expr, error) {
	c := p.peek()
	switch {
	case c == '(':
		p.i++
		e, err := p.sum()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, p.fail("datasets.error.expression_paren")
		}
		p.i++
		return e, nil
	case c >= '0' && c <= '9' || c == '.':
		start := p.i
		for p.i < len(p.src) && (p.src[p.i] >= '0' && p.src[p.i] <= '9' || p.src[p.i] == '.') {
			p.i++
		}
		n, err := strconv.ParseFloat(string(p.src[start:p.i]), 64)
		if err != nil {
			p.i = start
			return nil, p.fail("datasets.error.expression_number")
		}
		return &Expr{op: 'n', num: n}, nil
	case isCodeStart(c):
		e := &Expr{op: 'v', code: p.word()}
		if p.i < len(p.src) && p.src[p.i] == '[' {
			p.i++
			p.space()
			e.option = p.word()
			if e.option == "" || p.peek() != ']' {
				return nil, p.fail("datasets.error.expression_option")
			}
			p.i++
		}
		return e, nil
	case c == 0:
		return nil, p.fail("datasets.error.expression_end")
	}
	return nil, p.fail("datasets.error.expression_unexpected")
}

func (p *exprParser) cmp() string {
	p.space()
	rest := string(p.src[p.i:])
	for _, c := range []struct{ text, op string }{
		{"<=", "<="}, {">=", ">="}, {"==", "=="}, {"!=", "!="},
		{"≤", "<="}, {"≥", ">="}, {"≠", "!="}, {"<", "<"}, {">", ">"}, {"=", "=="},
	} {
		if strings.HasPrefix(rest, c.text) {
			p.i += utf8.RuneCountInString(c.text)
			return c.op
		}
	}
	return ""
}

// exprJSON is an expression as the browser reads it (web/src/dataform.js
// evaluates it as Eval does): op is "n" (num), "v" (code, option), "u"
// (unary minus of l) or one of + - * / (l, r).
type exprJSON struct {
	Op     string    `json:"op"`
	Num    float64   `json:"num,omitempty"`
	Code   string    `json:"code,omitempty"`
	Option string    `json:"option,omitempty"`
	L      *exprJSON `json:"l,omitempty"`
	R      *exprJSON `json:"r,omitempty"`
}

func (e *Expr) tree() *exprJSON {
	if e == nil {
		return nil
	}
	return &exprJSON{Op: string(e.op), Num: e.num, Code: e.code, Option: e.option, L: e.l.tree(), R: e.r.tree()}
}

// MarshalJSON writes the parsed rule as the tree the entry form's script
// evaluates while the official types, so that browser and server read a
// rule from the same parse: {"op": "<=", "left": …, "right": …}.
func (r *RuleExpr) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Op    string    `json:"op"`
		Left  *exprJSON `json:"left"`
		Right *exprJSON `json:"right"`
	}{r.Op, r.Left.tree(), r.Right.tree()})
}
