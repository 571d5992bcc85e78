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
        for o in m.options.fields {
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
        // Rule modules only: `options.rs` and the like are shared helpers of `rules/`.
        .filter(|stem| kubeha::rules::find(&stem.replace('_', "-")).is_some())
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
    for (linter, check, rules) in kubeha::PEER_CHECKS {
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

#[test]
fn documented_options_are_the_fields_of_each_rules_options_type() {
    for rule in RULES {
        let m = rule.meta();
        let documented: Vec<&str> = m.options.fields.iter().map(|o| o.name).collect();
        let decoded: Vec<&str> = (m.options.serde_fields)().to_vec();
        assert_eq!(documented, decoded, "{}: options metadata vs type", m.name);
    }
}

/// Every option-bearing rule has a fixture that sets an option (`# kubeha-test-config:`).
#[test]
fn every_rule_with_options_has_a_fixture_that_sets_them() {
    for rule in RULES {
        let m = rule.meta();
        let dir = crate::repo().join("fixtures").join(m.name);
        for o in m.options.fields {
            let set = std::fs::read_dir(&dir).unwrap().any(|e| {
                let text = std::fs::read_to_string(e.unwrap().path()).unwrap_or_default();
                text.starts_with("# kubeha-test-config:") && text.contains(o.name)
            });
            assert!(set, "{}: no fixture sets option `{}`", m.name, o.name);
        }
    }
}

/// The import graph read from `crate::` paths in `src/` (tests and comments left out): the
/// top-level modules import each other without a cycle, and nothing imports upward into
/// `lib.rs` (every `crate::x` names a module, not an item of the crate root).
#[test]
fn the_module_graph_has_no_cycle_and_no_upward_import() {
    use std::collections::{BTreeMap, BTreeSet};
    let src = crate::repo().join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let modules: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| {
            let l = l
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ");
            l.strip_prefix("mod ")?.strip_suffix(';').map(str::to_owned)
        })
        .collect();
    assert!(modules.len() > 10, "{modules:?}");
    // Macros exported at the crate root (`#[macro_export]`) are not imports of lib.rs items.
    let macros = ["path"];
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut upward = Vec::new();
    let mut files = vec![src.clone()];
    while let Some(dir) = files.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.extension().is_none_or(|e| e != "rs")
                || rel == "lib.rs"
                || rel == "main.rs"
                || rel == "cli.rs"
            {
                continue;
            }
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            for line in code.lines() {
                let line = line.split("//").next().unwrap();
                for (i, _) in line.match_indices("crate::") {
                    let name: String = line[i + "crate::".len()..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if name.is_empty() || name == top || macros.contains(&name.as_str()) {
                        continue;
                    }
                    if modules.contains(&name) {
                        graph.entry(top.clone()).or_default().insert(name);
                    } else {
                        upward.push(format!("{rel}: crate::{name}"));
                    }
                }
            }
        }
    }
    assert!(upward.is_empty(), "imports of lib.rs items: {upward:#?}");
    // A module on a cycle reaches itself.
    let reaches = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = graph.get(from).into_iter().flatten().collect();
        while let Some(m) = todo.pop() {
            if seen.insert(m.clone()) {
                todo.extend(graph.get(m).into_iter().flatten());
            }
        }
        seen
    };
    let cyclic: Vec<&String> = graph.keys().filter(|m| reaches(m).contains(*m)).collect();
    assert!(
        cyclic.is_empty(),
        "modules on an import cycle: {cyclic:?}; graph: {graph:#?}"
    );
}
