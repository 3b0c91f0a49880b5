//! The review as one self-contained HTML page (CSS and JS inlined, nothing fetched at view
//! time): summary and next steps, blast radius per finding, then every changed schema file
//! side by side with its findings inline. Works without JS (anchors, `<details>`); the script
//! only adds keyboard navigation between findings (j/k, n/p).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use schemagate_core::{Finding, Level};

use super::diff::{Row, RowKind, side_by_side};
use super::highlight::{Token, tokenize};
use super::{Impact, Review, ReviewFile, explanation, fails, next_steps};
use crate::junit::escape;

const CSS: &str = include_str!("review.css");
const JS: &str = include_str!("review.js");
/// Unchanged lines kept around a change or a finding; longer runs fold into `<details>`.
const CONTEXT: usize = 3;
/// Above this many rows to show in one file, only the rows around findings are shown.
const MAX_SHOWN_ROWS: usize = 3_000;

/// Writes the page.
pub fn render_html(review: &Review, out: &mut dyn Write) -> io::Result<()> {
    let mut page = String::with_capacity(64 * 1024);
    let s = &review.report.summary;
    let failed = fails(review);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>schemagate review — {verdict}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        verdict = if failed { "gate fails" } else { "gate passes" }
    );
    let _ = write!(
        page,
        "<header class=\"top\"><div class=\"wrap\"><div class=\"brand\">schemagate <span>review</span></div>\
         <div class=\"meta\">against <code>{}</code> · {} files checked</div>\
         <div class=\"keys\" id=\"keys\">findings: <kbd>j</kbd>/<kbd>k</kbd> or <kbd>n</kbd>/<kbd>p</kbd></div>\
         </div></header>\n<main class=\"wrap\">\n",
        escape(&review.baseline),
        s.files_checked
    );
    summary(&mut page, review, failed);
    overview(&mut page, review);
    blast_radius(&mut page, review);
    files(&mut page, review);
    unplaced(&mut page, review);
    if !review.notes.is_empty() {
        page.push_str("<section id=\"notes\"><h2>Not covered by this review</h2><ul class=\"notes\">");
        for n in &review.notes {
            let _ = write!(page, "<li>{}</li>", escape(n));
        }
        page.push_str("</ul></section>\n");
    }
    let _ = write!(page, "</main>\n<script>\n{JS}</script>\n</body>\n</html>\n");
    out.write_all(page.as_bytes())
}

fn level_badge(level: Level) -> String {
    format!("<span class=\"badge {l}\">{l}</span>", l = level.as_str())
}

/// Backticks become `<code>`, `**x**` bold; everything else is escaped.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            for (j, piece) in part.split("**").enumerate() {
                if j % 2 == 1 {
                    let _ = write!(out, "<strong>{}</strong>", escape(piece));
                } else {
                    out.push_str(&escape(piece));
                }
            }
        }
    }
    out
}

fn summary(page: &mut String, review: &Review, failed: bool) {
    let s = &review.report.summary;
    let fail_level = review.fail_level.unwrap_or(Level::Error);
    let (class, title, detail) = if failed {
        (
            "fail",
            "The gate fails",
            format!("findings at level {} or above block the merge (exit 1)", fail_level.as_str()),
        )
    } else {
        ("pass", "The gate passes", format!("no finding at level {} or above (exit 0)", fail_level.as_str()))
    };
    let _ = write!(
        page,
        "<section class=\"summary\" id=\"summary\"><div class=\"verdict {class}\"><div class=\"verdict-title\">{title}</div>\
         <div class=\"verdict-detail\">{detail}</div></div>\n<div class=\"counts\">\
         <a class=\"count error\" href=\"#overview\"><b>{}</b> error{}</a>\
         <a class=\"count warning\" href=\"#overview\"><b>{}</b> warning{}</a>\
         <a class=\"count info\" href=\"#overview\"><b>{}</b> info</a>\
         <span class=\"count files\"><b>{}</b> changed file{}</span></div>\n",
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.infos,
        review.files.len(),
        if review.files.len() == 1 { "" } else { "s" },
    );
    page.push_str("<div class=\"next\"><h2>What to do next</h2><ol>");
    for step in next_steps(review) {
        let _ = write!(page, "<li>{}</li>", inline(&step));
    }
    page.push_str("</ol></div></section>\n");
}

/// Finding indexes, errors first, then warnings, then information (report order within a level).
fn by_severity(review: &Review) -> Vec<usize> {
    let mut order: Vec<usize> = (0..review.report.findings.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(review.report.findings[i].level));
    order
}

fn place(f: &Finding) -> String {
    if f.location.is_none() {
        f.path.clone()
    } else {
        format!("{}:{}:{}", f.path, f.location.start_line, f.location.start_column)
    }
}

fn overview(page: &mut String, review: &Review) {
    let _ = write!(
        page,
        "<section id=\"overview\"><h2>Findings <span class=\"muted\">({})</span></h2>",
        review.report.findings.len()
    );
    if review.report.findings.is_empty() {
        page.push_str("<p class=\"empty\">No changes found.</p></section>\n");
        return;
    }
    page.push_str(
        "<table class=\"grid overview\"><colgroup><col class=\"c-level\"><col class=\"c-rule\"><col class=\"c-where\">\
         <col class=\"c-change\"><col class=\"c-who\"></colgroup><thead><tr><th>level</th><th>rule</th><th>where</th>\
         <th>change</th><th>who is affected</th></tr></thead><tbody>",
    );
    let none = Impact::default();
    for i in by_severity(review) {
        let f = &review.report.findings[i];
        let who = affected_summary(review.impacts.get(i).unwrap_or(&none));
        let _ = write!(
            page,
            "<tr class=\"{lvl}\"><td>{badge}</td><td><code class=\"rule\">{rule}</code></td>\
             <td><a href=\"#f-{i}\" class=\"loc\">{place}</a></td><td>{msg}</td><td>{who}</td></tr>",
            lvl = f.level.as_str(),
            badge = level_badge(f.level),
            rule = escape(&f.rule),
            place = escape(&place(f)),
            msg = escape(&f.message),
        );
    }
    page.push_str("</tbody></table></section>\n");
}

/// A compact "who" cell: consumers reading the element, else topics, subjects, operations.
fn affected_summary(impact: &Impact) -> String {
    let readers: BTreeSet<&str> = impact.reading_consumers().map(|(_, c)| c.name.as_str()).collect();
    let mut parts = Vec::new();
    if !readers.is_empty() {
        parts.push(
            readers.iter().map(|r| format!("<span class=\"svc reads\">{}</span>", escape(r))).collect::<String>(),
        );
    }
    if !impact.topics.is_empty() {
        parts.push(
            impact
                .topics
                .iter()
                .map(|t| format!("<span class=\"topic\">{}</span>", escape(&t.topic)))
                .collect::<String>(),
        );
    }
    if !impact.operations.is_empty() {
        parts.push(operations(&impact.operations, 3));
    }
    if parts.is_empty() && !impact.subjects.is_empty() {
        parts.push(impact.subjects.iter().map(|s| format!("<span class=\"subject\">{}</span>", escape(s))).collect());
    }
    if parts.is_empty() { "<span class=\"muted\">—</span>".into() } else { parts.join(" ") }
}

/// The first `limit` operations, then how many more (a shared component may reach hundreds).
fn operations(ops: &[String], limit: usize) -> String {
    let mut html: String = ops.iter().take(limit).map(|o| format!("<span class=\"op\">{}</span>", escape(o))).collect();
    if ops.len() > limit {
        let _ = write!(html, " <span class=\"muted\">and {} more</span>", ops.len() - limit);
    }
    html
}

fn blast_radius(page: &mut String, review: &Review) {
    let rows: Vec<(usize, &Finding, &Impact)> = by_severity(review)
        .into_iter()
        .filter_map(|i| Some((i, &review.report.findings[i], review.impacts.get(i)?)))
        .filter(|(_, f, impact)| f.level >= Level::Warning && !impact.is_empty())
        .collect();
    page.push_str("<section id=\"blast-radius\"><h2>Consumer blast radius</h2>");
    if rows.is_empty() {
        page.push_str("<p class=\"empty\">No breaking change reaches a contract, a registry subject or an API operation.</p></section>\n");
        return;
    }
    page.push_str(
        "<p class=\"muted\">For each breaking change: the topics whose value schema carries the changed element \
         (from <code>contracts/</code>), each consuming service and the <code>fields:</code> it declares reading there, \
         and the registry subjects whose schema reaches it (<code>schemagate.yaml</code>).</p>",
    );
    for (i, f, impact) in rows {
        let _ = write!(
            page,
            "<article class=\"impact {lvl}\"><h3>{badge} <code class=\"rule\">{rule}</code> <a href=\"#f-{i}\" class=\"loc\">{place}</a></h3>\
             <p class=\"element\">{element}</p>",
            lvl = f.level.as_str(),
            badge = level_badge(f.level),
            rule = escape(&f.rule),
            place = escape(&place(f)),
            element = impact
                .element
                .as_deref()
                .map(|e| format!("changed element <code>{}</code>", escape(e)))
                .unwrap_or_else(|| escape(&f.message)),
        );
        if !impact.topics.is_empty() {
            page.push_str(
                "<table class=\"grid radius\"><thead><tr><th>topic</th><th>contract</th><th>producer</th><th>where in the value</th><th>consumers</th></tr></thead><tbody>",
            );
            for t in &impact.topics {
                let consumers: String = t
                    .consumers
                    .iter()
                    .map(|c| {
                        if c.reads.is_empty() {
                            format!("<div class=\"consumer\"><span class=\"svc\">{}</span> <span class=\"muted\">receives it, declares no read</span></div>", escape(&c.name))
                        } else {
                            format!(
                                "<div class=\"consumer\"><span class=\"svc reads\">{}</span> reads {}</div>",
                                escape(&c.name),
                                c.reads.iter().map(|r| format!("<code>{}</code>", escape(r))).collect::<Vec<_>>().join(", ")
                            )
                        }
                    })
                    .collect();
                let paths = if t.field_paths.is_empty() {
                    "<span class=\"muted\">the whole value</span>".to_string()
                } else {
                    t.field_paths.iter().map(|p| format!("<code>{}</code>", escape(p))).collect::<Vec<_>>().join("<br>")
                };
                let _ = write!(
                    page,
                    "<tr><td><span class=\"topic\">{}</span><div class=\"muted small\">{}</div></td><td><code>{}</code></td><td><span class=\"svc\">{}</span></td><td>{paths}</td><td>{consumers}</td></tr>",
                    escape(&t.topic),
                    escape(&t.message),
                    escape(&t.contract),
                    escape(&t.producer),
                );
            }
            page.push_str("</tbody></table>");
        }
        if !impact.subjects.is_empty() {
            let _ = write!(
                page,
                "<p class=\"subjects\">Registry subjects: {}</p>",
                impact
                    .subjects
                    .iter()
                    .map(|s| format!("<span class=\"subject\">{}</span>", escape(s)))
                    .collect::<String>()
            );
        }
        if !impact.operations.is_empty() {
            let _ = write!(page, "<p class=\"subjects\">API operations: {}</p>", operations(&impact.operations, 25));
        }
        page.push_str("</article>");
    }
    page.push_str("</section>\n");
}

/// Where a finding is shown in its file's diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Anchor {
    /// Above the diff (no line, or past the end).
    Top,
    /// After the row of this line of the baseline (the element is gone from the new text).
    Old(u32),
    /// After the row of this line of the new text.
    New(u32),
}

/// Findings by file, then by anchor.
fn findings_by_file(review: &Review) -> BTreeMap<&str, BTreeMap<Anchor, Vec<usize>>> {
    let mut map: BTreeMap<&str, BTreeMap<Anchor, Vec<usize>>> = BTreeMap::new();
    for (i, f) in review.report.findings.iter().enumerate() {
        let Some(file) = review.files.iter().find(|file| file.path == f.path) else { continue };
        let old_line = review.impacts.get(i).and_then(|impact| impact.old_line);
        let new_lines = file.new.as_deref().map_or(0, |t| t.lines().count()) as u32;
        let anchor = match old_line {
            Some(line) if file.old.is_some() => Anchor::Old(line),
            _ if f.location.is_none() || f.location.start_line > new_lines => Anchor::Top,
            _ => Anchor::New(f.location.start_line),
        };
        map.entry(f.path.as_str()).or_default().entry(anchor).or_default().push(i);
    }
    map
}

fn files(page: &mut String, review: &Review) {
    let by_file = findings_by_file(review);
    let _ = write!(
        page,
        "<section id=\"files\"><h2>Changed schema files <span class=\"muted\">({})</span></h2>",
        review.files.len()
    );
    if review.files.is_empty() {
        page.push_str("<p class=\"empty\">No schema file changed against the baseline.</p>");
    }
    let empty = BTreeMap::new();
    // Files with findings first, then modified ones, then whole files added or deleted.
    let mut order: Vec<(usize, &ReviewFile)> = review.files.iter().enumerate().collect();
    order.sort_by_key(|(_, f)| {
        (!by_file.contains_key(f.path.as_str()), f.old.is_none() || f.new.is_none(), f.path.clone())
    });
    for (n, file) in order {
        let here = by_file.get(file.path.as_str()).unwrap_or(&empty);
        file_view(page, review, n, file, here);
    }
    page.push_str("</section>\n");
}

fn file_view(page: &mut String, review: &Review, n: usize, file: &ReviewFile, here: &BTreeMap<Anchor, Vec<usize>>) {
    let status = match (&file.old, &file.new) {
        (None, Some(_)) => "added",
        (Some(_), None) => "deleted",
        _ => "modified",
    };
    let count = here.values().map(Vec::len).sum::<usize>();
    let old = file.old.as_deref().unwrap_or("");
    let new = file.new.as_deref().unwrap_or("");
    let rows = side_by_side(old, new);
    // A whole file added or deleted without findings is folded: its every line is a change.
    let folded = here.is_empty() && (file.old.is_none() || file.new.is_none());
    let (open, close) = if folded {
        ("<details class=\"whole\"><summary class=\"file-head\">", "</summary>")
    } else {
        ("<h3 class=\"file-head\">", "</h3>")
    };
    let _ = write!(
        page,
        "<article class=\"file\" id=\"file-{n}\">{open}<span class=\"status {status}\">{status}</span> \
         <code>{path}</code> <span class=\"muted\">{syntax} · {lines}</span>{count}{close}",
        lines = line_stat(&rows),
        path = escape(&file.path),
        syntax = file.syntax().name(),
        count = if count > 0 {
            format!(" <span class=\"fcount\">{count} finding{}</span>", if count == 1 { "" } else { "s" })
        } else {
            String::new()
        },
    );
    let old_tokens = tokenize(file.syntax(), old);
    let new_tokens = tokenize(file.syntax(), new);
    // Findings without a line head the file.
    for &i in here.get(&Anchor::Top).into_iter().flatten() {
        finding_card(page, review, i, "div");
    }
    let at = |row: &Row<'_>| -> Vec<usize> {
        let old = row.old.and_then(|(l, _)| here.get(&Anchor::Old(l)));
        let new = row.new.and_then(|(l, _)| here.get(&Anchor::New(l)));
        old.into_iter().chain(new).flatten().copied().collect()
    };
    // Rows worth showing: changes, findings, and CONTEXT lines around them. A file rewritten on a
    // large scale (a regenerated spec) would make a page of hundreds of megabytes: then only the
    // rows around findings are shown, and the rest is counted, not embedded.
    let keep_around = |wanted: &dyn Fn(&Row<'_>) -> bool| {
        let mut keep = vec![false; rows.len()];
        for (r, row) in rows.iter().enumerate() {
            if wanted(row) {
                let lo = r.saturating_sub(CONTEXT);
                let hi = (r + CONTEXT + 1).min(rows.len());
                keep[lo..hi].iter_mut().for_each(|k| *k = true);
            }
        }
        keep
    };
    let mut keep = keep_around(&|row| row.kind != RowKind::Same || !at(row).is_empty());
    let big = keep.iter().filter(|k| **k).count() > MAX_SHOWN_ROWS;
    if big {
        keep = keep_around(&|row| !at(row).is_empty());
        let _ = write!(
            page,
            "<p class=\"big-note\">This file changed on {} lines: only the lines around its findings are shown. \
             See the full change with <code>git diff</code>.</p>",
            rows.iter().filter(|r| r.kind != RowKind::Same).count()
        );
    }
    page.push_str(
        "<table class=\"diff\"><colgroup><col class=\"ln\"><col class=\"code\"><col class=\"ln\"><col class=\"code\"></colgroup>\
         <thead><tr><th colspan=\"2\">baseline</th><th colspan=\"2\">this change</th></tr></thead>",
    );
    let mut r = 0;
    while r < rows.len() {
        if keep[r] {
            page.push_str("<tbody>");
            while r < rows.len() && keep[r] {
                diff_row(page, &rows[r], &old_tokens, &new_tokens);
                for i in at(&rows[r]) {
                    page.push_str("<tr class=\"inline\"><td colspan=\"4\">");
                    finding_card(page, review, i, "div");
                    page.push_str("</td></tr>");
                }
                r += 1;
            }
            page.push_str("</tbody>");
        } else {
            let start = r;
            while r < rows.len() && !keep[r] {
                r += 1;
            }
            if big {
                let changed = rows[start..r].iter().filter(|row| row.kind != RowKind::Same).count();
                let _ = write!(
                    page,
                    "<tbody class=\"fold\"><tr><td colspan=\"4\" class=\"skipped\">{} lines not shown ({changed} changed, no finding)</td></tr></tbody>",
                    r - start
                );
                continue;
            }
            let _ = write!(
                page,
                "<tbody class=\"fold\"><tr><td colspan=\"4\"><details><summary>{} unchanged line{}</summary><table class=\"diff\">\
                 <colgroup><col class=\"ln\"><col class=\"code\"><col class=\"ln\"><col class=\"code\"></colgroup>",
                r - start,
                if r - start == 1 { "" } else { "s" }
            );
            for row in &rows[start..r] {
                diff_row(page, row, &old_tokens, &new_tokens);
            }
            page.push_str("</table></details></td></tr></tbody>");
        }
    }
    page.push_str("</table>");
    if folded {
        page.push_str("</details>");
    }
    page.push_str("</article>\n");
}

fn line_stat(rows: &[Row<'_>]) -> String {
    let added = rows.iter().filter(|r| r.kind != RowKind::Same && r.new.is_some()).count();
    let removed = rows.iter().filter(|r| r.kind != RowKind::Same && r.old.is_some()).count();
    format!("<span class=\"plus\">+{added}</span> <span class=\"minus\">−{removed}</span>")
}

fn diff_row(page: &mut String, row: &Row<'_>, old_tokens: &[Vec<Token<'_>>], new_tokens: &[Vec<Token<'_>>]) {
    let kind = match row.kind {
        RowKind::Same => "same",
        RowKind::Removed => "removed",
        RowKind::Added => "added",
        RowKind::Changed => "changed",
    };
    let _ = write!(page, "<tr class=\"{kind}\">");
    side(page, row.old, old_tokens, "old", row.kind != RowKind::Same);
    side(page, row.new, new_tokens, "new", row.kind != RowKind::Same);
    page.push_str("</tr>");
}

fn side(page: &mut String, line: Option<(u32, &str)>, tokens: &[Vec<Token<'_>>], which: &str, changed: bool) {
    match line {
        None => {
            let _ = write!(page, "<td class=\"ln {which} void\"></td><td class=\"code {which} void\"></td>");
        }
        Some((n, text)) => {
            let mark = if changed { if which == "old" { " del" } else { " ins" } } else { "" };
            let _ = write!(
                page,
                "<td class=\"ln {which}{mark}\" data-line=\"{n}\">{n}</td><td class=\"code {which}{mark}\"><span class=\"sign\">{}</span>",
                match (changed, which) {
                    (false, _) => " ",
                    (true, "old") => "−",
                    _ => "+",
                }
            );
            match tokens.get(n as usize - 1) {
                Some(line_tokens) => {
                    for t in line_tokens {
                        match t.kind.class() {
                            Some(class) => {
                                let _ = write!(page, "<span class=\"{class}\">{}</span>", escape(t.text));
                            }
                            None => page.push_str(&escape(t.text)),
                        }
                    }
                }
                None => page.push_str(&escape(text)),
            }
            page.push_str("</td>");
        }
    }
}

fn finding_card(page: &mut String, review: &Review, i: usize, tag: &str) {
    let f = &review.report.findings[i];
    let impact = review.impacts.get(i).cloned().unwrap_or_default();
    let _ = write!(
        page,
        "<{tag} class=\"finding {lvl}\" id=\"f-{i}\" tabindex=\"-1\"><div class=\"finding-head\">{badge} <code class=\"rule\">{rule}</code>\
         <span class=\"loc\">{place}</span>{endpoint}</div><div class=\"finding-msg\">{msg}</div><div class=\"finding-why\">{why}</div></{tag}>",
        lvl = f.level.as_str(),
        badge = level_badge(f.level),
        rule = escape(&f.rule),
        place = escape(&place(f)),
        endpoint = f.endpoint_label().map(|e| format!(" <span class=\"op\">{}</span>", escape(&e))).unwrap_or_default(),
        msg = escape(&f.message),
        why = inline(&explanation(f, &impact)),
    );
}

/// Findings on files without a diff (unchanged files, or files outside the review).
fn unplaced(page: &mut String, review: &Review) {
    let ids: Vec<usize> = (0..review.report.findings.len())
        .filter(|&i| !review.files.iter().any(|file| file.path == review.report.findings[i].path))
        .collect();
    if ids.is_empty() {
        return;
    }
    page.push_str("<section id=\"other\"><h2>Findings on files without a diff</h2>");
    for i in ids {
        finding_card(page, review, i, "div");
    }
    page.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use schemagate_core::{Finding, Location, Report};

    use super::*;
    use crate::review::{ConsumerImpact, TopicImpact};

    fn review() -> Review {
        let findings = vec![
            Finding::new(
                "FIELD_SAME_TYPE",
                Level::Error,
                "a/v1/o.proto",
                Location { start_line: 4, start_column: 3, end_line: 4, end_column: 8 },
                "Field \"2\" with name \"qty\" on message \"Order\" changed type from \"int32\" to \"int64\" <script>",
            ),
            Finding::new("SCHEMA_WITHOUT_SUBJECT", Level::Info, "a/v1/unchanged.proto", Location::NONE, "no subject"),
        ];
        let impact = Impact {
            element: Some("a.v1.Order.qty".into()),
            topics: vec![TopicImpact {
                contract: "contracts/orders.yaml".into(),
                topic: "orders.v1".into(),
                producer: "order-service".into(),
                message: "a.v1.Order".into(),
                field_paths: vec!["qty".into()],
                consumers: vec![
                    ConsumerImpact { name: "billing".into(), reads: vec!["qty".into()] },
                    ConsumerImpact { name: "audit".into(), reads: vec![] },
                ],
            }],
            subjects: vec!["orders-value".into()],
            operations: vec![],
            old_line: None,
        };
        let old = (1..=30).map(|i| format!("// line {i}\n")).collect::<String>().replacen(
            "// line 4\n",
            "  int32 qty = 2;\n",
            1,
        );
        let new = old.replacen("int32 qty", "int64 qty", 1);
        Review {
            report: Report::new(findings, 2),
            baseline: "git:main".into(),
            fail_level: Some(Level::Error),
            files: vec![ReviewFile { path: "a/v1/o.proto".into(), old: Some(old), new: Some(new) }],
            impacts: vec![impact, Impact::default()],
            artifact: None,
            notes: vec!["contracts/x.yaml: value schema not loaded".into()],
        }
    }

    fn page(review: &Review) -> String {
        let mut out = Vec::new();
        render_html(review, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn findings_sit_at_their_line_with_their_blast_radius() {
        let html = page(&review());
        assert!(html.contains("The gate fails"));
        // The finding card follows the changed row of line 4.
        let row = html.find("data-line=\"4\">4</td><td class=\"code new ins\">").expect("changed row");
        let card = html.find("id=\"f-0\"").unwrap();
        assert!(row < card && html[row..card].matches("<tr").count() == 1, "card right after its row");
        assert!(html.contains("<span class=\"svc reads\">billing</span> reads <code>qty</code>"));
        assert!(html.contains("<span class=\"svc\">audit</span> <span class=\"muted\">receives it"));
        assert!(html.contains("<span class=\"subject\">orders-value</span>"));
        // Long unchanged runs fold; the finding on an unchanged file is listed apart.
        assert!(html.contains("<details><summary>23 unchanged lines</summary>"));
        assert!(html[html.find("id=\"other\"").unwrap()..].contains("id=\"f-1\""));
        assert!(html.contains("value schema not loaded"));
    }

    #[test]
    fn text_is_escaped() {
        let html = page(&review());
        assert!(!html.contains("int64\" <script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert_eq!(html.matches("<script>").count(), 1, "only the page's own script");
    }

    #[test]
    fn a_huge_rewritten_file_renders_in_bounded_time() {
        let old: String = (0..20_000).map(|i| format!("  int64 field_{i} = {i};\n")).collect();
        let new: String = (0..20_000).map(|i| format!("  string other_{} = {i};\n", i * 7 % 13)).collect();
        let mut r = review();
        r.files = vec![ReviewFile { path: "big.proto".into(), old: Some(old), new: Some(new) }];
        let started = std::time::Instant::now();
        r.report.findings[0].path = "big.proto".into();
        r.report.findings[0].location = Location { start_line: 100, start_column: 3, end_line: 100, end_column: 8 };
        let html = page(&r);
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
        // Only the rows around the finding are embedded; the rest is counted.
        assert!(html.contains("This file changed on 20000 lines"), "{} bytes", html.len());
        assert!(html.len() < 200_000, "{} bytes", html.len());
        let row = html.find("data-line=\"100\">100</td><td class=\"code new").expect("the finding's row");
        assert!(html[row..].find("id=\"f-0\"").is_some());
        assert!(!html.contains("data-line=\"20000\""));
        assert!(html.contains("lines not shown ("));
    }

    #[test]
    fn an_empty_review_passes() {
        let html = page(&Review { baseline: "git:main".into(), ..Review::default() });
        assert!(html.contains("The gate passes") && html.contains("No changes found."));
    }
}
