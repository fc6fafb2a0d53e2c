//! LanguageTool's `/v2` API: reading a check request (form or JSON body,
//! plain `text` or annotated `data`) and writing its response shape.

use crate::error::ApiError;
use serde::Serialize;
use std::collections::BTreeMap;
use tactful::{Category, Channel, Context, Report, Severity};

/// The request parameters, from the query string and the body together
/// (the body's value wins). Unknown parameters are kept and ignored.
pub type Params = BTreeMap<String, String>;

/// Reads the parameters of a request body. LanguageTool takes a form body;
/// some clients (LTeX) label it `application/json`, so the body decides:
/// a JSON object is read as JSON, anything else as a form.
pub fn read_body(body: &[u8], params: &mut Params) -> Result<(), ApiError> {
    let trimmed = body.trim_ascii_start();
    if trimmed.first() == Some(&b'{') {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("request body: invalid JSON: {e}")))?;
        let serde_json::Value::Object(map) = value else {
            return Err(ApiError::bad_request(
                "request body: expected a JSON object",
            ));
        };
        for (key, value) in map {
            let value = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            params.insert(key, value);
        }
        return Ok(());
    }
    read_form(body, params, "request body")
}

/// Reads `a=b&c=d` into `params`.
pub fn read_form(form: &[u8], params: &mut Params, what: &str) -> Result<(), ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(form)
        .map_err(|e| ApiError::bad_request(format!("{what}: not a valid form: {e}")))?;
    params.extend(pairs);
    Ok(())
}

/// The text to check and, for annotated `data`, the map from the checked
/// (plain) text back to the document.
#[derive(Debug, Default)]
pub struct Document {
    /// What the checker reads: text parts plus markup's `interpretAs`.
    pub plain: String,
    /// Segments in order, in UTF-16 code units; empty for plain `text`.
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    plain_start: usize,
    plain_len: usize,
    orig_start: usize,
    orig_len: usize,
    text: bool,
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

impl Document {
    /// A plain text, checked as it is.
    pub fn plain(text: String) -> Document {
        Document {
            plain: text,
            segments: Vec::new(),
        }
    }

    /// Reads LanguageTool's `data` parameter: `{"text": …}` or
    /// `{"annotation": [{"text": …}, {"markup": …, "interpretAs": …}]}`.
    pub fn from_data(data: &str) -> Result<Document, ApiError> {
        let value: serde_json::Value = serde_json::from_str(data)
            .map_err(|e| ApiError::bad_request(format!("parameter `data`: invalid JSON: {e}")))?;
        let serde_json::Value::Object(map) = value else {
            return Err(ApiError::bad_request(
                "parameter `data`: expected a JSON object with `text` or `annotation`",
            ));
        };
        if let Some(annotation) = map.get("annotation") {
            let serde_json::Value::Array(items) = annotation else {
                return Err(ApiError::bad_request(
                    "parameter `data`: `annotation` must be a list",
                ));
            };
            let mut doc = Document::default();
            let (mut plain16, mut orig16) = (0, 0);
            for (i, item) in items.iter().enumerate() {
                let field = |name: &str| -> Result<Option<&str>, ApiError> {
                    match item.get(name) {
                        None | Some(serde_json::Value::Null) => Ok(None),
                        Some(serde_json::Value::String(s)) => Ok(Some(s)),
                        Some(_) => Err(ApiError::bad_request(format!(
                            "parameter `data`: annotation[{i}].{name} must be a string"
                        ))),
                    }
                };
                if !item.is_object() {
                    return Err(ApiError::bad_request(format!(
                        "parameter `data`: annotation[{i}] must be an object"
                    )));
                }
                let (shown, orig_len, text) = match (field("text")?, field("markup")?) {
                    (Some(text), None) => (text, utf16_len(text), true),
                    (None, Some(markup)) => (
                        field("interpretAs")?.unwrap_or(""),
                        utf16_len(markup),
                        false,
                    ),
                    _ => {
                        return Err(ApiError::bad_request(format!(
                            "parameter `data`: annotation[{i}] needs either `text` or `markup`"
                        )))
                    }
                };
                let plain_len = utf16_len(shown);
                doc.plain.push_str(shown);
                doc.segments.push(Segment {
                    plain_start: plain16,
                    plain_len,
                    orig_start: orig16,
                    orig_len,
                    text,
                });
                plain16 += plain_len;
                orig16 += orig_len;
            }
            return Ok(doc);
        }
        match map.get("text") {
            Some(serde_json::Value::String(text)) => Ok(Document::plain(text.clone())),
            Some(_) => Err(ApiError::bad_request(
                "parameter `data`: `text` must be a string",
            )),
            None => Err(ApiError::bad_request(
                "parameter `data`: expected `text` or `annotation`",
            )),
        }
    }

    /// Maps a UTF-16 span of the plain text to the document: a span that
    /// starts or ends inside markup's `interpretAs` covers the whole markup.
    pub fn map_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.segments.is_empty() {
            return (start, end);
        }
        (
            self.map_start(start),
            self.map_end(end).max(self.map_start(start)),
        )
    }

    fn map_start(&self, p: usize) -> usize {
        // The first segment that holds p (skipping empty ones).
        let i = self
            .segments
            .partition_point(|s| s.plain_start + s.plain_len <= p);
        match self.segments.get(i) {
            Some(s) if s.text => s.orig_start + (p - s.plain_start),
            Some(s) => s.orig_start,
            None => self
                .segments
                .last()
                .map_or(0, |s| s.orig_start + s.orig_len),
        }
    }

    fn map_end(&self, p: usize) -> usize {
        if p == 0 {
            return 0;
        }
        // The first segment that ends at or after p and starts before it.
        let i = self
            .segments
            .partition_point(|s| s.plain_start + s.plain_len < p);
        match self.segments.get(i) {
            Some(s) if s.text => s.orig_start + (p - s.plain_start),
            Some(s) => s.orig_start + s.orig_len,
            None => self
                .segments
                .last()
                .map_or(0, |s| s.orig_start + s.orig_len),
        }
    }
}

/// A language tag the server answers for.
pub struct Language {
    /// As LanguageTool names it, e.g. `English (US)`.
    pub name: &'static str,
    /// The long code, e.g. `en-US`.
    pub code: &'static str,
}

/// The English variants LanguageTool lists; tactful's rules are the same
/// for each.
pub const LANGUAGES: &[Language] = &[
    Language {
        name: "English",
        code: "en",
    },
    Language {
        name: "English (US)",
        code: "en-US",
    },
    Language {
        name: "English (GB)",
        code: "en-GB",
    },
    Language {
        name: "English (Australian)",
        code: "en-AU",
    },
    Language {
        name: "English (Canadian)",
        code: "en-CA",
    },
    Language {
        name: "English (New Zealand)",
        code: "en-NZ",
    },
    Language {
        name: "English (South African)",
        code: "en-ZA",
    },
];

/// `GET /v2/languages`: `[{name, code, longCode}]`.
pub fn languages() -> serde_json::Value {
    LANGUAGES
        .iter()
        .map(|l| serde_json::json!({"name": l.name, "code": "en", "longCode": l.code}))
        .collect()
}

/// Resolves the `language` parameter: `auto` (or none) is read as US
/// English; any other English tag is accepted; other languages are 400.
pub fn language(tag: Option<&str>) -> Result<&'static Language, ApiError> {
    let tag = tag.map(str::trim).unwrap_or("auto");
    if tag.eq_ignore_ascii_case("auto") {
        return Ok(&LANGUAGES[1]);
    }
    if let Some(known) = LANGUAGES.iter().find(|l| l.code.eq_ignore_ascii_case(tag)) {
        return Ok(known);
    }
    let lower = tag.to_ascii_lowercase();
    if lower.starts_with("en-") || lower.starts_with("en_") {
        return Ok(&LANGUAGES[0]);
    }
    Err(ApiError::bad_request(format!(
        "parameter `language`: `{tag}` is not supported; tactful checks English \
         (`en`, `en-US`, `en-GB`, …) or `auto`"
    )))
}

/// LanguageTool's category id for a tactful category: the key in capitals.
pub fn category_id(category: Category) -> String {
    category.as_str().to_ascii_uppercase()
}

/// A category's display name.
pub fn category_name(category: Category) -> String {
    let key = category.as_str();
    let mut name = String::with_capacity(key.len());
    let mut chars = key.chars();
    if let Some(first) = chars.next() {
        name.extend(first.to_uppercase());
    }
    name.extend(chars.map(|c| if c == '-' { ' ' } else { c }));
    name
}

/// Reads a category id (any case); `None` for an id tactful does not have,
/// which LanguageTool's clients may send (`TYPOS`) and which is ignored.
pub fn parse_category(id: &str) -> Option<Category> {
    serde_json::from_value(serde_json::Value::String(id.trim().to_ascii_lowercase())).ok()
}

fn list(params: &Params, key: &str) -> Vec<String> {
    params
        .get(key)
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Reads a boolean parameter (`true`/`false`, any case).
pub fn flag(params: &Params, key: &str) -> Result<bool, ApiError> {
    match params.get(key).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if v == "true" || v == "1" || v == "yes" => Ok(true),
        Some(v) if v.is_empty() || v == "false" || v == "0" || v == "no" => Ok(false),
        Some(v) => Err(ApiError::bad_request(format!(
            "parameter `{key}`: expected `true` or `false`, got `{v}`"
        ))),
    }
}

/// Reads the `channel` parameter (tactful's own; LanguageTool has none).
pub fn channel(params: &Params, default: Channel) -> Result<Channel, ApiError> {
    match params.get("channel").map(|v| v.trim()) {
        None | Some("") => Ok(default),
        Some(v) => v.parse().map_err(|_| {
            ApiError::bad_request(format!(
                "parameter `channel`: expected `email`, `chat` or `social`, got `{v}`"
            ))
        }),
    }
}

/// The context for a check: channel, the customer's message (tactful's
/// own `customer` parameter) and LanguageTool's rule selection.
pub fn context<'a>(params: &'a Params, default_channel: Channel) -> Result<Context<'a>, ApiError> {
    let mut ctx = Context::channel(channel(params, default_channel)?);
    if let Some(customer) = params.get("customer").filter(|c| !c.trim().is_empty()) {
        ctx = ctx.customer(customer);
    }
    for id in list(params, "enabledRules") {
        ctx = ctx.enable_rule(id);
    }
    for id in list(params, "disabledRules") {
        ctx = ctx.disable_rule(id);
    }
    for id in list(params, "enabledCategories") {
        if let Some(c) = parse_category(&id) {
            ctx = ctx.enable_category(c);
        }
    }
    for id in list(params, "disabledCategories") {
        if let Some(c) = parse_category(&id) {
            ctx = ctx.disable_category(c);
        }
    }
    Ok(ctx.enabled_only(flag(params, "enabledOnly")?))
}

/// The response to `/v2/check`.
#[derive(Serialize)]
pub struct CheckResponse {
    software: Software,
    warnings: Warnings,
    language: LanguageOut,
    matches: Vec<Match>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Software {
    name: &'static str,
    version: &'static str,
    build_date: &'static str,
    api_version: u32,
    premium: bool,
    status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Warnings {
    incomplete_results: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LanguageOut {
    name: &'static str,
    code: &'static str,
    detected_language: Detected,
}

#[derive(Serialize)]
struct Detected {
    name: &'static str,
    code: &'static str,
    confidence: f32,
    source: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Match {
    message: String,
    short_message: String,
    replacements: Vec<Replacement>,
    offset: usize,
    length: usize,
    context: MatchContext,
    sentence: String,
    #[serde(rename = "type")]
    kind: MatchType,
    rule: RuleOut,
    ignore_for_incomplete_sentence: bool,
    context_for_sure_match: i32,
}

#[derive(Serialize)]
struct Replacement {
    value: String,
}

#[derive(Serialize)]
struct MatchContext {
    text: String,
    offset: usize,
    length: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MatchType {
    type_name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleOut {
    id: String,
    description: String,
    issue_type: &'static str,
    category: CategoryOut,
}

#[derive(Serialize)]
struct CategoryOut {
    id: String,
    name: String,
}

/// Characters of context on each side of a match, as LanguageTool gives.
const CONTEXT_CHARS: usize = 40;

/// Builds the response for a report on `doc.plain`.
pub fn response(report: &Report<'_>, doc: &Document, language: &'static Language) -> CheckResponse {
    let text = doc.plain.as_str();
    let matches = report
        .findings()
        .iter()
        .map(|f| {
            let pos = report.position(f);
            let (offset, end) = doc.map_span(pos.utf16_start, pos.utf16_end);
            let span = f.span();
            let rule = f.rule();
            // LanguageTool clients apply a replacement on a click, so only
            // fixes are replacements; advice joins the message.
            let advice: Vec<&str> = f.advice().map(|s| s.text.trim()).collect();
            let message = if advice.is_empty() {
                f.message().to_owned()
            } else {
                format!("{} Consider: {}", f.message(), advice.join(" / "))
            };
            Match {
                message,
                short_message: category_name(f.category()),
                replacements: f
                    .suggestions()
                    .iter()
                    .filter(|s| s.is_fix())
                    .map(|s| Replacement {
                        value: s.text.to_string(),
                    })
                    .collect(),
                offset,
                length: end - offset,
                context: match_context(text, span.start, span.end),
                sentence: sentence(text, span.start, span.end).trim().to_owned(),
                kind: MatchType {
                    type_name: match f.severity() {
                        Severity::Hint => "Hint",
                        _ => "Other",
                    },
                },
                rule: RuleOut {
                    id: rule.id.clone(),
                    description: rule.rationale.clone(),
                    issue_type: "style",
                    category: CategoryOut {
                        id: category_id(f.category()),
                        name: category_name(f.category()),
                    },
                },
                ignore_for_incomplete_sentence: false,
                context_for_sure_match: 0,
            }
        })
        .collect();
    CheckResponse {
        software: Software {
            name: "tactful",
            version: env!("CARGO_PKG_VERSION"),
            build_date: "",
            api_version: 1,
            premium: false,
            status: "",
        },
        warnings: Warnings {
            incomplete_results: false,
        },
        language: LanguageOut {
            name: language.name,
            code: language.code,
            detected_language: Detected {
                name: language.name,
                code: language.code,
                confidence: 1.0,
                source: "",
            },
        },
        matches,
    }
}

/// Up to 40 characters either side of the span, with `...` where cut, and
/// line breaks shown as spaces; offsets in UTF-16 code units.
fn match_context(text: &str, start: usize, end: usize) -> MatchContext {
    let before: Vec<(usize, char)> = text[..start]
        .char_indices()
        .rev()
        .take(CONTEXT_CHARS + 1)
        .collect();
    let (from, cut_left) = match before.get(CONTEXT_CHARS) {
        Some(_) => (before[CONTEXT_CHARS - 1].0, true),
        None => (before.last().map_or(start, |c| c.0), false),
    };
    let mut to = end;
    let mut cut_right = false;
    for (n, (i, c)) in text[end..].char_indices().enumerate() {
        if n == CONTEXT_CHARS {
            cut_right = true;
            break;
        }
        to = end + i + c.len_utf8();
    }
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c == '\n' || c == '\r' || c == '\t' {
                    ' '
                } else {
                    c
                }
            })
            .collect()
    };
    let mut out = String::new();
    if cut_left {
        out.push_str("...");
    }
    out.push_str(&clean(&text[from..start]));
    let offset = utf16_len(&out);
    let matched = clean(&text[start..end]);
    let length = utf16_len(&matched);
    out.push_str(&matched);
    out.push_str(&clean(&text[end..to]));
    if cut_right {
        out.push_str("...");
    }
    MatchContext {
        text: out,
        offset,
        length,
    }
}

/// The sentence around a span: from after the last `.`, `!` or `?`
/// followed by white space (or a line break) before it, to the next one
/// after it.
fn sentence(text: &str, start: usize, end: usize) -> &str {
    let bytes = text.as_bytes();
    let is_break = |i: usize| -> bool {
        match bytes.get(i) {
            Some(b'\n') => true,
            Some(b'.' | b'!' | b'?') => {
                matches!(bytes.get(i + 1), None | Some(b' ' | b'\n' | b'\r' | b'\t'))
            }
            _ => false,
        }
    };
    let mut from = start;
    while from > 0 && !is_break(from - 1) {
        from -= 1;
    }
    let mut to = end;
    while to < bytes.len() && !is_break(to) {
        to += 1;
    }
    if to < bytes.len() {
        to += 1;
    }
    // The breaks are ASCII, so both ends are on character boundaries.
    text.get(from..to.max(from)).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_maps_back() {
        let data = r##"{"annotation":[{"markup":"# "},{"text":"Hi"},{"markup":"<br/>","interpretAs":"\n"},{"text":"No."}]}"##;
        let doc = Document::from_data(data).unwrap();
        assert_eq!(doc.plain, "Hi\nNo.");
        // "No." is at plain 3..6; in the document "# Hi<br/>No." at 9..12.
        assert_eq!(doc.map_span(3, 6), (9, 12));
        assert_eq!(doc.map_span(0, 2), (2, 4));
        // A span covering the line break covers the whole markup.
        assert_eq!(doc.map_span(1, 4), (3, 10));
    }

    /// Random annotations: every span inside a text part maps back to the
    /// same characters of the document.
    #[test]
    fn annotation_spans_map_to_the_same_text() {
        let pieces = ["a", "Hi ", "😀", "é", "\n", "No.", "**", "<b>", ""];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..300 {
            let mut items = Vec::new();
            for _ in 0..next(8) {
                let piece = pieces[next(pieces.len())];
                items.push(match next(3) {
                    0 => serde_json::json!({"markup": piece}),
                    1 => serde_json::json!({"markup": piece, "interpretAs": pieces[next(pieces.len())]}),
                    _ => serde_json::json!({"text": piece}),
                });
            }
            let data = serde_json::json!({ "annotation": items }).to_string();
            let doc = Document::from_data(&data).unwrap();
            let document: Vec<u16> = items
                .iter()
                .flat_map(|i| {
                    i.get("text")
                        .or(i.get("markup"))
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .encode_utf16()
                        .collect::<Vec<_>>()
                })
                .collect();
            let plain: Vec<u16> = doc.plain.encode_utf16().collect();
            for s in doc.segments.iter().filter(|s| s.text) {
                for a in s.plain_start..=s.plain_start + s.plain_len {
                    for b in a..=s.plain_start + s.plain_len {
                        let (x, y) = doc.map_span(a, b);
                        assert!(x <= y && y <= document.len());
                        if a < b {
                            assert_eq!(document[x..y], plain[a..b], "{data} {a}..{b}");
                        }
                    }
                }
            }
            // Any span at all stays in bounds and in order.
            for a in 0..=plain.len() {
                for b in a..=plain.len() {
                    let (x, y) = doc.map_span(a, b);
                    assert!(x <= y && y <= document.len(), "{data} {a}..{b}");
                }
            }
        }
    }

    #[test]
    fn sentence_and_context() {
        let text = "Thanks. No, we can't. Bye";
        let s = text.find("No").unwrap();
        assert_eq!(sentence(text, s, s + 3).trim(), "No, we can't.");
        let c = match_context(text, s, s + 3);
        assert_eq!(&c.text[c.offset..c.offset + c.length], "No,");
    }
}
