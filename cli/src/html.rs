//! `--report FILE.html`: the quality team's report as one self-contained
//! page (inline CSS and SVG, no scripts, nothing fetched), so that it
//! can be mailed, archived and opened without a network.
//!
//! The page is a pure function of the counts: no clock, no randomness,
//! groups and rules in a fixed order, so the same input gives the same
//! bytes.

use crate::group::{human_delay, per_thousand, threshold, Group, Groups, DELAY_BUCKETS, NO_GROUP};
use std::fmt::Write as _;
use tactful::{Checker, Severity};

/// What the page says about the run besides the counts.
pub(crate) struct Meta<'a> {
    /// The input as given on the command line.
    pub(crate) input: &'a str,
    /// The `--group-by` field, if any.
    pub(crate) group_by: Option<&'a str>,
    pub(crate) malformed: u64,
    pub(crate) internal: u64,
}

/// Text for HTML element content and attribute values alike.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `12036` → `12,036`.
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        _ => "hint",
    }
}

/// A round scale at or above `x` for a chart, and how many grid steps
/// divide it: 1, 2 or 5 times a power of ten, in steps of 0.2, 0.5 or 1
/// times that power.
fn nice_scale(x: f64) -> (f64, u32) {
    if x <= 0.0 {
        return (1.0, 5);
    }
    let p = 10f64.powf(x.log10().floor());
    for (m, steps) in [(1.0, 5), (2.0, 4), (5.0, 5), (10.0, 5)] {
        if m * p >= x * (1.0 - 1e-12) {
            return (m * p, steps);
        }
    }
    (10.0 * p, 5)
}

/// Shortest clean rendering of a chart tick.
fn tick(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{}", (v * 1e6).round() / 1e6)
    }
}

const CSS: &str = "\
:root{--fg:#1d2430;--muted:#5b6676;--line:#dfe3ea;--bg:#fff;--soft:#f5f7fa;\
--error:#c0392b;--warning:#d68910;--hint:#2e86c1;--bar:#3b6fb6;--late:#c0392b}\
*{box-sizing:border-box}\
body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;\
color:var(--fg);background:var(--bg)}\
main{max-width:1100px;margin:0 auto;padding:24px 28px 60px}\
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;padding-bottom:4px;\
border-bottom:2px solid var(--line)}h3{font-size:16px;margin:18px 0 6px}\
p.lead,.muted{color:var(--muted)}\
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}\
.card{background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px}\
.card b{display:block;font-size:22px}\
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}\
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}\
th{background:var(--soft);font-weight:600}\
th:first-child,td:first-child,td.l,th.l{text-align:left}\
td.rules{text-align:left;font-size:13px;color:var(--muted)}\
.groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:14px}\
.group{border:1px solid var(--line);border-radius:8px;padding:8px 12px}\
.group h3{margin:4px 0;overflow-wrap:anywhere}.group p{margin:2px 0 8px;font-size:13px}\
.group table{font-size:13px}.group td:first-child{white-space:nowrap}\
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
.sev{display:inline-block;font-size:11px;padding:0 6px;border-radius:9px;color:#fff;vertical-align:1px}\
.sev.error{background:var(--error)}.sev.warning{background:var(--warning)}.sev.hint{background:var(--hint)}\
.example{border-left:3px solid var(--line);margin:8px 0 12px;padding:4px 12px}\
.example q{display:block;quotes:none;white-space:pre-wrap;overflow-wrap:anywhere}\
mark{background:#ffe08a;padding:0 1px;border-radius:2px}\
.fix{color:#1e7b34}.where{font-size:12px;color:var(--muted)}\
svg text{font:12px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;fill:var(--fg)}\
svg .grid{stroke:var(--line)}svg .bar{fill:var(--bar)}svg .bar.error{fill:var(--error)}\
svg .bar.warning{fill:var(--warning)}svg .bar.hint{fill:var(--hint)}svg .late{fill:var(--late)}\
svg .value{fill:var(--muted)}\
.mix rect:nth-child(1){fill:#2e8b57}.mix rect:nth-child(2){fill:#8fbc5a}.mix rect:nth-child(3){fill:#e0b03c}\
.mix rect:nth-child(4){fill:#e07b39}.mix rect:nth-child(5){fill:#c0392b}\
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:0}\
@media print{main{max-width:none}h2{break-after:avoid}.group,.example{break-inside:avoid}}";

/// Groups shown as rows of the overview table, and as rule tables; the
/// page says how many more there are (grouping by a field with a value
/// per reply would otherwise make a page nobody can open).
const MAX_ROWS: usize = 1_000;
const MAX_TABLES: usize = 120;

/// "Showing the N largest of M groups." when some are left out.
fn left_out(h: &mut String, shown: usize, all: usize) {
    if shown < all {
        let _ = writeln!(
            h,
            "<p class=\"muted\">The {} groups with the most replies of {}.</p>",
            thousands(shown as u64),
            thousands(all as u64)
        );
    }
}

const MIX_COLOURS: [&str; 5] = ["#2e8b57", "#8fbc5a", "#e0b03c", "#e07b39", "#c0392b"];

/// The whole page.
pub(crate) fn render(checker: &Checker, groups: &Groups, meta: &Meta<'_>) -> String {
    let mut h = String::with_capacity(64 << 10);
    let total = &groups.total;
    let title = format!("tactful quality report: {}", meta.input);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&title)
    );
    let _ = writeln!(h, "<h1>Quality report</h1>");
    let by = meta
        .group_by
        .map(|f| format!(", grouped by <code>{}</code>", esc(f)))
        .unwrap_or_default();
    let _ = writeln!(
        h,
        "<p class=\"lead\">Replies in <code>{}</code> checked with tactful {}{by}. \
         Rates count replies with at least one finding of a rule, per 1,000 replies; \
         a reply is late when sent more than {} after the customer's message.</p>",
        esc(meta.input),
        env!("CARGO_PKG_VERSION"),
        threshold(groups.late_after())
    );
    cards(&mut h, groups, meta);
    rule_chart(&mut h, checker, total);
    if total.timed > 0 {
        delay_chart(&mut h, total);
    }
    overview(&mut h, checker, groups, meta);
    group_tables(&mut h, checker, groups, meta);
    examples(&mut h, checker, groups, meta);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn cards(h: &mut String, groups: &Groups, meta: &Meta<'_>) {
    let t = &groups.total;
    h.push_str("<div class=\"cards\" id=\"totals\">");
    let mut card = |value: String, label: &str| {
        let _ = write!(h, "<div class=\"card\"><b>{value}</b>{}</div>", esc(label));
    };
    card(thousands(t.replies), "replies checked");
    card(
        format!(
            "{} <small>({})</small>",
            thousands(t.flagged),
            pct(t.flagged, t.replies)
        ),
        "replies with findings",
    );
    card(
        format!("{:.0}", per_thousand(t.findings, t.replies)),
        "findings per 1,000 replies",
    );
    if meta.group_by.is_some() {
        card(thousands(groups.by.len() as u64), "groups");
    }
    if let Some(m) = t.delays.median() {
        card(human_delay(m), "median response time");
        card(pct(t.late, t.timed), "replies late");
    }
    if meta.malformed > 0 {
        card(thousands(meta.malformed), "malformed lines (not counted)");
    }
    if meta.internal > 0 {
        card(thousands(meta.internal), "internal errors (not counted)");
    }
    h.push_str("</div>\n");
}

/// Horizontal bars: each rule's rate per 1,000 replies over the run.
fn rule_chart(h: &mut String, checker: &Checker, total: &Group) {
    h.push_str("<h2 id=\"rules\">Rule rates</h2>\n");
    let rows = total.rules_by_rate(checker);
    if rows.is_empty() {
        h.push_str("<p>No findings.</p>\n");
        return;
    }
    let (label_w, bar_w, row_h, top) = (230.0, 560.0, 24.0, 26.0);
    let width = label_w + bar_w + 80.0;
    let height = top + row_h * rows.len() as f64 + 8.0;
    let (max, steps) = nice_scale(rows.iter().map(|&(i, _)| total.rate(i)).fold(0.0, f64::max));
    let _ = writeln!(
        h,
        "<svg class=\"chart\" id=\"rule-chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" \
         width=\"100%\" style=\"max-width:{width}px\">\
         <title>Replies flagged per 1,000, by rule</title>"
    );
    for k in 0..=steps {
        let v = max * f64::from(k) / f64::from(steps);
        let x = label_w + bar_w * f64::from(k) / f64::from(steps);
        let _ = write!(
            h,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
             <text x=\"{x:.1}\" y=\"14\" text-anchor=\"middle\">{}</text>",
            top - 6.0,
            height - 4.0,
            tick(v)
        );
    }
    let rules = checker.rules();
    for (row, &(i, id)) in rows.iter().enumerate() {
        let rate = total.rate(i);
        let y = top + row_h * row as f64;
        let w = (bar_w * rate / max).max(1.0);
        let class = rules.get(i).map_or("hint", |r| severity_class(r.severity));
        let _ = writeln!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect class=\"bar {class}\" x=\"{label_w}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\">\
             <title>{}: {} replies, {rate:.1} per 1,000</title></rect>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{rate:.1}</text>",
            label_w - 8.0,
            y + row_h * 0.65,
            esc(id),
            y + 3.0,
            row_h - 6.0,
            esc(id),
            thousands(total.rules[i].1),
            label_w + w + 6.0,
            y + row_h * 0.65,
        );
    }
    h.push_str(
        "</svg>\n<p class=\"legend muted\">Bar colour: severity \
        <span style=\"background:var(--error)\"></span>error\
        <span style=\"background:var(--warning)\"></span>warning\
        <span style=\"background:var(--hint)\"></span>hint</p>\n",
    );
}

/// Vertical bars: replies per response-time bucket.
fn delay_chart(h: &mut String, total: &Group) {
    h.push_str("<h2 id=\"response-times\">Response times</h2>\n");
    let counts = total.delays.buckets();
    let _ = writeln!(
        h,
        "<p>{} of {} replies carry both timestamps; median {}, {} late.{}</p>",
        thousands(total.timed),
        thousands(total.replies),
        total.delays.median().map(human_delay).unwrap_or_default(),
        pct(total.late, total.timed),
        if total.negative > 0 {
            format!(
                " {} sent before the message they answer are left out.",
                thousands(total.negative)
            )
        } else {
            String::new()
        }
    );
    let (left, col_w, bar_w, chart_h, top) = (40.0, 130.0, 84.0, 180.0, 24.0);
    let width = left + col_w * counts.len() as f64 + 10.0;
    let height = top + chart_h + 40.0;
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let _ = writeln!(
        h,
        "<svg class=\"chart\" id=\"delay-chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" \
         width=\"100%\" style=\"max-width:{width}px\">\
         <title>Replies by response time</title>\
         <line class=\"grid\" x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>",
        top + chart_h,
        width - 10.0,
        top + chart_h
    );
    for (k, (&n, &(_, label))) in counts.iter().zip(&DELAY_BUCKETS).enumerate() {
        let x = left + col_w * k as f64 + (col_w - bar_w) / 2.0;
        let bh = (chart_h * n as f64 / max).max(if n > 0 { 1.0 } else { 0.0 });
        let y = top + chart_h - bh;
        let _ = writeln!(
            h,
            "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_w}\" height=\"{bh:.1}\">\
             <title>{label}: {} replies</title></rect>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} ({})</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>",
            thousands(n),
            x + bar_w / 2.0,
            y - 6.0,
            thousands(n),
            pct(n, total.timed),
            x + bar_w / 2.0,
            top + chart_h + 18.0,
        );
    }
    h.push_str("</svg>\n");
}

/// A 120 × 10 stacked bar of a group's response-time buckets.
fn mix(g: &Group) -> String {
    let counts = g.delays.buckets();
    let n: u64 = counts.iter().sum();
    if n == 0 {
        return String::new();
    }
    let mut s = String::from(
        "<svg class=\"mix\" width=\"120\" height=\"10\" viewBox=\"0 0 120 10\" \
        >",
    );
    let mut x = 0.0;
    for (&c, &(_, label)) in counts.iter().zip(&DELAY_BUCKETS) {
        let w = 120.0 * c as f64 / n as f64;
        let _ = write!(
            s,
            "<rect x=\"{x:.2}\" y=\"0\" width=\"{w:.2}\" height=\"10\"><title>{label}: {}</title></rect>",
            pct(c, n)
        );
        x += w;
    }
    s.push_str("</svg>");
    s
}

fn group_name(name: &str, meta: &Meta<'_>) -> String {
    if meta.group_by.is_none() {
        "all replies".into()
    } else if name == NO_GROUP {
        format!("{NO_GROUP} <span class=\"muted\">no field</span>")
    } else {
        esc(name)
    }
}

fn top_rules(checker: &Checker, g: &Group, n: usize) -> String {
    g.rules_by_rate(checker)
        .into_iter()
        .take(n)
        .map(|(i, id)| format!("{} {:.0}", esc(id), g.rate(i)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row per group.
fn overview(h: &mut String, checker: &Checker, groups: &Groups, meta: &Meta<'_>) {
    let field = meta.group_by.map_or("group".to_owned(), esc);
    let _ = writeln!(
        h,
        "<h2 id=\"groups\">By {field}</h2>\n<table id=\"group-table\">\n<thead><tr>\
         <th>{field}</th><th>replies</th><th>with findings</th><th>findings per 1,000</th>\
         <th>median response</th><th>late</th><th class=\"l\">response times</th>\
         <th class=\"l\">top rules (per 1,000)</th></tr></thead>\n<tbody>"
    );
    let ordered = groups.ordered();
    for &(name, g) in ordered.iter().take(MAX_ROWS) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.0}</td><td>{}</td><td>{}</td>\
             <td class=\"l\">{}</td><td class=\"rules\">{}</td></tr>",
            group_name(name, meta),
            thousands(g.replies),
            pct(g.flagged, g.replies),
            per_thousand(g.findings, g.replies),
            g.delays
                .median()
                .map(human_delay)
                .unwrap_or_else(|| "–".into()),
            pct(g.late, g.timed),
            mix(g),
            top_rules(checker, g, 3)
        );
    }
    h.push_str("</tbody>\n</table>\n");
    left_out(h, ordered.len().min(MAX_ROWS), ordered.len());
    let mut legend = String::from("<p class=\"legend muted\">Response times:");
    for (c, (_, label)) in MIX_COLOURS.iter().zip(&DELAY_BUCKETS) {
        let _ = write!(legend, "<span style=\"background:{c}\"></span>{label}");
    }
    legend.push_str("</p>\n");
    h.push_str(&legend);
}

/// Per group, its rules.
fn group_tables(h: &mut String, checker: &Checker, groups: &Groups, meta: &Meta<'_>) {
    h.push_str("<h2 id=\"rules-by-group\">Rules by group</h2>\n<div class=\"groups\">\n");
    let rules = checker.rules();
    let ordered = groups.ordered();
    for &(name, g) in ordered.iter().take(MAX_TABLES) {
        let timing = match (g.delays.median(), g.late_share()) {
            (Some(m), Some(_)) => format!(
                "; median response {}, {} late",
                human_delay(m),
                pct(g.late, g.timed)
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            h,
            "<section class=\"group\"><h3>{}</h3><p class=\"muted\">{} replies, {} with findings{timing}</p>",
            group_name(name, meta),
            thousands(g.replies),
            pct(g.flagged, g.replies),
        );
        let rows = g.rules_by_rate(checker);
        if rows.is_empty() {
            h.push_str("<p>No findings.</p></section>\n");
            continue;
        }
        h.push_str(
            "<table><thead><tr><th>rule</th><th>findings</th><th>replies</th>\
             <th>per 1,000</th></tr></thead><tbody>",
        );
        for (i, id) in rows {
            let sev = rules.get(i).map_or("hint", |r| severity_class(r.severity));
            let _ = write!(
                h,
                "<tr><td><span class=\"sev {sev}\" title=\"{sev}\">{}</span> {}</td>\
                 <td>{}</td><td>{}</td><td>{:.1}</td></tr>",
                &sev[..1],
                esc(id),
                thousands(g.rules[i].0),
                thousands(g.rules[i].1),
                g.rate(i)
            );
        }
        h.push_str("</tbody></table></section>\n");
    }
    h.push_str("</div>\n");
    left_out(h, ordered.len().min(MAX_TABLES), ordered.len());
}

/// A few findings per rule, with the reply around them.
fn examples(h: &mut String, checker: &Checker, groups: &Groups, meta: &Meta<'_>) {
    let rows = groups.total.rules_by_rate(checker);
    if rows.is_empty() {
        return;
    }
    h.push_str("<h2 id=\"examples\">Examples</h2>\n<p class=\"muted\">The first findings of each rule in the input.</p>\n");
    let rules = checker.rules();
    for (i, id) in rows {
        let Some(rule) = rules.get(i) else { continue };
        let sev = severity_class(rule.severity);
        let _ = writeln!(
            h,
            "<section class=\"rule\" id=\"rule-{}\"><h3><span class=\"sev {sev}\">{sev}</span> \
             <code>{}</code> <span class=\"muted\">{}</span></h3>",
            esc(id),
            esc(id),
            esc(rule.category.as_str())
        );
        for ex in groups.examples.get(i).into_iter().flatten() {
            let mut fix = match &ex.fix {
                Some(f) if f.is_empty() => "<div class=\"fix\">fix: remove it</div>".to_owned(),
                Some(f) => format!("<div class=\"fix\">fix: “{}”</div>", esc(f)),
                None => String::new(),
            };
            if !ex.suggestions.is_empty() {
                let list: Vec<String> = ex
                    .suggestions
                    .iter()
                    .map(|s| format!("“{}”", esc(s)))
                    .collect();
                let _ = write!(fix, "<div class=\"fix\">or: {}</div>", list.join("; "));
            }
            let mut place = Vec::new();
            if let Some(f) = meta.group_by {
                place.push(format!("{} {}", esc(f), esc(&ex.group)));
            }
            if let Some(id) = &ex.id {
                place.push(format!("id {}", esc(id)));
            }
            let _ = writeln!(
                h,
                "<div class=\"example\"><q>{}<mark>{}</mark>{}</q><div>{}</div>{fix}\
                 <div class=\"where\">{}</div></div>",
                esc(&ex.before),
                esc(&ex.matched),
                esc(&ex.after),
                esc(&ex.message),
                place.join(", ")
            );
        }
        h.push_str("</section>\n");
    }
}

/// Writes the page to `path`.
pub(crate) fn write(
    path: &str,
    checker: &Checker,
    groups: &Groups,
    meta: &Meta<'_>,
) -> Result<(), String> {
    std::fs::write(path, render(checker, groups, meta))
        .map_err(|e| format!("cannot write {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tactful::Context;

    #[test]
    fn escapes_everything_a_reply_can_hold() {
        assert_eq!(
            esc(r#"<b>"Tom" & 'Jerry'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        assert_eq!(thousands(12036), "12,036");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(nice_scale(37.0), (50.0, 5));
        assert_eq!(nice_scale(100.0), (100.0, 5));
        assert_eq!(nice_scale(101.0), (200.0, 4));
        assert_eq!(nice_scale(3.4), (5.0, 5));
        assert_eq!(tick(0.6000000000000001), "0.6");
    }

    #[test]
    fn many_groups_are_cut_with_a_note() {
        let checker = Checker::new().expect("default pack");
        let mut groups = Groups::new(&checker, 86_400);
        let report = checker.check_with("Thanks, done.", &Context::default());
        for k in 0..(MAX_ROWS + 5) {
            groups.add(&checker, &format!("g{k:05}"), &report, None, || None);
        }
        let meta = Meta {
            input: "x",
            group_by: Some("agent"),
            malformed: 0,
            internal: 0,
        };
        let page = render(&checker, &groups, &meta);
        assert!(page.contains("<td>g00999</td>"));
        assert!(!page.contains("<td>g01000</td>"));
        assert!(page.contains("The 1,000 groups with the most replies of 1,005."));
        assert!(page.contains("The 120 groups with the most replies of 1,005."));
    }

    #[test]
    fn page_is_escaped_and_deterministic() {
        let checker = Checker::new().expect("default pack");
        let mut groups = Groups::new(&checker, 86_400);
        let text = "Calm down. <script>alert(\"x\")</script> & that's final.";
        for key in ["<b>Acme & Co</b>", "Beta"] {
            let report = checker.check_with(text, &Context::default());
            groups.add(&checker, key, &report, Some(90), || None);
        }
        let meta = Meta {
            input: "in<put>.jsonl",
            group_by: Some("company"),
            malformed: 0,
            internal: 0,
        };
        let page = render(&checker, &groups, &meta);
        assert_eq!(page, render(&checker, &groups, &meta));
        assert!(!page.contains("<script"));
        assert!(!page.contains("<b>Acme"));
        assert!(page.contains("&lt;b&gt;Acme &amp; Co&lt;/b&gt;"));
        assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; that&#39;s"));
        assert!(page.contains("<mark>Calm down</mark>"), "{page}");
        assert!(page.contains("id=\"rule-chart\""));
        assert!(page.contains("id=\"delay-chart\""));
        assert!(!page.contains("http") && !page.contains("src="));
    }
}
