package surveyform

import "testing"

func TestRelevant(t *testing.T) {
	answers := map[string]string{"sex": "f", "age": "34", "crimes": "theft fraud", "reported": "", "night": "unsafe"}
	for _, tt := range []struct {
		cond string
		want bool
	}{
		{"", true},
		{"${sex} = 'f'", true},
		{"${sex} != 'f'", false},
		{`${sex} = "m"`, false},
		{"${age} >= 18", true},
		{"${age} < 18", false},
		{"${age} > 34 or ${sex} = 'f'", true},
		{"${age} > 34 and ${sex} = 'f'", false},
		{"selected(${crimes}, 'fraud')", true},
		{"selected(${crimes}, 'robbery')", false},
		{"not(selected(${crimes}, 'robbery'))", true},
		{"count-selected(${crimes}) >= 2", true},
		{"${reported} = ''", true},
		{"${reported} != ''", false},
		{"${reported} > 3", false},
		{"(${sex} = 'm' or ${night} = 'unsafe') and ${age} >= -1", true},
		{"${missing} = 'x'", false},
	} {
		t.Run(tt.cond, func(t *testing.T) {
			e, err := ParseRelevant(tt.cond)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Eval(answers); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRelevantSyntaxErrors(t *testing.T) {
	for _, cond := range []string{
		"${sex} =", "${sex = 'f'", "${} = 'f'", "${sex} = 'f", "${sex} == 'f' and", "selected(${crimes})",
		"(${sex} = 'f'", "${sex} = 'f')", "${sex} # 'f'", "$sex = 'f'", "if(${sex}, 1, 0)",
	} {
		t.Run(cond, func(t *testing.T) {
			if _, err := ParseRelevant(cond); err == nil {
				t.Error("parsed; want a syntax error")
			}
		})
	}
}
