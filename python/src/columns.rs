//! The columns of a `check_batch` call, read from Python lists or Arrow
//! data while the GIL is held, then checked on every core without it.

use crate::arrow_in::{is_arrow, read_arrow};
use crate::arrow_out;
use crate::{parse_channel, parse_role, parse_time, text_of};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, StructArray};
use arrow_schema::{DataType, TimeUnit};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyString};
use tactful::{Channel, Checker, Context, OwnedReport, Role, Timestamp};

/// Text for each row.
enum Strings {
    Scalar(Option<String>),
    Arrow(Vec<ArrayRef>),
    Owned(Vec<Option<String>>),
}

/// The strings of one Arrow chunk (any string layout, or all-null).
fn chunk_strs<'a>(name: &str, a: &'a dyn Array) -> Result<Vec<Option<&'a str>>, String> {
    if let Some(s) = a.as_string_opt::<i32>() {
        Ok(s.iter().collect())
    } else if let Some(s) = a.as_string_opt::<i64>() {
        Ok(s.iter().collect())
    } else if let Some(s) = a.as_string_view_opt() {
        Ok(s.iter().collect())
    } else if a.data_type() == &DataType::Null {
        Ok(vec![None; a.len()])
    } else {
        Err(format!(
            "{name}: expected a string column, got {}",
            a.data_type()
        ))
    }
}

fn arrow_len(chunks: &[ArrayRef]) -> usize {
    chunks.iter().map(|c| c.len()).sum()
}

impl Strings {
    fn len(&self) -> Option<usize> {
        match self {
            Strings::Scalar(_) => None,
            Strings::Arrow(c) => Some(arrow_len(c)),
            Strings::Owned(v) => Some(v.len()),
        }
    }

    fn rows(&self, name: &str, n: usize) -> Result<Vec<Option<&str>>, String> {
        Ok(match self {
            Strings::Scalar(s) => vec![s.as_deref(); n],
            Strings::Owned(v) => v.iter().map(|s| s.as_deref()).collect(),
            Strings::Arrow(chunks) => {
                let mut out = Vec::with_capacity(n);
                for c in chunks {
                    out.extend(chunk_strs(name, c.as_ref())?);
                }
                out
            }
        })
    }
}

fn is_nan(v: &Bound<'_, PyAny>) -> bool {
    v.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan())
}

/// Each element of a Python iterable, `None` (or a float NaN, as pandas
/// writes a missing value) giving `None`.
fn py_items<'py, T>(
    name: &str,
    obj: &Bound<'py, PyAny>,
    mut each: impl FnMut(usize, &Bound<'py, PyAny>) -> PyResult<T>,
) -> PyResult<Vec<Option<T>>> {
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name}: expected a list or an Arrow array, got {}",
            obj.get_type()
                .name()
                .map_or_else(|_| "?".into(), |n| n.to_string())
        ))
    })?;
    let mut out = Vec::new();
    for (i, item) in iter.enumerate() {
        let item = item?;
        if item.is_none() || is_nan(&item) {
            out.push(None);
        } else {
            out.push(Some(each(i, &item)?));
        }
    }
    Ok(out)
}

fn py_str(name: &str, i: usize, v: &Bound<'_, PyAny>) -> PyResult<String> {
    let s = v.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name}[{i}]: expected a string or None, got {}",
            v.get_type()
                .name()
                .map_or_else(|_| "?".into(), |n| n.to_string())
        ))
    })?;
    Ok(text_of(s).into_owned())
}

fn read_strings(name: &str, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Strings> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Strings::Scalar(None));
    };
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Strings::Scalar(Some(text_of(s).into_owned())));
    }
    if is_arrow(obj)? {
        let chunks = read_arrow(name, obj)?;
        for c in &chunks {
            chunk_strs(name, c.as_ref()).map_err(PyTypeError::new_err)?;
        }
        return Ok(Strings::Arrow(chunks));
    }
    Ok(Strings::Owned(py_items(name, obj, |i, v| {
        py_str(name, i, v)
    })?))
}

/// Times for each row.
enum Times {
    Scalar(Option<Timestamp>),
    Rows(Vec<Option<Timestamp>>),
}

fn arrow_times(name: &str, chunks: &[ArrayRef]) -> PyResult<Vec<Option<Timestamp>>> {
    let mut out = Vec::with_capacity(arrow_len(chunks));
    for c in chunks {
        let per_second: Option<(i64, Vec<Option<i64>>)> = match c.data_type() {
            DataType::Timestamp(TimeUnit::Second, _) => {
                Some((1, c.as_primitive::<TimestampSecondType>().iter().collect()))
            }
            DataType::Timestamp(TimeUnit::Millisecond, _) => Some((
                1_000,
                c.as_primitive::<TimestampMillisecondType>()
                    .iter()
                    .collect(),
            )),
            DataType::Timestamp(TimeUnit::Microsecond, _) => Some((
                1_000_000,
                c.as_primitive::<TimestampMicrosecondType>()
                    .iter()
                    .collect(),
            )),
            DataType::Timestamp(TimeUnit::Nanosecond, _) => Some((
                1_000_000_000,
                c.as_primitive::<TimestampNanosecondType>().iter().collect(),
            )),
            _ => None,
        };
        if let Some((scale, values)) = per_second {
            out.extend(
                values
                    .into_iter()
                    .map(|v| v.map(|v| Timestamp::from_unix(v.div_euclid(scale)))),
            );
            continue;
        }
        let strs = chunk_strs(name, c.as_ref()).map_err(|_| {
            PyTypeError::new_err(format!(
                "{name}: expected RFC 3339 strings or timestamps, got {}",
                c.data_type()
            ))
        })?;
        for s in strs {
            let row = out.len();
            out.push(
                s.map(|s| {
                    parse_time(s).map_err(|m| PyValueError::new_err(format!("{name}[{row}]: {m}")))
                })
                .transpose()?,
            );
        }
    }
    Ok(out)
}

fn read_times(name: &str, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Times> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Times::Scalar(None));
    };
    if obj.cast::<PyString>().is_ok() || obj.hasattr("utcoffset")? {
        return Ok(Times::Scalar(crate::time_arg(name, Some(obj))?));
    }
    if is_arrow(obj)? {
        return Ok(Times::Rows(arrow_times(name, &read_arrow(name, obj)?)?));
    }
    let rows = py_items(name, obj, |i, v| {
        crate::time_arg(&format!("{name}[{i}]"), Some(v))?
            .ok_or_else(|| PyValueError::new_err(format!("{name}[{i}]: missing")))
    })?;
    Ok(Times::Rows(rows))
}

/// Earlier turns for each row.
enum Histories {
    None,
    Arrow(Vec<ArrayRef>),
    Owned(Vec<Vec<(Role, String)>>),
}

type TurnRows<'a> = Vec<Vec<(Role, &'a str)>>;

fn arrow_turns<'a>(name: &str, chunks: &'a [ArrayRef]) -> Result<TurnRows<'a>, String> {
    let mut out = Vec::new();
    for c in chunks {
        if c.data_type() == &DataType::Null {
            out.extend((0..c.len()).map(|_| Vec::new()));
            continue;
        }
        let (values, offsets): (&StructArray, Vec<(usize, usize)>) =
            if let Some(l) = c.as_list_opt::<i32>() {
                let offs = l.value_offsets();
                (
                    l.values().as_struct_opt().ok_or_else(|| shape(name))?,
                    (0..l.len())
                        .map(|i| {
                            if l.is_null(i) {
                                (0, 0)
                            } else {
                                (offs[i] as usize, offs[i + 1] as usize)
                            }
                        })
                        .collect(),
                )
            } else if let Some(l) = c.as_list_opt::<i64>() {
                let offs = l.value_offsets();
                (
                    l.values().as_struct_opt().ok_or_else(|| shape(name))?,
                    (0..l.len())
                        .map(|i| {
                            if l.is_null(i) {
                                (0, 0)
                            } else {
                                (offs[i] as usize, offs[i + 1] as usize)
                            }
                        })
                        .collect(),
                )
            } else {
                return Err(shape(name));
            };
        let roles = values
            .column_by_name("role")
            .ok_or_else(|| shape(name))
            .and_then(|a| chunk_strs(name, a.as_ref()))?;
        let texts = values
            .column_by_name("text")
            .ok_or_else(|| shape(name))
            .and_then(|a| chunk_strs(name, a.as_ref()))?;
        for (start, end) in offsets {
            let row = out.len();
            let mut turns = Vec::with_capacity(end - start);
            for j in start..end {
                if values.is_null(j) {
                    continue;
                }
                let (Some(role), Some(text)) = (roles[j], texts[j]) else {
                    return Err(format!(
                        "{name}[{row}][{}]: a turn needs a role and a text",
                        j - start
                    ));
                };
                let role =
                    parse_role(role).map_err(|m| format!("{name}[{row}][{}]: {m}", j - start))?;
                turns.push((role, text));
            }
            out.push(turns);
        }
    }
    Ok(out)
}

fn shape(name: &str) -> String {
    format!("{name}: expected a list of structs with string fields `role` and `text`")
}

fn read_histories(name: &str, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Histories> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Histories::None);
    };
    if is_arrow(obj)? {
        let chunks = read_arrow(name, obj)?;
        arrow_turns(name, &chunks).map_err(PyValueError::new_err)?;
        return Ok(Histories::Arrow(chunks));
    }
    let rows = py_items(name, obj, |i, v| {
        let mut turns = Vec::new();
        for (j, t) in v.try_iter()?.enumerate() {
            let (role, text) = crate::turn_arg(j, &t?)
                .map_err(|e| PyValueError::new_err(format!("{name}[{i}]: {e}")))?;
            turns.push((role, text));
        }
        Ok(turns)
    })?;
    Ok(Histories::Owned(
        rows.into_iter().map(Option::unwrap_or_default).collect(),
    ))
}

/// Everything one `check_batch` call checks.
pub(crate) struct BatchInput {
    n: usize,
    texts: Strings,
    channels: Strings,
    customers: Strings,
    histories: Histories,
    received_at: Times,
    sent_at: Times,
}

fn same_len(name: &str, len: Option<usize>, n: usize) -> PyResult<()> {
    match len {
        Some(l) if l != n => Err(PyValueError::new_err(format!(
            "{name}: {l} rows, but texts has {n}"
        ))),
        _ => Ok(()),
    }
}

impl BatchInput {
    pub(crate) fn read(
        texts: &Bound<'_, PyAny>,
        channel: Option<&Bound<'_, PyAny>>,
        customer: Option<&Bound<'_, PyAny>>,
        history: Option<&Bound<'_, PyAny>>,
        received_at: Option<&Bound<'_, PyAny>>,
        sent_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<BatchInput> {
        if texts.cast::<PyString>().is_ok() {
            return Err(PyTypeError::new_err(
                "texts: expected a list or an Arrow array of strings, got one string (use check)",
            ));
        }
        let texts = read_strings("texts", Some(texts))?;
        let n = texts.len().unwrap_or(0);
        let channels = read_strings("channel", channel)?;
        same_len("channel", channels.len(), n)?;
        // Unknown channels are reported before any work starts.
        for (i, c) in channels
            .rows("channel", n)
            .map_err(PyTypeError::new_err)?
            .into_iter()
            .enumerate()
        {
            if let Some(c) = c {
                parse_channel(c)
                    .map_err(|m| PyValueError::new_err(format!("channel[{i}]: {m}")))?;
            }
        }
        let customers = read_strings("customer", customer)?;
        same_len("customer", customers.len(), n)?;
        let histories = read_histories("history", history)?;
        let hist_len = match &histories {
            Histories::None => None,
            Histories::Arrow(c) => Some(arrow_len(c)),
            Histories::Owned(v) => Some(v.len()),
        };
        same_len("history", hist_len, n)?;
        let received_at = read_times("received_at", received_at)?;
        let sent_at = read_times("sent_at", sent_at)?;
        for (name, t) in [("received_at", &received_at), ("sent_at", &sent_at)] {
            if let Times::Rows(r) = t {
                same_len(name, Some(r.len()), n)?;
            }
        }
        Ok(BatchInput {
            n,
            texts,
            channels,
            customers,
            histories,
            received_at,
            sent_at,
        })
    }

    /// Checks every row on up to `threads` threads; one struct array per
    /// thread's share of the rows, in row order.
    pub(crate) fn check_all(
        &self,
        checker: &Checker,
        threads: usize,
    ) -> Result<Vec<StructArray>, String> {
        let n = self.n;
        let texts = self.texts.rows("texts", n)?;
        let channels: Vec<Channel> = self
            .channels
            .rows("channel", n)?
            .into_iter()
            .map(|c| c.map_or(Ok(Channel::Email), parse_channel))
            .collect::<Result<_, _>>()?;
        let customers = self.customers.rows("customer", n)?;
        let histories: TurnRows<'_> = match &self.histories {
            Histories::None => Vec::new(),
            Histories::Arrow(c) => arrow_turns("history", c)?,
            Histories::Owned(v) => v
                .iter()
                .map(|t| t.iter().map(|(r, s)| (*r, s.as_str())).collect())
                .collect(),
        };
        let time = |t: &Times, i: usize| match t {
            Times::Scalar(s) => *s,
            Times::Rows(r) => r[i],
        };
        // A NULL reply has no report: it gives no findings and score 100.
        let check_row = |i: usize| -> Option<OwnedReport> {
            let text = texts[i]?;
            let mut ctx = Context::channel(channels[i]);
            if let Some(c) = customers[i] {
                ctx = ctx.customer(c);
            }
            if let Some(turns) = histories.get(i) {
                for (role, t) in turns {
                    ctx = ctx.turn(*role, t);
                }
            }
            if let Some(t) = time(&self.received_at, i) {
                ctx = ctx.received_at(t);
            }
            if let Some(t) = time(&self.sent_at, i) {
                ctx = ctx.sent_at(t);
            }
            Some(checker.check_with(text, &ctx).to_owned_report())
        };
        let run = |range: std::ops::Range<usize>| -> Result<StructArray, String> {
            let reports: Vec<Option<OwnedReport>> = range.map(check_row).collect();
            arrow_out::build(&reports)
        };
        // Small batches are not worth a thread.
        let threads = threads.clamp(1, n.div_ceil(64).max(1));
        if threads == 1 {
            return Ok(vec![run(0..n)?]);
        }
        let per = n.div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..n)
                .step_by(per)
                .map(|start| {
                    let run = &run;
                    scope.spawn(move || run(start..(start + per).min(n)))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| "a checking thread failed".to_owned())
                        .and_then(|r| r)
                })
                .collect()
        })
    }
}
