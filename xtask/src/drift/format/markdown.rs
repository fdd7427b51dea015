//! `--format markdown`: what a job summary (`$GITHUB_STEP_SUMMARY`) or a PR comment shows. A
//! table of counts by level, then one section per operation, its INFO changes folded in a
//! `<details>` block so that the breaking ones are what a reader sees first.

use std::fmt::Write as _;

use super::{acknowledgeable, acknowledged_line, ignore_entry, operation_title, operations};
use crate::drift::level::Level;
use crate::drift::report::{Change, Report};

/// The whole report as GitHub-flavoured markdown.
pub(super) fn render(report: &Report) -> String {
    let mut out = format!("## Spec drift: {}\n\n", escape(&report.vendor));
    if report.changes.is_empty() {
        out.push_str("No changes.\n");
    } else {
        out.push_str("| Level | Changes |\n|---|---:|\n");
        for level in [Level::Err, Level::Warn, Level::Info] {
            let _ = writeln!(out, "| {level} | {} |", report.count(level));
        }
    }
    for note in &report.notes {
        let _ = write!(out, "\n> **Note:** {}\n", escape(note));
    }
    for operation in operations(&report.changes) {
        let _ = write!(out, "\n### {}\n\n", escape(operation_title(operation)));
        let (info, rest): (Vec<&Change>, Vec<&Change>) = report
            .changes
            .iter()
            .filter(|c| c.operation == operation)
            .partition(|c| c.level == Level::Info);
        for change in &rest {
            item(&mut out, change);
        }
        if !info.is_empty() {
            if !rest.is_empty() {
                out.push('\n');
            }
            let plural = if info.len() == 1 { "" } else { "s" };
            // A blank line after <summary> and before </details>: GitHub renders markdown
            // inside the block only then.
            let _ = write!(
                out,
                "<details><summary>{} INFO change{plural}</summary>\n\n",
                info.len()
            );
            for change in &info {
                item(&mut out, change);
            }
            out.push_str("\n</details>\n");
        }
    }
    if let Some(impact) = &report.impact {
        out.push_str(&crate::drift::impact::render::markdown(impact, escape));
    }
    if !report.acknowledged.is_empty() {
        let n = report.acknowledged.len();
        let plural = if n == 1 { "" } else { "s" };
        let _ = write!(
            out,
            "\n### Acknowledged\n\n<details><summary>{n} acknowledged change{plural}, not counted</summary>\n\n"
        );
        for a in &report.acknowledged {
            let _ = writeln!(out, "- {}", escape(&acknowledged_line(a)));
        }
        out.push_str("\n</details>\n");
    }
    if let Some(file) = &report.ignore_file {
        let mut entries = acknowledgeable(report).peekable();
        if entries.peek().is_some() {
            let _ = write!(
                out,
                "\n<details><summary>To acknowledge a change, add its entry to {}</summary>\n\n```toml\n",
                escape(file)
            );
            let pasted: Vec<String> = entries.map(|c| code_text(&ignore_entry(c))).collect();
            out.push_str(&pasted.join("\n"));
            out.push_str("```\n\n</details>\n");
        }
    }
    out
}

/// One change as a list item: level, rule id, location and message.
fn item(out: &mut String, change: &Change) {
    let at = if change.location.is_empty() {
        String::new()
    } else {
        format!("{}: ", escape(&change.location))
    };
    let _ = writeln!(
        out,
        "- **{}** `{}` {at}{} `{}`",
        change.level,
        code_text(&change.id).replace(['\r', '\n'], " "),
        escape(&change.message),
        change.fingerprint()
    );
}

/// Text from a spec (property names, messages) as literal markdown: every ASCII punctuation
/// character that markdown or HTML could read as syntax is backslash-escaped (CommonMark allows
/// it before any ASCII punctuation), so `<Name>` or `a_b_c` print as written, and line breaks
/// become spaces so an item stays one line.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '+' | '!' | '|' | '~'
            | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Text for inside a code span or fence: neither can escape a backtick, so none may be in it
/// (rule ids never hold one; spec text pasted in a comment might).
fn code_text(text: &str) -> String {
    text.replace('`', "'")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    fn report() -> Report {
        Report::new(
            "kombo",
            vec![
                Change::new("endpoint-added", "GET /b", "", "operation added"),
                Change::new(
                    "request-parameter-became-required",
                    "GET /a",
                    "query parameter ids",
                    "parameter became required",
                ),
                Change::new(
                    "response-optional-property-added",
                    "GET /a",
                    "response 200 application/json: data.<Skill>.a_b_c",
                    "property added",
                ),
            ],
        )
    }

    #[test]
    fn markdown_has_a_count_table_and_a_section_per_operation() {
        let out = render(&report());
        assert!(
            out.starts_with(
                "## Spec drift: kombo\n\n| Level | Changes |\n|---|---:|\n| ERR | 1 |\n| WARN | 0 |\n| INFO | 2 |\n"
            ),
            "{out}"
        );
        let a = out.find("### GET /a").unwrap();
        let b = out.find("### GET /b").unwrap();
        assert!(a < b, "the operation with a breaking change comes first: {out}");
        assert!(
            out.contains(
                "- **ERR** `request-parameter-became-required` query parameter ids: parameter became required `570188ae14adc43d`\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn markdown_folds_info_changes_and_escapes_spec_text() {
        let report = report();
        let out = render(&report);
        let fingerprint = report.changes[1].fingerprint();
        assert!(
            out.contains(&format!(
                "<details><summary>1 INFO change</summary>\n\n- **INFO** `response-optional-property-added` response 200 application/json: data.\\<Skill\\>.a\\_b\\_c: property added `{fingerprint}`\n\n</details>\n"
            )),
            "{out}"
        );
        assert_eq!(out.matches("<details>").count(), 2, "{out}");
        assert_eq!(
            render(&Report::new("v", Vec::new())),
            "## Spec drift: v\n\nNo changes.\n"
        );
    }
}
