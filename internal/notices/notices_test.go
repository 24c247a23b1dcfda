package notices

import (
	"os"
	"strings"
	"testing"
)

const mitText = `MIT License

Copyright (c) 2015 Example Author

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY.
`

const bsd2Text = `Copyright (c) 2015, Example Author
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

* Redistributions of source code must retain the above copyright notice, this
  list of conditions and the following disclaimer.

* Redistributions in binary form must reproduce the above copyright notice,
  this list of conditions and the following disclaimer in the documentation
  and/or other materials provided with the distribution.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
`

// bsd3Clause is the clause that makes BSD-2-Clause a BSD-3-Clause text.
const bsd3Clause = `
* Neither the name of the copyright holder nor the names of its
  contributors may be used to endorse or promote products derived from
  this software without specific prior written permission.
`

const iscGrantText = `Copyright (c) 2004 Example Author

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted`

const disclaimer = `

THE SOFTWARE IS PROVIDED “AS IS” AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH
REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY.
`

func TestIdentify(t *testing.T) {
	apache, err := os.ReadFile("../../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	bsd3 := strings.Replace(bsd2Text, "\nTHIS SOFTWARE", bsd3Clause+"\nTHIS SOFTWARE", 1)
	tests := []struct {
		name, text, want string
	}{
		{"Apache-2.0 full text", string(apache), "Apache-2.0"},
		{"Apache-2.0 header", "Copyright 2011-2016 Canonical Ltd.\n\nLicensed under the Apache License, Version 2.0 (the \"License\");\nyou may not use this file except in compliance with the License.", "Apache-2.0"},
		{"MIT", mitText, "MIT"},
		{"MIT in Markdown", "# License\n\n" + strings.ReplaceAll(mitText, "Software", "**Software**"), "MIT"},
		{"MIT as a Go comment", "// " + strings.ReplaceAll(mitText, "\n", "\n// "), "MIT"},
		{"BSD-2-Clause", bsd2Text, "BSD-2-Clause"},
		{"BSD-3-Clause", bsd3, "BSD-3-Clause"},
		{"ISC", iscGrantText + ", provided that the above copyright notice and this permission notice appear in all copies." + disclaimer, "ISC"},
		{"0BSD", iscGrantText + "." + disclaimer, "0BSD"},
		{"MPL-2.0", "Mozilla Public License Version 2.0\n==================================\n\n1. Definitions", "MPL-2.0"},
		{"MIT then Apache (yaml.v3)", mitText + "\n\n" + string(apache), "MIT AND Apache-2.0"},
		{"Bitstream Vera (DejaVu)", `Bitstream Vera Fonts Copyright
Copyright (c) 2003 by Bitstream, Inc. All Rights Reserved. Bitstream Vera is
a trademark of Bitstream, Inc.

Permission is hereby granted, free of charge, to any person obtaining a copy
of the fonts accompanying this license ("Fonts") and associated
documentation files (the "Font Software"), to reproduce and distribute the
Font Software`, "Bitstream-Vera"},
		{"CC BY 4.0 (svgo)", "Creative Commons Attribution 4.0 International Public License\n\nBy exercising the Licensed Rights", "CC-BY-4.0"},
		{"FreeType or GPL (Freetype-Go)", `Use of the Freetype-Go software is subject to your choice of exactly one of
the following two licenses:
  * The FreeType License, which is similar to the original BSD license with
    an advertising clause, or
  * The GNU General Public License (GPL), version 2 or later.`, "FTL OR GPL-2.0-or-later"},
		{"SIL OFL", "This Font Software is licensed under the SIL Open Font License, Version 1.1.", "OFL-1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Identify(tt.text)
			if err != nil || got != tt.want {
				t.Errorf("Identify: got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestIdentifyRefuses checks that texts of licences the list does not know,
// or no licence at all, are refused rather than guessed.
func TestIdentifyRefuses(t *testing.T) {
	bsd4 := strings.Replace(bsd2Text, "\nTHIS SOFTWARE", `
3. All advertising materials mentioning features or use of this software
   must display the following acknowledgement.
`+bsd3Clause+"\nTHIS SOFTWARE", 1)
	tests := []struct{ name, text string }{
		{"empty", ""},
		{"all rights reserved", "Copyright (c) 2020 Example Corp. All rights reserved."},
		{"GPL-3.0", "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n\nEveryone is permitted to copy and distribute verbatim copies"},
		{"BSD-4-Clause", bsd4},
		{"MIT grant without its condition", strings.Split(mitText, "The above copyright")[0]},
		{"a README naming a licence", "This project is released under the MIT licence; see the website."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := Identify(tt.text); err == nil {
				t.Errorf("Identify: got %q, want an error", got)
			}
		})
	}
}

func TestParse(t *testing.T) {
	good := `[{"name":"leaflet","version":"1.9.4","license":"BSD-2-Clause","homepage":"https://leafletjs.com/","kind":"npm"}]`
	cs, err := Parse([]byte(good))
	if err != nil || len(cs) != 1 || cs[0].Name != "leaflet" || cs[0].Kind != NPM {
		t.Fatalf("Parse: got %+v, %v; want the leaflet entry", cs, err)
	}
	for name, bad := range map[string]string{
		"not JSON":      `{`,
		"empty list":    `[]`,
		"no licence":    `[{"name":"x","version":"1","kind":"npm"}]`,
		"unknown kind":  `[{"name":"x","version":"1","license":"MIT","kind":"plugin"}]`,
		"nameless item": `[{"version":"1","license":"MIT","kind":"npm"}]`,
	} {
		t.Run(name, func(t *testing.T) {
			if cs, err := Parse([]byte(bad)); err == nil {
				t.Errorf("Parse: got %+v, want an error", cs)
			}
		})
	}
}
