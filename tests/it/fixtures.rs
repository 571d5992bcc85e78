//! Every fixture under `fixtures/<rule>/` is linted alone with only its rule enabled; the
//! findings must be exactly the ones marked inline, and the rendered output must match its
//! snapshot.

use std::fmt::Write as _;
use std::path::Path;

use kubeha::render::{HumanOptions, human};
use kubeha::{Config, Input};

use crate::{lint, relative};

/// `(line, rule)` pairs marked with `# expect: rule` / `# expect-next-line: rule`.
fn expected(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let (target, list) = if let Some((_, rest)) = line.split_once("# expect-next-line:") {
            (i + 2, rest)
        } else if let Some((_, rest)) = line.split_once("# expect:") {
            (i + 1, rest)
        } else {
            continue;
        };
        for rule in list.split(',') {
            let rule = rule.trim();
            if !rule.is_empty() {
                out.push((target, rule.to_owned()));
            }
        }
    }
    out.sort();
    out
}

/// The marker of a fixture's own config: a comment block at the top of the file, the
/// `.kubeha.yaml` text after each line's `# ` (as oxc and ruff tests carry rule options).
///
/// ```yaml
/// # kubeha-test-config:
/// #   rules:
/// #     single-replica: { min-replicas: 3 }
/// ```
const TEST_CONFIG: &str = "# kubeha-test-config:";

/// The fixture's config (its `# kubeha-test-config:` block over the defaults), with only
/// `rule` selected.
pub fn fixture_config(rule: &str, path: &Path) -> Config {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().skip_while(|l| l.trim() != TEST_CONFIG);
    let mut config = if lines.next().is_some() {
        let block: String = lines
            .map_while(|l| l.strip_prefix('#'))
            .take_while(|l| l.starts_with("  "))
            .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
            .collect();
        let name = format!("{} ({TEST_CONFIG})", relative(path));
        Config::parse(&name, &block).unwrap_or_else(|e| panic!("{name}: {e:?}"))
    } else {
        Config::default()
    };
    config.select(&[rule.to_owned()]).unwrap();
    config
}

fn fixture_files() -> Vec<(String, std::path::PathBuf)> {
    let root = crate::repo().join("fixtures");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).expect("fixtures/ exists") {
        let dir = dir.expect("readable fixtures/").path();
        if !dir.is_dir() {
            continue;
        }
        let rule = dir.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&dir).expect("readable fixture dir") {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push((rule.clone(), file));
            }
        }
    }
    files.sort();
    files
}

pub fn render_human(report: &kubeha::Report) -> String {
    let mut out = Vec::new();
    human(
        report,
        HumanOptions {
            color: false,
            width: 100,
            quiet: false,
        },
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn fixtures_produce_exactly_the_marked_findings() {
    let files = fixture_files();
    assert!(files.len() > 20, "fixtures are missing");
    let mut failures = String::new();
    for (rule, path) in &files {
        let config = fixture_config(rule, path);
        let report = lint(&[Input::Path(path.clone())], &config);
        let text = std::fs::read_to_string(path).unwrap();
        let want = expected(&text);
        let name = path.file_name().unwrap().to_string_lossy();
        if name.starts_with("pass") {
            assert!(
                want.is_empty(),
                "{}: pass fixtures carry no markers",
                relative(path)
            );
        } else {
            assert!(
                !want.is_empty(),
                "{}: fail fixtures mark their findings",
                relative(path)
            );
        }
        let mut got: Vec<(usize, String)> = report
            .findings
            .iter()
            .map(|f| {
                let line = report.files[f.file.index()].line_col(f.span.start).line;
                (line, f.rule.to_owned())
            })
            .collect();
        got.sort();
        if got != want {
            let _ = writeln!(
                failures,
                "{}:\n  expected {want:?}\n  got      {got:?}",
                relative(path)
            );
        }
    }
    assert!(failures.is_empty(), "fixture mismatches:\n{failures}");
}

#[test]
fn fixture_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(crate::repo().join("tests/it/snapshots"));
    let _guard = settings.bind_to_scope();
    for (rule, path) in fixture_files() {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        // Pass fixtures are asserted to have no finding above; only findings are snapshots.
        if stem.starts_with("pass") {
            continue;
        }
        let config = fixture_config(&rule, &path);
        // Relative path so snapshots do not depend on the checkout location.
        let rel = relative(&path);
        let report = lint(&[Input::Path(rel.clone().into())], &config);
        insta::assert_snapshot!(format!("{rule}__{stem}"), render_human(&report));
    }
}

#[test]
fn every_snapshot_belongs_to_a_fail_fixture() {
    let wanted: std::collections::HashSet<String> = fixture_files()
        .into_iter()
        .map(|(rule, path)| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            format!("{rule}__{stem}.snap")
        })
        .filter(|name| !name.contains("__pass"))
        .collect();
    let stale: Vec<String> = std::fs::read_dir(crate::repo().join("tests/it/snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            Path::new(n).extension().is_some_and(|e| e == "snap")
                && n.contains("__")
                && !wanted.contains(n)
        })
        .filter(|n| {
            // Snapshots of other tests are named after them, not `rule__stem`.
            fixture_files()
                .iter()
                .any(|(rule, _)| n.starts_with(&format!("{rule}__")))
        })
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots without a fail fixture: {stale:?}"
    );
}
