//! Fixes: applying the text edits findings carry ([`Fix`]), a unified diff of the result, and
//! the loop `check --fix` runs (lint, apply, lint again) until no applicable fix is left.
//!
//! A fix is all or nothing: when one of its edits overlaps an edit already taken this round,
//! the whole fix waits for the next round, where it is computed again on the new text (as in
//! ruff). Every byte outside the edits stays as written.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::configs::ConfigSet;
use crate::discover::InputFile;
use crate::finding::{Applicability, Edit, Fix};
use crate::load::Workspace;
use crate::report::Report;
use crate::source::{FileId, Role, SourceFile};

/// How many lint-and-fix rounds `--fix` runs at most: a fix that makes room for another
/// (two insertions at one place) lands in a later round, and a bound keeps a pair of fixes
/// that undo each other from looping.
pub const MAX_ROUNDS: usize = 10;

/// `text` with `fixes` applied, and the indices (into `fixes`) of those that were: a fix whose
/// edits overlap an earlier fix's, or fall outside the text, is skipped. Fixes are taken in the
/// order of their first edit; each fix's edits must all be for the file `text` is.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let mut order: Vec<(usize, &Fix)> = fixes
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, f)| !f.edits.is_empty())
        .collect();
    order.sort_by_key(|(i, f)| {
        let first = f
            .edits
            .iter()
            .map(|e| (e.span.start, e.span.end))
            .min()
            .unwrap_or_default();
        (first, *i)
    });
    // Taken edits by (start, end): they never overlap, so a new edit can only clash with the
    // one before it and the one after it, which keeps a file with thousands of fixes linear.
    let mut taken: BTreeMap<(u32, u32), &Edit> = BTreeMap::new();
    let mut applied = Vec::new();
    for (i, fix) in order {
        let fits = fix.edits.iter().all(|e| {
            e.span.start <= e.span.end
                && (e.span.end as usize) <= text.len()
                && text.is_char_boundary(e.span.start as usize)
                && text.is_char_boundary(e.span.end as usize)
        });
        let clashes = fix.edits.iter().enumerate().any(|(j, e)| {
            let before = taken.range(..=(e.span.start, u32::MAX)).next_back();
            let after = taken.range((e.span.start, 0)..).next();
            before.into_iter().chain(after).any(|(_, t)| overlaps(t, e))
                || fix.edits.iter().skip(j + 1).any(|o| overlaps(o, e))
        });
        if fits && !clashes {
            taken.extend(fix.edits.iter().map(|e| ((e.span.start, e.span.end), e)));
            applied.push(i);
        }
    }
    applied.sort_unstable();
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for e in taken.into_values() {
        out.push_str(text.get(at..e.span.start as usize).unwrap_or_default());
        out.push_str(&e.text);
        at = e.span.end as usize;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    (out, applied)
}

/// Two edits overlap when their ranges share a byte, or when one inserts at a place the other
/// touches: which of two insertions at one offset comes first would be a guess.
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let start = a.span.start.max(b.span.start);
    let end = a.span.end.min(b.span.end);
    start < end || ((a.span.is_empty() || b.span.is_empty()) && start <= end)
}

/// A unified diff (3 lines of context) of `before` and `after`, headed `a/name` and
/// `b/name` as `git diff` prints it; empty when they are equal.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    // Patience diff anchors on unique lines (names), so thousands of scattered fixes in a large
    // file diff in near-linear time where Myers is O(N·D); the deadline bounds the rest (the
    // diff stays correct, only less minimal).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .deadline(deadline)
        .diff_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .missing_newline_hint(true)
        .to_string()
}

/// Whether `fix` is applied at `level`: safe fixes always, unsafe ones with `--unsafe-fixes`.
pub fn is_applicable(fix: &Fix, level: Applicability) -> bool {
    fix.applicability <= level
}

/// What [`fix_workspace`] did.
#[derive(Debug)]
pub struct Fixed {
    /// The report of the last round: what is left.
    pub report: Report,
    /// Fixes applied, over every round.
    pub fixed: usize,
    /// What each applied fix was for, in the order applied.
    pub applied: Vec<Applied>,
    /// Per changed file: its number, the text as read, and the fixed text.
    pub changed: Vec<FileChange>,
}

/// A fix that was applied: the finding's rule, file and object, and the fix's title.
#[derive(Debug, Clone)]
pub struct Applied {
    pub rule: &'static str,
    pub file: crate::source::FileId,
    pub object: Option<crate::finding::ObjectRef>,
    pub path: Option<crate::model::FieldPath>,
    pub title: String,
}

/// One file the fixes changed.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub file: crate::source::FileId,
    pub original: Arc<SourceFile>,
    pub text: String,
}

/// Lints `ws`, applies every fix at `level` to the linted files, loads the changed files again
/// and repeats, at most [`MAX_ROUNDS`] times, until no applicable fix is left. `filter` runs on
/// each round's report before its fixes are taken (the baseline: a finding it hides is not
/// fixed). Context files and the config file are never edited.
pub fn fix_workspace(
    ws: &mut Workspace,
    configs: &ConfigSet,
    level: Applicability,
    filter: &dyn Fn(&mut Report),
) -> Fixed {
    let originals = ws.files.clone();
    let mut applied = Vec::new();
    let mut report = crate::analyze::analyze_set(ws, configs);
    filter(&mut report);
    for _ in 0..MAX_ROUNDS {
        let round = fix_round(ws, configs, &report, level);
        if round.is_empty() {
            break;
        }
        applied.extend(round);
        report = crate::analyze::analyze_set(ws, configs);
        filter(&mut report);
    }
    let fixed = applied.len();
    report.fixed = fixed;
    let changed = originals
        .into_iter()
        .zip(&ws.files)
        .enumerate()
        .filter(|(_, (before, after))| before.text != after.text)
        .map(|(file, (original, after))| FileChange {
            file: FileId::new(file),
            original,
            text: after.text.clone(),
        })
        .collect();
    Fixed {
        report,
        fixed,
        applied,
        changed,
    }
}

/// One round: applies `report`'s fixes at `level` file by file and reloads the changed files.
fn fix_round(
    ws: &mut Workspace,
    configs: &ConfigSet,
    report: &Report,
    level: Applicability,
) -> Vec<Applied> {
    let mut by_file: BTreeMap<FileId, Vec<&crate::finding::Finding>> = BTreeMap::new();
    for f in &report.findings {
        let Some(fix) = &f.fix else { continue };
        let editable = ws
            .files
            .get(f.file.index())
            .is_some_and(|s| s.role == Role::Linted);
        if editable && is_applicable(fix, level) && fix.edits.iter().all(|e| e.file == f.file) {
            by_file.entry(f.file).or_default().push(f);
        }
    }
    let mut applied = Vec::new();
    for (file, findings) in by_file {
        let Some(source) = ws.files.get(file.index()) else {
            continue;
        };
        let fixes: Vec<&Fix> = findings.iter().filter_map(|f| f.fix.as_ref()).collect();
        let (text, taken) = apply(&source.text, &fixes);
        if taken.is_empty() || text == source.text {
            continue;
        }
        applied.extend(taken.iter().filter_map(|&i| {
            let f = findings.get(i)?;
            Some(Applied {
                rule: f.rule,
                file,
                object: report.object(f).cloned(),
                path: f.path.clone(),
                title: fixes.get(i)?.title.clone(),
            })
        }));
        let input = InputFile {
            name: source.name.clone(),
            path: None,
            role: Role::Linted,
            walked: false,
            stdin: source.stdin,
            content: Ok(text.into_bytes()),
        };
        ws.replace(file, &input, configs.of(file));
    }
    applied
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::source::Span;

    fn fix(edits: &[(u32, u32, &str)]) -> Fix {
        Fix {
            title: "t".to_owned(),
            applicability: Applicability::Safe,
            edits: edits
                .iter()
                .map(|&(s, e, t)| Edit {
                    file: FileId::new(0),
                    span: Span::new(s, e),
                    text: t.to_owned(),
                })
                .collect(),
        }
    }

    #[test]
    fn applies_edits_in_order_whatever_the_order_given() {
        let a = fix(&[(7, 10, "\"yes\"")]);
        let b = fix(&[(0, 0, "# top\n")]);
        let (text, n) = apply("value: yes\n", &[&a, &b]);
        assert_eq!(text, "# top\nvalue: \"yes\"\n");
        assert_eq!(n, [0, 1]);
    }

    #[test]
    fn an_overlapping_fix_waits_for_the_next_round() {
        let first = fix(&[(0, 5, "hello")]);
        let overlapping = fix(&[(3, 7, "xx")]);
        let same_place = fix(&[(6, 6, "> ")]);
        let (text, n) = apply("abcdefgh", &[&first, &overlapping, &same_place]);
        assert_eq!(
            n,
            [0, 2],
            "the later of two overlapping fixes waits, in text order"
        );
        assert_eq!(text, "hellof> gh");
    }

    #[test]
    fn a_fix_is_all_or_nothing() {
        let taken = fix(&[(0, 1, "X")]);
        let partly = fix(&[(2, 3, "Y"), (0, 1, "Z")]);
        let (text, n) = apply("abcd", &[&taken, &partly]);
        assert_eq!((text.as_str(), n), ("Xbcd", vec![0]));
    }

    #[test]
    fn edits_outside_the_text_or_inside_a_character_are_skipped() {
        let past = fix(&[(10, 12, "x")]);
        let inside = fix(&[(1, 2, "x")]);
        let (text, n) = apply("é", &[&past, &inside]);
        assert_eq!((text.as_str(), n), ("é", vec![]));
    }

    #[test]
    fn many_fixes_apply_in_linear_time() {
        // 50,000 fixes: comparing each with every taken edit would take minutes in a debug
        // build; checking neighbours takes well under a second.
        let n = 50_000u32;
        let text = "x".repeat(n as usize * 2);
        let fixes: Vec<Fix> = (0..n).map(|i| fix(&[(i * 2, i * 2 + 1, "y")])).collect();
        let refs: Vec<&Fix> = fixes.iter().rev().collect();
        let (out, taken) = apply(&text, &refs);
        assert_eq!(taken.len(), n as usize);
        assert_eq!(out, "yx".repeat(n as usize));
    }

    #[test]
    fn a_diff_of_many_scattered_changes_is_quick() {
        // Every other line of 40,000 changed (20,000 changes): Myers is O(N·D) here, Patience near-linear.
        let mut before = String::new();
        for i in 0..20_000 {
            let _ = writeln!(before, "name: n{i}\nvalue: yes");
        }
        let after = before.replace("value: yes", "value: \"yes\"");
        let diff = unified_diff("big.yaml", &before, &after);
        assert_eq!(diff.matches("\n+value: \"yes\"").count(), 20_000);
    }

    #[test]
    fn diff_is_unified_with_headers() {
        let diff = unified_diff("k.yaml", "a: 1\nb: yes\n", "a: 1\nb: \"yes\"\n");
        assert!(diff.starts_with("--- a/k.yaml\n+++ b/k.yaml\n@@"), "{diff}");
        assert!(diff.contains("-b: yes\n+b: \"yes\"\n"), "{diff}");
        assert!(unified_diff("k.yaml", "same", "same").is_empty());
    }
}
