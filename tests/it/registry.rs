//! Adding a rule touches four places; this fails when one is missing or out of sync.

use std::fmt::Write as _;

use kubeha::rules::RULES;

const HEADINGS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Options",
    "## When to suppress",
];

#[test]
fn every_rule_has_code_doc_and_fixtures() {
    let repo = crate::repo();
    for rule in RULES {
        let m = rule.meta();
        let code = repo.join(format!("src/rules/{}.rs", m.name.replace('-', "_")));
        assert!(code.is_file(), "{}: missing {}", m.name, code.display());
        assert!(
            m.doc.starts_with(&format!("# {}\n", m.name)),
            "{}: doc title",
            m.name
        );
        assert!(
            !m.doc.contains("Default severity:"),
            "{}: the metadata line is derived from the rule's metadata; do not write it",
            m.name
        );
        for h in HEADINGS {
            assert!(m.doc.contains(h), "{}: doc lacks `{h}`", m.name);
        }
        for o in m.options {
            assert!(
                m.doc.contains(o.name),
                "{}: doc does not document option `{}`",
                m.name,
                o.name
            );
        }
        let dir = repo.join("fixtures").join(m.name);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{}: missing fixtures/{}/", m.name, m.name))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("pass")),
            "{}: no pass fixture",
            m.name
        );
        assert!(
            names.iter().any(|n| n.starts_with("fail")),
            "{}: no fail fixture",
            m.name
        );
        assert!(
            !m.summary.is_empty() && !m.summary.ends_with('.'),
            "{}: summary",
            m.name
        );
    }
}

#[test]
fn every_fixture_dir_and_doc_names_a_rule() {
    let repo = crate::repo();
    for dir in ["fixtures", "rules"] {
        for entry in std::fs::read_dir(repo.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name == "README.md" {
                continue;
            }
            let rule = name.trim_end_matches(".md");
            assert!(
                kubeha::rules::find(rule).is_some(),
                "{dir}/{name} names no rule"
            );
        }
    }
}

#[test]
fn rule_names_are_unique_and_read_as_problems() {
    let mut names: Vec<&str> = kubeha::rules::names().collect();
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count, "duplicate rule names");
    for n in names {
        assert!(
            !n.starts_with("use-") && !n.starts_with("prefer-") && !n.starts_with("no-"),
            "{n}: name the problem, not the remedy"
        );
    }
}

/// The README's rule table is generated from the registry; regenerate it when this fails.
#[test]
fn readme_rule_table_is_in_sync() {
    let readme = std::fs::read_to_string(crate::repo().join("README.md")).unwrap();
    let mut rules: Vec<_> = RULES.iter().map(|r| r.meta()).collect();
    rules.sort_by_key(|m| m.group);
    let mut table = String::from(
        "| rule | group | severity | default | what it finds |\n|---|---|---|---|---|\n",
    );
    for m in rules {
        let _ = writeln!(
            table,
            "| `{}` | {} | {} | {} | {} |",
            m.name,
            m.group,
            m.severity,
            if m.enabled { "on" } else { "off" },
            m.summary.replace('|', "\\|")
        );
    }
    assert!(
        readme.contains(&table),
        "README.md rule table is out of date; replace it with:\n\n{table}"
    );
}

/// No rule imports another rule: shared facts live in `src/model/` or the index, and shared
/// reporting in `src/rules/mod.rs`.
#[test]
fn no_rule_imports_a_sibling_rule() {
    let dir = crate::repo().join("src/rules");
    let modules: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let stem = path.file_stem()?.to_string_lossy().into_owned();
            (path.extension().is_some_and(|x| x == "rs") && stem != "mod").then_some(stem)
        })
        .collect();
    assert!(modules.len() > 30, "{modules:?}");
    let mut offenders = Vec::new();
    for module in &modules {
        let text = std::fs::read_to_string(dir.join(format!("{module}.rs"))).unwrap();
        for other in modules.iter().filter(|m| *m != module) {
            // `super::x::f`, `rules::x::f`, `use super::{x::f, ..}`, `use super::x;`.
            let path = format!("{other}::");
            let in_path = text.match_indices(&path).any(|(i, _)| {
                !text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            let whole = [format!("super::{other};"), format!("rules::{other};")];
            if in_path || whole.iter().any(|p| text.contains(p.as_str())) {
                offenders.push(format!("{module}.rs uses rule module {other}"));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

/// The README's table of other linters' annotations is `suppress::PEER_CHECKS`, row for row.
#[test]
fn readme_peer_annotation_table_is_in_sync() {
    let readme = std::fs::read_to_string(crate::repo().join("README.md")).unwrap();
    let mut table = String::new();
    for (linter, check, rules) in kubeha::suppress::PEER_CHECKS {
        let shown: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
        let _ = writeln!(table, "| {linter} | `{check}` | {} |", shown.join(", "));
        for r in *rules {
            assert!(
                kubeha::rules::find(r).is_some(),
                "{check} maps to unknown rule {r}"
            );
        }
    }
    assert!(
        readme.contains(&table),
        "README.md peer-annotation table is out of date; its rows should be:\n\n{table}"
    );
}
