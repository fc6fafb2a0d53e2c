//! The `tactful` Python package's native module (`tactful._native`).
//!
//! A [`Checker`] wraps the library's checker; `check` returns the batch
//! output's per-reply object as Python data, and `check_batch` checks a
//! column of replies, read through the Arrow C data interface (the Arrow
//! PyCapsule protocol), on every core with the GIL released, and returns
//! one Arrow struct array (see `arrow_out`).

mod arrow_in;
mod arrow_out;
mod columns;

use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use std::path::PathBuf;
use tactful::{Channel, Context, OwnedReport, Role, Timestamp};

create_exception!(
    tactful,
    PackError,
    PyValueError,
    "A rule pack that does not load or compile; the message says where (file:line:column)."
);

/// A compiled rule pack. Immutable and safe to share across threads.
#[pyclass(frozen, module = "tactful._native")]
pub struct Checker {
    inner: tactful::Checker,
}

fn pack_error(e: tactful::Error) -> PyErr {
    let err = PackError::new_err(e.to_string());
    Python::attach(|py| {
        let value = err.value(py);
        if let Some(loc) = e.location() {
            // Best effort: the message already carries the location.
            let _ = value.setattr("line", loc.line);
            let _ = value.setattr("column", loc.column);
        }
        let _ = value.setattr("rule", e.rule());
    });
    err
}

/// A Python string as Rust text. A string that is not valid Unicode (a
/// lone surrogate such as `"\ud800"`) is read with U+FFFD in its place, so
/// offsets refer to that reading.
pub(crate) fn text_of<'a>(s: &'a Bound<'_, PyString>) -> std::borrow::Cow<'a, str> {
    s.to_string_lossy()
}

pub(crate) fn parse_channel(s: &str) -> Result<Channel, String> {
    s.parse::<Channel>()
}

pub(crate) fn parse_time(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse(s).map_err(|e| e.message().to_owned())
}

pub(crate) fn parse_role(s: &str) -> Result<Role, String> {
    s.parse::<Role>().map_err(|e| e.message().to_owned())
}

/// A timestamp argument: an RFC 3339 string, or a `datetime.datetime`
/// (naive ones are taken as UTC).
fn time_arg(name: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Timestamp>> {
    let Some(v) = v else { return Ok(None) };
    if v.is_none() {
        return Ok(None);
    }
    if let Ok(s) = v.cast::<PyString>() {
        return parse_time(&text_of(s))
            .map(Some)
            .map_err(|m| PyValueError::new_err(format!("{name}: {m}")));
    }
    if v.hasattr("timestamp")? && v.hasattr("utcoffset")? {
        let aware = !v.call_method0("utcoffset")?.is_none();
        let seconds: f64 = if aware {
            v.call_method0("timestamp")?.extract()?
        } else {
            let py = v.py();
            let utc = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("tzinfo", utc)?;
            v.call_method("replace", (), Some(&kwargs))?
                .call_method0("timestamp")?
                .extract()?
        };
        return Ok(Some(Timestamp::from_unix(seconds.floor() as i64)));
    }
    Err(PyValueError::new_err(format!(
        "{name}: expected an RFC 3339 string or a datetime, got {}",
        v.get_type().name()?
    )))
}

/// One turn given from Python: a dict `{"role": …, "text": …}` or a
/// `(role, text)` pair.
fn turn_arg(i: usize, t: &Bound<'_, PyAny>) -> PyResult<(Role, String)> {
    let where_ = |m: &str| PyValueError::new_err(format!("history[{i}]: {m}"));
    let (role, text) = if let Ok(d) = t.cast::<PyDict>() {
        let role = d
            .get_item("role")?
            .ok_or_else(|| where_("missing \"role\""))?;
        let text = d
            .get_item("text")?
            .ok_or_else(|| where_("missing \"text\""))?;
        (role, text)
    } else if let Ok(tu) = t.cast::<PyTuple>() {
        if tu.len() != 2 {
            return Err(where_("expected a (role, text) pair"));
        }
        (tu.get_item(0)?, tu.get_item(1)?)
    } else {
        return Err(where_(
            "expected a dict with \"role\" and \"text\" or a (role, text) pair",
        ));
    };
    let role = role
        .cast::<PyString>()
        .map_err(|_| where_("\"role\" must be a string"))?;
    let text = text
        .cast::<PyString>()
        .map_err(|_| where_("\"text\" must be a string"))?;
    let role = parse_role(&text_of(role)).map_err(|m| where_(&m))?;
    Ok((role, text_of(text).into_owned()))
}

pub(crate) fn report_to_py<'py>(py: Python<'py>, r: &OwnedReport) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let findings = PyList::empty(py);
    for f in &r.findings {
        let d = PyDict::new(py);
        d.set_item("rule", &f.rule)?;
        d.set_item("category", f.category.as_str())?;
        d.set_item("severity", f.severity.as_str())?;
        d.set_item("start", f.start)?;
        d.set_item("end", f.end)?;
        d.set_item("line", f.line)?;
        d.set_item("column", f.column)?;
        d.set_item("utf16_start", f.utf16_start)?;
        d.set_item("utf16_end", f.utf16_end)?;
        d.set_item("matched", &f.matched)?;
        d.set_item("message", &f.message)?;
        d.set_item("suggestions", &f.suggestions)?;
        d.set_item("fix", &f.fix)?;
        d.set_item("advice", &f.advice)?;
        findings.append(d)?;
    }
    out.set_item("findings", findings)?;
    out.set_item("score", r.score)?;
    if let Some(fixed) = &r.fixed {
        out.set_item("fixed", fixed)?;
    }
    Ok(out)
}

#[pymethods]
impl Checker {
    /// A checker for the default pack.
    #[new]
    fn new() -> PyResult<Self> {
        tactful::Checker::new()
            .map(|inner| Checker { inner })
            .map_err(pack_error)
    }

    /// A checker for a pack given as TOML text, layered over the default pack.
    #[staticmethod]
    #[pyo3(signature = (text, name=None))]
    fn from_toml(text: &str, name: Option<&str>) -> PyResult<Self> {
        let pack = tactful::Pack::from_toml_named(text, name).map_err(pack_error)?;
        tactful::Checker::builder()
            .layer(pack)
            .build()
            .map(|inner| Checker { inner })
            .map_err(pack_error)
    }

    /// A checker for a pack in a TOML file, layered over the default pack.
    #[staticmethod]
    fn from_path(path: PathBuf) -> PyResult<Self> {
        if let Err(e) = std::fs::metadata(&path) {
            return Err(PyOSError::new_err(format!("{}: {e}", path.display())));
        }
        let pack = tactful::Pack::from_path(&path).map_err(pack_error)?;
        tactful::Checker::builder()
            .layer(pack)
            .build()
            .map(|inner| Checker { inner })
            .map_err(pack_error)
    }

    /// Checks one reply; returns the batch output's per-reply object.
    #[pyo3(signature = (text, channel=None, customer=None, history=None, received_at=None, sent_at=None, fix=false))]
    #[allow(clippy::too_many_arguments)]
    fn check<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        channel: Option<&str>,
        customer: Option<&Bound<'py, PyString>>,
        history: Option<&Bound<'py, PyAny>>,
        received_at: Option<&Bound<'py, PyAny>>,
        sent_at: Option<&Bound<'py, PyAny>>,
        fix: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let text = text_of(text);
        let channel = match channel {
            Some(c) => parse_channel(c).map_err(PyValueError::new_err)?,
            None => Channel::Email,
        };
        let customer = customer.map(text_of);
        let mut turns = Vec::new();
        if let Some(h) = history {
            if !h.is_none() {
                for (i, t) in h.try_iter()?.enumerate() {
                    turns.push(turn_arg(i, &t?)?);
                }
            }
        }
        let received_at = time_arg("received_at", received_at)?;
        let sent_at = time_arg("sent_at", sent_at)?;
        let owned = py.detach(|| {
            let mut ctx = Context::channel(channel);
            if let Some(c) = customer.as_deref() {
                ctx = ctx.customer(c);
            }
            for (role, t) in &turns {
                ctx = ctx.turn(*role, t);
            }
            if let Some(t) = received_at {
                ctx = ctx.received_at(t);
            }
            if let Some(t) = sent_at {
                ctx = ctx.sent_at(t);
            }
            let report = self.inner.check_with(&text, &ctx);
            if fix {
                report.to_owned_report_fixed()
            } else {
                report.to_owned_report()
            }
        });
        report_to_py(py, &owned)
    }

    /// The reply with every fix applied.
    #[pyo3(signature = (text, channel=None))]
    fn fixed(&self, text: &Bound<'_, PyString>, channel: Option<&str>) -> PyResult<String> {
        let text = text_of(text);
        let channel = match channel {
            Some(c) => parse_channel(c).map_err(PyValueError::new_err)?,
            None => Channel::Email,
        };
        Ok(self
            .inner
            .check_with(&text, &Context::channel(channel))
            .fixed())
    }

    /// The rules' metadata, in pack order.
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for r in self.inner.rules() {
            let d = PyDict::new(py);
            d.set_item("id", &r.id)?;
            d.set_item("category", r.category.as_str())?;
            d.set_item("severity", r.severity.as_str())?;
            d.set_item("enabled", r.enabled)?;
            d.set_item("message", &r.message)?;
            d.set_item("rationale", &r.rationale)?;
            let channels: Vec<&str> = r.channels.iter().map(|c| c.as_str()).collect();
            d.set_item("channels", channels)?;
            let suggestions: Vec<&str> = r.suggestions.iter().map(|s| s.text.as_str()).collect();
            d.set_item("suggestions", suggestions)?;
            let examples = PyList::empty(py);
            for ex in &r.examples {
                let e = PyDict::new(py);
                e.set_item("text", &ex.text)?;
                e.set_item("fixed", &ex.fixed)?;
                e.set_item("channel", ex.channel.map(|c| c.as_str()))?;
                examples.append(e)?;
            }
            d.set_item("examples", examples)?;
            let counterexamples: Vec<&str> = r.counterexamples.iter().map(|c| c.text()).collect();
            d.set_item("counterexamples", counterexamples)?;
            out.append(d)?;
        }
        Ok(out)
    }

    /// Runs the pack's own examples and counterexamples; returns the
    /// failures (an empty list when the pack holds), each a dict with
    /// `rule`, `text` and `problem`.
    fn test_pack<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let failures = py.detach(|| self.inner.check_examples());
        let out = PyList::empty(py);
        for f in failures {
            let d = PyDict::new(py);
            d.set_item("rule", &f.rule)?;
            d.set_item("text", &f.text)?;
            d.set_item("problem", &f.problem)?;
            out.append(d)?;
        }
        Ok(out)
    }

    /// Checks a column of replies. Each argument after `texts` is `None`,
    /// one value for every row, or a column of the same length. Returns a
    /// list of `(schema_capsule, array_capsule)` pairs, one per chunk, each
    /// a struct array `{findings, score}` (the Python wrapper joins them).
    #[pyo3(signature = (texts, channel=None, customer=None, history=None, received_at=None, sent_at=None, threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn _check_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        channel: Option<&Bound<'py, PyAny>>,
        customer: Option<&Bound<'py, PyAny>>,
        history: Option<&Bound<'py, PyAny>>,
        received_at: Option<&Bound<'py, PyAny>>,
        sent_at: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let input =
            columns::BatchInput::read(texts, channel, customer, history, received_at, sent_at)?;
        let threads = threads.filter(|&n| n > 0).unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let checker = &self.inner;
        let chunks = py
            .detach(|| input.check_all(checker, threads))
            .map_err(PyValueError::new_err)?;
        let out = PyList::empty(py);
        for chunk in chunks {
            out.append(arrow_out::export(py, chunk)?)?;
        }
        Ok(out)
    }

    fn __repr__(&self) -> String {
        format!("<tactful.Checker with {} rules>", self.inner.rules().len())
    }
}

/// The Arrow schema of `check_batch`'s result, as a PyCapsule.
#[pyfunction]
fn _result_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    arrow_out::export_schema(py)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Checker>()?;
    m.add("PackError", m.py().get_type::<PackError>())?;
    m.add_function(wrap_pyfunction!(_result_schema, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
