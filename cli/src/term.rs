//! Terminal styling, character widths, and cutting long lines to fit.

use std::borrow::Cow;
use tactful::Severity;

pub(crate) const BOLD: &str = "1";
pub(crate) const RED: &str = "31";
pub(crate) const GREEN: &str = "32";
pub(crate) const RED_BOLD: &str = "1;31";
pub(crate) const YELLOW_BOLD: &str = "1;33";
pub(crate) const CYAN_BOLD: &str = "1;36";
pub(crate) const BLUE_BOLD: &str = "1;34";
pub(crate) const GREEN_BOLD: &str = "1;32";

pub(crate) struct Style {
    on: bool,
}

impl Style {
    /// `--color` if given; otherwise colour when the stream is a terminal
    /// and `NO_COLOR` is not set.
    pub(crate) fn new(flag: Option<bool>, terminal: bool) -> Style {
        Style {
            on: flag.unwrap_or_else(|| {
                terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }),
        }
    }

    pub(crate) fn paint<'s>(&self, code: &str, s: &'s str) -> Cow<'s, str> {
        if self.on && !s.is_empty() {
            Cow::Owned(format!("\x1b[{code}m{s}\x1b[0m"))
        } else {
            Cow::Borrowed(s)
        }
    }
}

/// Index of a severity in per-severity counts.
pub(crate) fn severity_index(sev: Severity) -> usize {
    match sev {
        Severity::Hint => 0,
        Severity::Warning => 1,
        _ => 2,
    }
}

pub(crate) fn severity_code(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => RED_BOLD,
        Severity::Warning => YELLOW_BOLD,
        _ => CYAN_BOLD,
    }
}

/// Columns a character takes in a terminal: tabs are shown as four
/// spaces, combining marks take none, East Asian wide characters and most
/// emoji take two.
pub(crate) fn char_width(c: char) -> usize {
    let u = c as u32;
    match u {
        0x09 => 4,
        0x00..=0x08 | 0x0A..=0x1F | 0x7F => 0,
        0x0300..=0x036F | 0x200B..=0x200F | 0x2060..=0x2064 | 0xFE00..=0xFE0F => 0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

pub(crate) fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// How much of a long line a snippet shows.
pub(crate) const MAX_SOURCE_WIDTH: usize = 100;
/// Columns kept before the underlined part when a long line is cut.
pub(crate) const LEFT_CONTEXT: usize = 30;

/// A line as shown in a snippet: cut to fit, and where the carets go.
pub(crate) struct Shown {
    pub(crate) text: String,
    /// Columns before the first caret.
    pub(crate) pad: usize,
    /// Number of carets (at least one).
    pub(crate) len: usize,
}

/// Shows `line` with `a..b` (byte offsets, `a <= b`) underlined, cutting a
/// long line to about `max` columns around the underlined part and marking
/// the cuts with `...`.
pub(crate) fn window(line: &str, a: usize, b: usize, max: usize) -> Shown {
    let cells: Vec<(usize, char, usize)> = {
        let mut col = 0;
        line.chars()
            .map(|c| {
                let cell = (col, c, char_width(c));
                col += cell.2;
                cell
            })
            .collect()
    };
    let total = str_width(line);
    let col_a = str_width(&line[..a]);
    let col_b = str_width(&line[..b]);
    let (mut left, mut right) = (0, total);
    if total > max {
        left = col_a.saturating_sub(LEFT_CONTEXT);
        right = (left + max).min(total);
        if right - left < max {
            left = right.saturating_sub(max).min(col_a);
        }
        // Cut at a space when one is near, and never into the underline.
        const SNAP: usize = 12;
        if left > 0 {
            if let Some(&(c, _, _)) = cells
                .iter()
                .find(|(c, ch, _)| *c >= left && *c < left + SNAP && *ch == ' ')
            {
                left = (c + 1).min(col_a);
            }
        }
        if right < total {
            if let Some(&(c, _, _)) = cells
                .iter()
                .rev()
                .find(|(c, ch, _)| *c < right && *c + SNAP >= right && *ch == ' ')
            {
                right = c.max(col_b).max(left);
            }
        }
    }
    let mut text = String::with_capacity(line.len().min(max * 4) + 8);
    let mut start_col = None;
    let mut end_col = 0;
    let mut cut_right = false;
    for &(col, c, w) in &cells {
        if col + w > right && w > 0 {
            cut_right = true;
            break;
        }
        if col < left {
            continue;
        }
        start_col.get_or_insert(col);
        if c == '\t' {
            text.push_str("    ");
        } else if !c.is_control() {
            text.push(c);
        }
        end_col = col + w;
    }
    let start_col = start_col.unwrap_or(left.min(total));
    let prefix = if start_col > 0 { 3 } else { 0 };
    if prefix > 0 {
        text.insert_str(0, "...");
    }
    if cut_right {
        text.push_str("...");
    }
    let from = col_a.max(start_col);
    let to = col_b.min(end_col.max(from));
    Shown {
        text,
        pad: prefix + from - start_col,
        len: to.saturating_sub(from).max(1),
    }
}

pub(crate) fn plural(word: &str, n: usize) -> String {
    if n == 1 {
        word.to_owned()
    } else if word == "reply" {
        "replies".to_owned()
    } else {
        format!("{word}s")
    }
}
