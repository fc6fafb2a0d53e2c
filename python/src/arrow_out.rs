//! `check_batch`'s result as Arrow: one struct per reply,
//!
//! ```text
//! struct<
//!   findings: list<struct<rule: string, category: string, severity: string,
//!                         start: int64, end: int64, line: int64, column: int64,
//!                         utf16_start: int64, utf16_end: int64,
//!                         matched: string, message: string,
//!                         suggestions: list<string>, fix: string,
//!                         advice: list<string>>>,
//!   score: int32>
//! ```
//!
//! the batch output's per-reply object field for field. `findings` is never
//! null (a NULL reply gives an empty list), and only `fix` may be null
//! inside a finding.

use arrow_array::builder::{Int32Builder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::ffi::to_ffi;
use arrow_array::{Array, ArrayRef, ListArray, StructArray};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, Fields};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};
use std::sync::Arc;
use tactful::OwnedReport;

fn list_of_strings() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

fn finding_fields() -> Fields {
    let s = |n: &str| Field::new(n, DataType::Utf8, true);
    let i = |n: &str| Field::new(n, DataType::Int64, true);
    Fields::from(vec![
        s("rule"),
        s("category"),
        s("severity"),
        i("start"),
        i("end"),
        i("line"),
        i("column"),
        i("utf16_start"),
        i("utf16_end"),
        s("matched"),
        s("message"),
        Field::new("suggestions", list_of_strings(), true),
        s("fix"),
        Field::new("advice", list_of_strings(), true),
    ])
}

fn result_fields() -> Fields {
    let finding = Field::new("item", DataType::Struct(finding_fields()), true);
    Fields::from(vec![
        Field::new("findings", DataType::List(Arc::new(finding)), true),
        Field::new("score", DataType::Int32, true),
    ])
}

/// The result type, `struct<findings, score>`.
pub(crate) fn result_type() -> DataType {
    DataType::Struct(result_fields())
}

fn int(v: usize) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Builds the struct array for a run of reports.
pub(crate) fn build(reports: &[Option<OwnedReport>]) -> Result<StructArray, String> {
    // String and list offsets are 32-bit: refuse what would overflow them
    // rather than panic in a builder.
    let mut bytes: usize = 0;
    let mut count: usize = 0;
    for r in reports.iter().flatten() {
        for f in &r.findings {
            count += 1 + f.suggestions.len() + f.advice.len();
            bytes += f.rule.len() + f.matched.len() + f.message.len() + 32;
            bytes += f.fix.as_ref().map_or(0, String::len);
            bytes += f.suggestions.iter().map(String::len).sum::<usize>();
            bytes += f.advice.iter().map(String::len).sum::<usize>();
        }
    }
    if bytes >= i32::MAX as usize || count >= i32::MAX as usize {
        return Err(format!(
            "{} replies give more findings than one Arrow array holds; pass fewer rows at a time",
            reports.len()
        ));
    }
    let n: usize = reports.iter().flatten().map(|r| r.findings.len()).sum();
    let mut rule = StringBuilder::with_capacity(n, n * 16);
    let mut category = StringBuilder::with_capacity(n, n * 8);
    let mut severity = StringBuilder::with_capacity(n, n * 7);
    let mut ints: Vec<Int64Builder> = (0..6).map(|_| Int64Builder::with_capacity(n)).collect();
    let mut matched = StringBuilder::with_capacity(n, n * 16);
    let mut message = StringBuilder::with_capacity(n, n * 64);
    let mut suggestions = ListBuilder::new(StringBuilder::new());
    let mut fix = StringBuilder::with_capacity(n, n * 16);
    let mut advice = ListBuilder::new(StringBuilder::new());
    let mut score = Int32Builder::with_capacity(reports.len());
    let mut offsets = Vec::with_capacity(reports.len() + 1);
    offsets.push(0i32);
    let mut total = 0i32;
    for r in reports {
        let (findings, points) = r
            .as_ref()
            .map_or((&[][..], 100), |r| (&r.findings[..], r.score));
        for f in findings {
            rule.append_value(&f.rule);
            category.append_value(f.category.as_str());
            severity.append_value(f.severity.as_str());
            for (b, v) in
                ints.iter_mut()
                    .zip([f.start, f.end, f.line, f.column, f.utf16_start, f.utf16_end])
            {
                b.append_value(int(v));
            }
            matched.append_value(&f.matched);
            message.append_value(&f.message);
            for s in &f.suggestions {
                suggestions.values().append_value(s);
            }
            suggestions.append(true);
            fix.append_option(f.fix.as_deref());
            for s in &f.advice {
                advice.values().append_value(s);
            }
            advice.append(true);
        }
        // Bounded by the count checked above.
        total += findings.len() as i32;
        offsets.push(total);
        score.append_value(i32::from(points));
    }
    let mut ints = ints
        .into_iter()
        .map(|mut b| Arc::new(b.finish()) as ArrayRef);
    let mut next_int = || {
        ints.next()
            .ok_or_else(|| "internal: column count".to_owned())
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(rule.finish()),
        Arc::new(category.finish()),
        Arc::new(severity.finish()),
        next_int()?,
        next_int()?,
        next_int()?,
        next_int()?,
        next_int()?,
        next_int()?,
        Arc::new(matched.finish()),
        Arc::new(message.finish()),
        Arc::new(suggestions.finish()),
        Arc::new(fix.finish()),
        Arc::new(advice.finish()),
    ];
    let err = |e: arrow_schema::ArrowError| e.to_string();
    let findings = StructArray::try_new(finding_fields(), columns, None).map_err(err)?;
    let DataType::Struct(fields) = result_type() else {
        return Err("internal: result type".to_owned());
    };
    let DataType::List(item) = fields[0].data_type().clone() else {
        return Err("internal: findings type".to_owned());
    };
    let list = ListArray::try_new(
        item,
        OffsetBuffer::new(offsets.into()),
        Arc::new(findings),
        None,
    )
    .map_err(err)?;
    StructArray::try_new(fields, vec![Arc::new(list), Arc::new(score.finish())], None).map_err(err)
}

/// A struct array as the Arrow PyCapsule pair `(schema, array)`.
pub(crate) fn export<'py>(py: Python<'py>, array: StructArray) -> PyResult<Bound<'py, PyTuple>> {
    let (ffi_array, ffi_schema) =
        to_ffi(&array.to_data()).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let schema = PyCapsule::new_with_value(py, ffi_schema, c"arrow_schema")?;
    let array = PyCapsule::new_with_value(py, ffi_array, c"arrow_array")?;
    PyTuple::new(py, [schema.into_any(), array.into_any()])
}

/// The result type as an `arrow_schema` capsule.
pub(crate) fn export_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let schema = arrow_schema::ffi::FFI_ArrowSchema::try_from(&result_type())
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(PyCapsule::new_with_value(py, schema, c"arrow_schema")?.into_any())
}
