//! Side-by-side line diff of an old and a new text (similar's Myers diff, line granularity).

use std::time::Duration;

use similar::{Algorithm, ChangeTag, TextDiff};

/// Past this, similar gives a coarser (still correct) diff rather than the minimal one: a huge
/// rewritten spec must not stall the report.
const DIFF_TIMEOUT: Duration = Duration::from_secs(2);

/// How a row of the side-by-side view changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Same,
    /// Only on the left.
    Removed,
    /// Only on the right.
    Added,
    /// Left and right differ on this row.
    Changed,
}

/// One row: a line number and text on either side (`None`: nothing on that side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    pub kind: RowKind,
    pub old: Option<(u32, &'a str)>,
    pub new: Option<(u32, &'a str)>,
}

/// Rows of a side-by-side view: deletions and insertions between two unchanged lines are
/// paired up row by row (the extra ones stand alone), as review tools show them.
pub fn side_by_side<'a>(old: &'a str, new: &'a str) -> Vec<Row<'a>> {
    let diff = TextDiff::configure().algorithm(Algorithm::Myers).timeout(DIFF_TIMEOUT).diff_lines(old, new);
    let mut rows = Vec::new();
    let mut removed: Vec<(u32, &'a str)> = Vec::new();
    let mut added: Vec<(u32, &'a str)> = Vec::new();
    let flush = |rows: &mut Vec<Row<'a>>, removed: &mut Vec<(u32, &'a str)>, added: &mut Vec<(u32, &'a str)>| {
        let n = removed.len().max(added.len());
        for i in 0..n {
            let old = removed.get(i).copied();
            let new = added.get(i).copied();
            let kind = match (old, new) {
                (Some(_), Some(_)) => RowKind::Changed,
                (Some(_), None) => RowKind::Removed,
                _ => RowKind::Added,
            };
            rows.push(Row { kind, old, new });
        }
        removed.clear();
        added.clear();
    };
    for change in diff.iter_all_changes() {
        let text = trim_newline(change.value());
        match change.tag() {
            ChangeTag::Equal => {
                flush(&mut rows, &mut removed, &mut added);
                let old = change.old_index().map(|i| (line_number(i), text));
                let new = change.new_index().map(|i| (line_number(i), text));
                rows.push(Row { kind: RowKind::Same, old, new });
            }
            ChangeTag::Delete => removed.extend(change.old_index().map(|i| (line_number(i), text))),
            ChangeTag::Insert => added.extend(change.new_index().map(|i| (line_number(i), text))),
        }
    }
    flush(&mut rows, &mut removed, &mut added);
    rows
}

fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

fn trim_newline(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_replacements_and_keeps_line_numbers() {
        let rows = side_by_side("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n");
        let kinds: Vec<RowKind> = rows.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [RowKind::Same, RowKind::Changed, RowKind::Same, RowKind::Same, RowKind::Added]);
        assert_eq!(rows[1].old, Some((2, "b")));
        assert_eq!(rows[1].new, Some((2, "B")));
        assert_eq!(rows[4].old, None);
        assert_eq!(rows[4].new, Some((5, "e")));
    }

    #[test]
    fn a_new_file_is_all_added_and_a_deleted_one_all_removed() {
        assert!(side_by_side("", "x\ny").iter().all(|r| r.kind == RowKind::Added));
        assert!(side_by_side("x\ny\n", "").iter().all(|r| r.kind == RowKind::Removed));
    }
}
