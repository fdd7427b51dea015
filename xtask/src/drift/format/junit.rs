//! `--format junit`: JUnit XML, which CI systems (GitLab, Jenkins, test report actions) show as
//! a test run: one test case per change, failed when the change reaches `--fail-on`.

use std::fmt::Write as _;

use super::{Options, acknowledged_line};
use crate::drift::report::{Change, Report};

/// The report as one JUnit `<testsuite>`: a `<testcase>` per change (class name: the operation,
/// name: the rule id and location), with a `<failure>` when its level reaches `--fail-on`.
pub(super) fn render(report: &Report, options: &Options<'_>) -> String {
    let fails = |c: &Change| options.fail_on.is_some_and(|level| c.level >= level);
    let tests = report.changes.len() + report.acknowledged.len();
    let skipped = report.acknowledged.len();
    let failures = report.changes.iter().filter(|c| fails(c)).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"spec drift\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        escape(&report.vendor)
    );
    for note in &report.notes {
        let _ = writeln!(out, "    <system-out>note: {}</system-out>", escape(note));
    }
    let cases = report
        .changes
        .iter()
        .map(|c| (c, None))
        .chain(report.acknowledged.iter().map(|a| (&a.change, Some(a))));
    for (change, acknowledged) in cases {
        let class = if change.operation.is_empty() {
            "(document)"
        } else {
            &change.operation
        };
        let name = if change.location.is_empty() {
            change.id.clone()
        } else {
            format!("{} at {}", change.id, change.location)
        };
        let _ = writeln!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\">",
            escape(class),
            escape(&name)
        );
        let detail = format!(
            "{} {}: {} (fingerprint {})",
            change.level,
            change.id,
            change.message,
            change.fingerprint()
        );
        if let Some(a) = acknowledged {
            // An acknowledged change is a skipped test: visible, never a failure.
            let _ = writeln!(
                out,
                "      <skipped message=\"{}\"/>",
                escape(&format!("acknowledged: {}", acknowledged_line(a)))
            );
        } else if fails(change) {
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                escape(change.level.as_str()),
                escape(&change.message),
                escape(&detail)
            );
        } else {
            let _ = writeln!(out, "      <system-out>{}</system-out>", escape(&detail));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Text as XML character data or an attribute value (double-quoted). The five markup
/// characters become entities; tab, CR and LF become character references (an attribute
/// would otherwise normalize them to spaces); characters XML 1.0 cannot hold at all (other
/// controls, unpaired `U+FFFE`/`U+FFFF`) become U+FFFD, so no spec text can make the file invalid.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;
    use crate::drift::level::Level;

    #[test]
    fn markup_and_line_breaks_are_escaped_and_other_controls_replaced() {
        assert_eq!(
            escape("<a & 'b'>\t\"c\""),
            "&lt;a &amp; &apos;b&apos;&gt;&#9;&quot;c&quot;"
        );
        assert_eq!(escape("one\r\ntwo"), "one&#13;&#10;two");
        assert_eq!(escape("bell\u{7}\u{fffe}"), "bell\u{fffd}\u{fffd}");
    }

    #[test]
    fn junit_has_one_case_per_change_failing_from_fail_on() {
        let report = Report::new(
            "a.yaml -> b.yaml",
            vec![
                Change::new("endpoint-added", "GET /x", "", "operation added"),
                Change::new(
                    "request-parameter-became-required",
                    "GET /x",
                    "query parameter <q&\"'>",
                    "a \u{1} control\nand a newline",
                ),
            ],
        );
        let xml = render(
            &report,
            &Options {
                fail_on: Some(Level::Err),
                ..Options::default()
            },
        );
        assert!(xml.contains("failures=\"1\""), "{xml}");
        assert!(
            xml.contains("name=\"request-parameter-became-required at query parameter &lt;q&amp;&quot;&apos;&gt;\">"),
            "{xml}"
        );
        assert!(
            xml.contains("<failure type=\"ERR\" message=\"a \u{fffd} control&#10;and a newline\">"),
            "{xml}"
        );
        assert!(
            xml.contains("<system-out>INFO endpoint-added: operation added (fingerprint "),
            "{xml}"
        );
        let never = render(&report, &Options::default());
        assert!(!never.contains("<failure"), "{never}");
    }
}
