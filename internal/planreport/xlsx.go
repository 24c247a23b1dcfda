package planreport

import (
	"io"

	"github.com/aldyn-kg/aldyn/internal/export"
)

// WriteXLSX writes the report as one workbook with a sheet per table.
func (r *Report) WriteXLSX(w io.Writer) error { return export.WriteWorkbook(w, r.Tables()...) }
