//! `--only NAME --merge`: the selected scenarios' sections and summary rows take the place of
//! theirs in an existing BENCHMARKS.md, or join it in scenario order; every other figure and the
//! file's header stay as they were (each section says when and at which commit it was measured).

use crate::render::Report;

/// The number of a summary row (`| 9. Build cost ...`) or a section heading (`## 9. Build ...`).
fn number(line: &str, prefix: &str) -> Option<u32> {
    let rest = line.strip_prefix(prefix)?;
    let (digits, _) = rest.split_once(". ")?;
    digits.parse().ok()
}

/// `existing` with `report`'s rows and sections merged in.
pub(crate) fn merge(existing: &str, report: &Report) -> String {
    let mut lines: Vec<String> = existing.lines().map(str::to_owned).collect();
    merge_rows(&mut lines, &report.summary_rows().collect::<Vec<_>>());
    for section in report.sections() {
        merge_section(&mut lines, section);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Replaces the summary rows of the new rows' scenarios, keeping the table in scenario order.
fn merge_rows(lines: &mut Vec<String>, rows: &[String]) {
    let scenarios: Vec<u32> = rows.iter().filter_map(|r| number(r, "| ")).collect();
    lines.retain(|l| number(l, "| ").is_none_or(|n| !scenarios.contains(&n)));
    let Some(summary) = lines.iter().position(|l| l == "## Summary") else {
        return;
    };
    for row in rows {
        let n = number(row, "| ").unwrap_or(u32::MAX);
        // After the last row of the table with a smaller or equal number (the header if none).
        let mut at = summary + 1;
        for (i, line) in lines.iter().enumerate().skip(summary + 1) {
            if line.starts_with("|---") || number(line, "| ").is_some_and(|m| m <= n) {
                at = i + 1;
            } else if !line.starts_with('|') && at > summary + 1 {
                break;
            }
        }
        lines.insert(at, row.clone());
    }
}

/// Replaces the section with `section`'s number, or inserts it before the next higher one (or the
/// closing note, or the end).
fn merge_section(lines: &mut Vec<String>, section: &str) {
    let Some(n) = section.lines().next().and_then(|h| number(h, "## ")) else {
        return;
    };
    let new: Vec<String> = section.trim_end().lines().map(str::to_owned).collect();
    let start = lines.iter().position(|l| number(l, "## ") == Some(n));
    let (at, end) = match start {
        Some(start) => {
            let end = lines[start + 1..]
                .iter()
                .position(|l| l.starts_with("## "))
                .map_or(lines.len(), |i| start + 1 + i);
            (start, end)
        }
        None => {
            let at = lines
                .iter()
                .position(|l| number(l, "## ").is_some_and(|m| m > n) || l.starts_with("## Closing note"))
                .unwrap_or(lines.len());
            (at, at)
        }
    };
    let mut block = new;
    // Sections are separated by one blank line.
    block.push(String::new());
    if end == lines.len() && at == end {
        lines.push(String::new());
    }
    lines.splice(at..end, block);
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Benchmarks\n\n## Summary\n\n| scenario | a |\n|---|---|\n| 1. One | x |\n| 8. Eight | y |\n\n\
                        ## 1. One\n\nold one\n\n## 8. Eight\n\neight\n\n## Closing note\n\nnote\n";

    fn report(n: u32) -> Report {
        let mut report = Report::default();
        report.section(format!("## {n}. New\n\nfigures\n"), "x", None);
        report.verdict(&format!("{n}. New"), "t", "m".to_owned(), None);
        report
    }

    #[test]
    fn a_new_scenario_joins_in_order_and_nothing_else_changes() {
        let merged = merge(FILE, &report(9));
        assert!(
            merged.contains("| 8. Eight | y |\n| 9. New | t | m | - |\n\n## 1. One"),
            "{merged}"
        );
        assert!(merged.contains("eight\n\n## 9. New\n\nfigures\n"), "{merged}");
        assert!(merged.contains("x`.\n\n## Closing note\n\nnote\n"), "{merged}");
        assert!(merged.contains("old one"));
    }

    #[test]
    fn a_known_scenario_is_replaced() {
        let merged = merge(FILE, &report(1));
        assert!(
            !merged.contains("old one") && !merged.contains("| 1. One |"),
            "{merged}"
        );
        assert!(
            merged.contains("|---|---|\n| 1. New | t | m | - |\n| 8. Eight"),
            "{merged}"
        );
        assert!(merged.contains("## 1. New\n\nfigures\n"), "{merged}");
        assert!(merged.contains("x`.\n\n## 8. Eight"), "{merged}");
        // Merging the same again changes nothing.
        assert_eq!(merge(&merged, &report(1)), merged);
    }
}
