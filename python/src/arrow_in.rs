//! Reading Arrow data handed over through the Arrow PyCapsule interface
//! (`__arrow_c_array__` or `__arrow_c_stream__`), as pyarrow, Polars,
//! DuckDB, pandas (via pyarrow) and Spark's batches all offer it.

use arrow_array::ffi::{from_ffi, from_ffi_and_data_type, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{make_array, Array, ArrayRef, StructArray};
use arrow_schema::DataType;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods, PyTuple};
use std::ffi::CStr;

fn arrow_err(name: &str, e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("{name}: {e}"))
}

fn capsule_ptr<T>(
    name: &str,
    obj: &Bound<'_, PyAny>,
    capsule_name: &'static CStr,
) -> PyResult<*mut T> {
    let capsule = obj.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name}: the Arrow PyCapsule interface returned something other than a capsule"
        ))
    })?;
    let ptr = capsule.pointer_checked(Some(capsule_name))?;
    Ok(ptr.as_ptr().cast::<T>())
}

/// A single-column table or record batch stands for its column.
fn unwrap_struct(name: &str, array: ArrayRef) -> PyResult<ArrayRef> {
    if let DataType::Struct(fields) = array.data_type() {
        if fields.len() == 1 {
            let s = array
                .as_any()
                .downcast_ref::<StructArray>()
                .ok_or_else(|| arrow_err(name, "a struct column that is not a StructArray"))?;
            return Ok(s.column(0).clone());
        }
        return Err(PyValueError::new_err(format!(
            "{name}: got a table or struct with {} columns; pass one column",
            fields.len()
        )));
    }
    Ok(array)
}

/// Whether `obj` speaks the Arrow PyCapsule interface.
pub(crate) fn is_arrow(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(obj.hasattr("__arrow_c_array__")? || obj.hasattr("__arrow_c_stream__")?)
}

/// The chunks of an Arrow array, chunked array, stream or one-column
/// table, validated in full (so that string data is known to be UTF-8).
pub(crate) fn read_arrow(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<ArrayRef>> {
    let mut out = Vec::new();
    if obj.hasattr("__arrow_c_array__")? {
        let pair = obj.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>().map_err(|_| {
            PyTypeError::new_err(format!("{name}: __arrow_c_array__ did not return a pair"))
        })?;
        if pair.len() != 2 {
            return Err(PyTypeError::new_err(format!(
                "{name}: __arrow_c_array__ did not return a pair"
            )));
        }
        let schema_capsule = pair.get_item(0)?;
        let array_capsule = pair.get_item(1)?;
        let schema_ptr = capsule_ptr::<FFI_ArrowSchema>(name, &schema_capsule, c"arrow_schema")?;
        let array_ptr = capsule_ptr::<FFI_ArrowArray>(name, &array_capsule, c"arrow_array")?;
        // SAFETY: the capsules hold valid C data interface structs (the
        // protocol's contract); the array is moved out and released by us,
        // the schema is only borrowed and released with its capsule.
        let data = unsafe {
            let array = FFI_ArrowArray::from_raw(array_ptr);
            from_ffi(array, &*schema_ptr)
        }
        .map_err(|e| arrow_err(name, e))?;
        data.validate_full().map_err(|e| arrow_err(name, e))?;
        out.push(unwrap_struct(name, make_array(data))?);
        return Ok(out);
    }
    if obj.hasattr("__arrow_c_stream__")? {
        let capsule = obj.call_method0("__arrow_c_stream__")?;
        let ptr = capsule_ptr::<FFI_ArrowArrayStream>(name, &capsule, c"arrow_array_stream")?;
        // SAFETY: the capsule holds a valid stream; it is moved out and
        // released when `stream` drops.
        let mut stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr) };
        let stream_error = |stream: &mut FFI_ArrowArrayStream, code: i32| -> PyErr {
            let detail = stream
                .get_last_error
                .map(|f| unsafe { f(stream) })
                .filter(|p| !p.is_null())
                // SAFETY: a non-null last error is a NUL-terminated string
                // owned by the stream.
                .map(|p| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
                .unwrap_or_else(|| format!("error code {code}"));
            arrow_err(name, format!("reading the Arrow stream: {detail}"))
        };
        let (Some(get_schema), Some(get_next)) = (stream.get_schema, stream.get_next) else {
            return Err(arrow_err(name, "the Arrow stream is already released"));
        };
        let mut schema = FFI_ArrowSchema::empty();
        // SAFETY: calling the stream's own callbacks on it, as the C stream
        // interface prescribes.
        let code = unsafe { get_schema(&mut stream, &mut schema) };
        if code != 0 {
            return Err(stream_error(&mut stream, code));
        }
        let data_type = DataType::try_from(&schema).map_err(|e| arrow_err(name, e))?;
        loop {
            let mut array = FFI_ArrowArray::empty();
            // SAFETY: as above.
            let code = unsafe { get_next(&mut stream, &mut array) };
            if code != 0 {
                return Err(stream_error(&mut stream, code));
            }
            if array.is_released() {
                break;
            }
            // SAFETY: the array was produced by the stream for its schema.
            let data = unsafe { from_ffi_and_data_type(array, data_type.clone()) }
                .map_err(|e| arrow_err(name, e))?;
            data.validate_full().map_err(|e| arrow_err(name, e))?;
            out.push(unwrap_struct(name, make_array(data))?);
        }
        return Ok(out);
    }
    Err(PyTypeError::new_err(format!(
        "{name}: expected a list or an Arrow array, got {}",
        obj.get_type().name()?
    )))
}
